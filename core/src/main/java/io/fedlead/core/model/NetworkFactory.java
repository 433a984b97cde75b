package io.fedlead.core.model;

import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network a {@link ModelSpec} describes. Every party that builds the same spec for the
 * same input width gets the same layout and the same initial weights, because Xavier initialisation is
 * seeded by {@link ModelSpec#initSeed()}.
 */
public final class NetworkFactory {
    /**
     * Learning rate the updater is built with. It is a placeholder: each round sets its own rate through
     * {@link MultiLayerNetwork#setLearningRate(double)} before training.
     */
    public static final double PLACEHOLDER_LEARNING_RATE = 0.01;

    private NetworkFactory() {
    }

    /**
     * Builds and initialises a float32 network.
     *
     * @param spec   what to build
     * @param inputs width of the encoded feature vector, > 0
     */
    public static MultiLayerNetwork build(ModelSpec spec, int inputs) {
        Objects.requireNonNull(spec, "spec");
        if (inputs <= 0) {
            throw new IllegalArgumentException("a network needs at least one input, got " + inputs);
        }
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(spec.initSeed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater(spec.updater()))
                // L2 on weights only (DL4J's l2 leaves biases alone), as is conventional.
                .l2(spec.l2())
                .list();
        List<Integer> hidden = spec.hiddenSizes();
        Activation activation = activation(spec.activation());
        int nIn = inputs;
        for (int i = 0; i < hidden.size(); i++) {
            DenseLayer.Builder dense = new DenseLayer.Builder().nIn(nIn).nOut(hidden.get(i)).activation(activation);
            // DL4J applies a layer's dropout to that layer's INPUT and takes the probability of RETAINING a unit.
            // ModelSpec.dropout is the probability of dropping a hidden unit, so it goes on every layer fed by a
            // hidden layer (never on the first, which would drop raw features), as 1 - dropout.
            if (i > 0 && spec.dropout() > 0) {
                dense.dropOut(1.0 - spec.dropout());
            }
            layers.layer(dense.build());
            nIn = hidden.get(i);
        }
        OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                .nIn(nIn).nOut(1).activation(Activation.SIGMOID);
        if (!hidden.isEmpty() && spec.dropout() > 0) {
            out.dropOut(1.0 - spec.dropout());
        }
        layers.layer(out.build());
        MultiLayerNetwork net = new MultiLayerNetwork(layers.build());
        net.init();
        return net;
    }

    private static IUpdater updater(String name) {
        return switch (name) {
            case "sgd" -> new Sgd(PLACEHOLDER_LEARNING_RATE);
            case "adam" -> new Adam(PLACEHOLDER_LEARNING_RATE);
            // ModelSpec validates the name; reaching here means the two lists drifted apart.
            default -> throw new IllegalArgumentException("updater '" + name + "' is not one of " + ModelSpec.UPDATERS);
        };
    }

    private static Activation activation(String name) {
        return switch (name) {
            case "relu" -> Activation.RELU;
            case "tanh" -> Activation.TANH;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "elu" -> Activation.ELU;
            case "sigmoid" -> Activation.SIGMOID;
            default -> throw new IllegalArgumentException("activation '" + name + "' is not one of " + ModelSpec.ACTIVATIONS);
        };
    }
}
