package io.fedlead.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedlead.core.eval.BinaryMetrics;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
    /** Rows of N(0,1) features labeled by the sign of x0 + 0.5 x1: linearly separable. */
    record Toy(float[] x, float[] y, int rows, int width) {
        static Toy separable(int rows, int width, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = new float[rows * width];
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < width; j++) {
                    x[i * width + j] = (float) nextGaussian(r);
                }
                y[i] = x[i * width] + 0.5f * x[i * width + 1] > 0 ? 1f : 0f;
            }
            return new Toy(x, y, rows, width);
        }

        private static double nextGaussian(SplittableRandom r) {
            return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
        }
    }

    private static final Toy TOY = Toy.separable(400, 3, 5);

    @Test
    void train_separableLogistic_lossFallsAndAucHigh() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), TOY.width());
        double before = BinaryMetrics.logLoss(BinaryMetrics.predict(net, TOY.x(), TOY.rows(), TOY.width()), TOY.y());

        LocalTrainer.TrainingResult r = new LocalTrainer(new SplittableRandom(1))
                .train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 5, 50, 0.5);

        float[] p = BinaryMetrics.predict(net, TOY.x(), TOY.rows(), TOY.width());
        assertTrue(r.meanLoss() < 0.75 * before, "loss " + before + " -> " + r.meanLoss());
        assertTrue(BinaryMetrics.logLoss(p, TOY.y()) < 0.75 * before);
        assertTrue(BinaryMetrics.auc(p, TOY.y()) > 0.95, "auc " + BinaryMetrics.auc(p, TOY.y()));
    }

    @Test
    void train_separableMlpAdam_aucHigh() {
        MultiLayerNetwork net = NetworkFactory.build(new ModelSpec("mlp", List.of(8), "relu", 0.1, 1e-4, "adam", 3), TOY.width());

        new LocalTrainer(new SplittableRandom(1)).train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 5, 50, 0.02);

        float[] p = BinaryMetrics.predict(net, TOY.x(), TOY.rows(), TOY.width());
        assertTrue(BinaryMetrics.auc(p, TOY.y()) > 0.95, "auc " + BinaryMetrics.auc(p, TOY.y()));
    }

    @Test
    void train_counts_examplesEpochsAndBatches() {
        Toy toy = Toy.separable(10, 2, 1);
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 2);
        LocalTrainer trainer = new LocalTrainer(new SplittableRandom(1));

        LocalTrainer.TrainingResult minibatch = trainer.train(net, toy.x(), 10, 2, toy.y(), 2, 4, 0.1);
        LocalTrainer.TrainingResult fullBatch = trainer.train(net, toy.x(), 10, 2, toy.y(), 3, 0, 0.1);
        LocalTrainer.TrainingResult oversized = trainer.train(net, toy.x(), 10, 2, toy.y(), 1, 11, 0.1);

        assertEquals(20, minibatch.examples());
        assertEquals(2, minibatch.epochs());
        assertEquals(6, minibatch.batches(), "batches of 4, 4, 2 per epoch");
        assertEquals(3, fullBatch.batches());
        assertEquals(1, oversized.batches());
        assertTrue(minibatch.meanLoss() > 0 && minibatch.seconds() > 0);
    }

    @Test
    void train_sameSeed_identicalWeightsEvenWithDropout() {
        ModelSpec spec = new ModelSpec("mlp", List.of(6, 4), "relu", 0.3, 0, "adam", 9);
        float[][] results = new float[2][];
        for (int k = 0; k < 2; k++) {
            MultiLayerNetwork net = NetworkFactory.build(spec, TOY.width());
            new LocalTrainer(new SplittableRandom(42)).train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 1, 64, 0.01);
            results[k] = NetworkWeights.get(net).values();
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void train_differentSeed_differentRowOrderSoDifferentWeights() {
        float[][] results = new float[2][];
        for (int k = 0; k < 2; k++) {
            MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), TOY.width());
            new LocalTrainer(new SplittableRandom(k)).train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 1, 64, 0.1);
            results[k] = NetworkWeights.get(net).values();
        }
        assertFalse(java.util.Arrays.equals(results[0], results[1]));
    }

    @Test
    void train_setsLearningRate_largerRateMovesWeightsFurther() {
        float[] start = NetworkWeights.get(NetworkFactory.build(ModelSpec.logistic(), TOY.width())).values();
        double[] distance = new double[2];
        double[] rates = {0.001, 0.1};
        for (int k = 0; k < 2; k++) {
            MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), TOY.width());
            new LocalTrainer(new SplittableRandom(1)).train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 1, 0, rates[k]);
            float[] w = NetworkWeights.get(net).values();
            for (int i = 0; i < w.length; i++) {
                distance[k] += Math.abs(w[i] - start[i]);
            }
        }
        // One full-batch SGD step moves the weights by lr x gradient.
        assertEquals(100, distance[1] / distance[0], 1.0);
    }

    @Test
    void train_unlabeledRow_rejectedNamingTheRow() {
        float[] y = TOY.y().clone();
        y[7] = Float.NaN;
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), TOY.width());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalTrainer(new SplittableRandom(1)).train(net, TOY.x(), TOY.rows(), TOY.width(), y, 1, 10, 0.1));
        assertTrue(e.getMessage().startsWith("row 7: label is NaN"), e.getMessage());
    }

    @Test
    void train_wrongWidth_rejected() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalTrainer(new SplittableRandom(1)).train(net, TOY.x(), TOY.rows(), TOY.width(), TOY.y(), 1, 10, 0.1));
        assertEquals("rows have width 3 but the network expects 4 inputs", e.getMessage());
    }
}
