package io.fedlead.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves parameters between a DL4J network and a {@link ModelWeights}. The flat vector is DL4J's own
 * {@link MultiLayerNetwork#params()} vector: tensors in {@code paramTable()} order ("0_W", "0_b", "1_W", ...),
 * each tensor's values in DL4J's storage order (weight matrices [nIn, nOut] are column-major).
 */
public final class NetworkWeights {
    private NetworkWeights() {
    }

    /** The layout of a network's flat parameter vector, named by DL4J's parameter keys. */
    public static ModelLayout layoutOf(MultiLayerNetwork net) {
        Objects.requireNonNull(net, "net");
        List<TensorSpec> tensors = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            List<Long> shape = Arrays.stream(e.getValue().shape()).boxed().toList();
            TensorSpec t = new TensorSpec(e.getKey(), shape);
            tensors.add(t);
            total += t.size();
        }
        if (total != net.numParams()) {
            // paramTable() and params() are two views of one buffer; if they disagree the layout would lie.
            throw new IllegalStateException("paramTable has " + total + " values but the network has "
                    + net.numParams() + " parameters");
        }
        return new ModelLayout(tensors);
    }

    /** A copy of the network's current parameters. */
    public static ModelWeights get(MultiLayerNetwork net) {
        ModelLayout layout = layoutOf(net);
        float[] values = net.params().castTo(DataType.FLOAT).toFloatVector();
        return new ModelWeights(layout, values);
    }

    /**
     * Overwrites the network's parameters.
     *
     * @throws IllegalArgumentException if the weights' layout is not the network's, naming each differing tensor
     */
    public static void set(MultiLayerNetwork net, ModelWeights weights) {
        Objects.requireNonNull(weights, "weights");
        ModelLayout actual = layoutOf(net);
        if (!actual.equals(weights.layout())) {
            throw new IllegalArgumentException("weights do not fit the network (expected the network's layout, got the"
                    + " weights' layout): " + actual.describeDifference(weights.layout()));
        }
        float[] v = weights.values();
        net.setParams(Nd4j.create(v, new long[] {1, v.length}, DataType.FLOAT));
    }

    /**
     * Zeroes the updater's state (Adam's moment estimates; SGD has none). Call it after loading new global
     * weights when optimiser state from an earlier round should not leak into this one.
     */
    public static void clearUpdaterState(MultiLayerNetwork net) {
        Updater updater = net.getUpdater();
        if (updater != null && updater.getStateViewArray() != null) {
            updater.getStateViewArray().assign(0);
        }
    }

    /** Number of input features the network expects (nIn of its first layer). */
    public static int inputWidth(MultiLayerNetwork net) {
        return net.layerInputSize(0);
    }
}
