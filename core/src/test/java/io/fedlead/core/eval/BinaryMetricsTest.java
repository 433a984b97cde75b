package io.fedlead.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
    /** Rank-based (Mann-Whitney) AUC with midranks for ties, written out independently of DL4J. */
    private static double rankAuc(float[] s, float[] y) {
        Integer[] idx = IntStream.range(0, s.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> s[i]));
        double[] rank = new double[s.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && s[idx[j + 1]] == s[idx[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                rank[idx[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        double p = 0;
        double rankSum = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i] == 1) {
                p++;
                rankSum += rank[i];
            }
        }
        double n = s.length - p;
        return (rankSum - p * (p + 1) / 2) / (p * n);
    }

    @Test
    void auc_handExampleWithTie_tieCountsHalf() {
        // pos 0.4 beats neg 0.2 and ties neg 0.4 (1.5); pos 0.8 beats both (2): 3.5 / 4.
        float[] s = {0.2f, 0.4f, 0.4f, 0.8f};
        float[] y = {0, 0, 1, 1};
        assertEquals(0.875, BinaryMetrics.auc(s, y), 1e-9);
        assertEquals(0.875, rankAuc(s, y), 1e-12);
    }

    @Test
    void auc_randomDataWithManyTies_agreesWithRankBasedAuc() {
        SplittableRandom r = new SplittableRandom(3);
        float[] s = new float[2000];
        float[] y = new float[2000];
        for (int i = 0; i < s.length; i++) {
            y[i] = r.nextDouble() < 0.4 ? 1 : 0;
            s[i] = Math.round((r.nextDouble() + 0.3 * y[i]) * 20) / 26f; // ~27 distinct values: many ties
        }
        assertEquals(rankAuc(s, y), BinaryMetrics.auc(s, y), 1e-9);
    }

    @Test
    void dl4jExactRoc_tiedScores_wrongWhichIsWhyAucIsHandWritten() {
        // Guards the decision documented on BinaryMetrics.auc: if a DL4J upgrade fixes ROC(0), reconsider.
        org.nd4j.evaluation.classification.ROC roc = new org.nd4j.evaluation.classification.ROC(0);
        roc.eval(org.nd4j.linalg.factory.Nd4j.create(new float[] {0, 0, 1, 1}, new long[] {4, 1}),
                org.nd4j.linalg.factory.Nd4j.create(new float[] {0.2f, 0.4f, 0.4f, 0.8f}, new long[] {4, 1}));
        assertEquals(0.75, roc.calculateAUC(), 1e-9);
    }

    @Test
    void auc_negativeScoresAndZeros_orderedNumerically() {
        float[] s = {-2f, -0.0f, 0f, 3f};
        float[] y = {0, 1, 0, 1};
        assertEquals(rankAuc(s, y), BinaryMetrics.auc(s, y), 1e-12);
        assertEquals(0.875, BinaryMetrics.auc(s, y), 1e-12);
    }

    @Test
    void auc_oneClass_nan() {
        assertTrue(Double.isNaN(BinaryMetrics.auc(new float[] {0.1f, 0.9f}, new float[] {0, 0})));
    }

    @Test
    void logLossBrierBaseRate_handComputed() {
        float[] p = {0.8f, 0.4f, 0.5f, 0f};
        float[] y = {1, 0, 1, 0};
        double expectedLoss = -(Math.log(0.8f) + Math.log(1 - 0.4f) + Math.log(0.5) + Math.log1p(-1e-7)) / 4;
        assertEquals(expectedLoss, BinaryMetrics.logLoss(p, y), 1e-7);
        assertEquals((0.04 + 0.16 + 0.25 + 0) / 4, BinaryMetrics.brier(p, y), 1e-7);
        assertEquals(0.5, BinaryMetrics.baseRate(y), 0);
    }

    @Test
    void logLoss_certainAndWrong_clampedNotInfinite() {
        assertEquals(-Math.log(1e-7), BinaryMetrics.logLoss(new float[] {0f}, new float[] {1}), 1e-6);
    }

    @Test
    void predict_logistic_sigmoidOfWeightedSum() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 2);
        // layout 0_W [2, 1], 0_b [1]
        NetworkWeights.set(net, new io.fedlead.core.model.ModelWeights(NetworkWeights.layoutOf(net), new float[] {0.5f, -1f, 0.25f}));

        float[] p = BinaryMetrics.predict(net, new float[] {2, 1, 0, 0, -1, 3}, 3, 2);

        assertArrayEquals(new float[] {sigmoid(0.25), sigmoid(0.25), sigmoid(-0.5 - 3 + 0.25)}, p, 1e-6f);
    }

    @Test
    void evaluate_sumsLossAndBinsEveryRow() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 2);
        NetworkWeights.set(net, new io.fedlead.core.model.ModelWeights(NetworkWeights.layoutOf(net), new float[] {1f, 0f, 0f}));
        float[] x = {2, 0, -2, 0, 1, 0};
        float[] y = {0, 0, 1};

        EvaluationResult r = BinaryMetrics.evaluate(net, x, 3, 2, y);

        assertEquals(3, r.examples());
        assertEquals(-Math.log(1 - sigmoid(2)) - Math.log(1 - sigmoid(-2)) - Math.log(sigmoid(1)), r.lossSum(), 1e-5);
        assertEquals(0.5, r.auc(), 1e-9, "the positive (score s(1)) beats one negative (s(-2)) of two (s(2))");
        assertEquals(1, r.histogram().positives());
        assertEquals(2, r.histogram().negatives());
        assertEquals(0.5, r.histogram().auc(), 1e-9);
        assertEquals(ScoreHistogram.DEFAULT_BINS, r.histogram().bins());
    }

    @Test
    void predict_wrongWidth_rejected() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.predict(net, new float[4], 2, 2));
        assertEquals("rows have width 2 but the network expects 3 inputs", e.getMessage());
    }

    private static float sigmoid(double z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }
}
