package io.fedlead.core.eval;

import java.util.Arrays;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Metrics of a binary classifier's probabilities against 0/1 labels (exact AUC, log-loss, base rate, Brier
 * score) and batched prediction with a one-output sigmoid network.
 */
public final class BinaryMetrics {
    /** Probabilities are clamped to [EPSILON, 1 - EPSILON] for log-loss; about float32 resolution near 1. */
    public static final double EPSILON = 1e-7;

    /** Rows per {@code output()} call: big enough to amortise DL4J's per-call cost, small enough for memory. */
    static final int PREDICT_BATCH = 8192;

    private BinaryMetrics() {
    }

    /**
     * Exact area under the ROC curve by Mann-Whitney: the chance a random positive scores above a random
     * negative, tied scores counting 1/2. NaN if the labels hold only one class.
     *
     * <p>Hand-written rather than DL4J's {@code ROC(0)}: in 1.0.0-M2.1 the exact ROC treats tied scores as
     * separate thresholds (scores {0.2, 0.4, 0.4, 0.8} with labels {0, 0, 1, 1} give 0.75, not 0.875), and
     * encoded lead data ties a lot. Same tie rule as {@link ScoreHistogram#auc()}.
     */
    public static double auc(float[] scores, float[] labels) {
        checkPairs(scores, labels);
        int n = scores.length;
        // Sort (score, index) pairs as longs: the high half is the score's bits made order-preserving as a signed
        // int, the low half the index. A primitive sort, no boxing, for millions of rows.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            int bits = Float.floatToIntBits(s == 0f ? 0f : s); // -0.0 ties with 0.0
            int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) sortable << 32) | i;
        }
        Arrays.sort(keys);
        double wins = 0;
        double negativesBelow = 0;
        long positives = 0;
        for (int start = 0; start < n; ) {
            int high = (int) (keys[start] >> 32);
            long pos = 0;
            long neg = 0;
            int end = start;
            while (end < n && (int) (keys[end] >> 32) == high) {
                if (labels[(int) keys[end]] == 1f) {
                    pos++;
                } else {
                    neg++;
                }
                end++;
            }
            wins += pos * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            positives += pos;
            start = end;
        }
        if (positives == 0 || negativesBelow == 0) {
            return Double.NaN;
        }
        return wins / (positives * negativesBelow);
    }

    /** Sum over rows of the natural-log binary cross-entropy, probabilities clamped by {@link #EPSILON}. */
    public static double logLossSum(float[] probabilities, float[] labels) {
        checkPairs(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
            sum -= labels[i] == 1f ? Math.log(p) : Math.log1p(-p);
        }
        return sum;
    }

    /** Mean log-loss; NaN with no rows. */
    public static double logLoss(float[] probabilities, float[] labels) {
        return labels.length == 0 ? Double.NaN : logLossSum(probabilities, labels) / labels.length;
    }

    /** Share of positive labels; NaN with no rows. */
    public static double baseRate(float[] labels) {
        checkPairs(labels, labels);
        double positives = 0;
        for (float y : labels) {
            positives += y;
        }
        return labels.length == 0 ? Double.NaN : positives / labels.length;
    }

    /** Mean squared difference between probability and label; NaN with no rows. */
    public static double brier(float[] probabilities, float[] labels) {
        checkPairs(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double d = probabilities[i] - labels[i];
            sum += d * d;
        }
        return labels.length == 0 ? Double.NaN : sum / labels.length;
    }

    /** Probability of class 1 for each row, computed in batches of {@value #PREDICT_BATCH} rows. */
    public static float[] predict(MultiLayerNetwork net, float[] features, int rows, int width) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(features, "features");
        if (rows < 0 || width <= 0 || (long) rows * width != features.length) {
            throw new IllegalArgumentException("features has " + features.length + " values, expected rows x width = "
                    + rows + " x " + width);
        }
        int inputs = net.layerInputSize(0);
        if (width != inputs) {
            throw new IllegalArgumentException("rows have width " + width + " but the network expects " + inputs + " inputs");
        }
        float[] out = new float[rows];
        for (int from = 0; from < rows; from += PREDICT_BATCH) {
            int to = Math.min(rows, from + PREDICT_BATCH);
            INDArray x = Nd4j.create(Arrays.copyOfRange(features, from * width, to * width),
                    new long[] {to - from, width}, DataType.FLOAT);
            INDArray p = net.output(x, false);
            if (p.columns() != 1) {
                throw new IllegalArgumentException("network has " + p.columns() + " outputs, expected one sigmoid output");
            }
            System.arraycopy(p.castTo(DataType.FLOAT).toFloatVector(), 0, out, from, to - from);
        }
        return out;
    }

    /** Predicts the rows and scores them against their labels, with a {@link ScoreHistogram#DEFAULT_BINS}-bin histogram. */
    public static EvaluationResult evaluate(MultiLayerNetwork net, float[] features, int rows, int width, float[] labels) {
        Objects.requireNonNull(labels, "labels");
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has " + labels.length + " values for " + rows + " rows");
        }
        return evaluate(predict(net, features, rows, width), labels);
    }

    /** Scores given probabilities against their labels, with a {@link ScoreHistogram#DEFAULT_BINS}-bin histogram. */
    public static EvaluationResult evaluate(float[] probabilities, float[] labels) {
        return new EvaluationResult(labels.length, logLossSum(probabilities, labels), auc(probabilities, labels),
                ScoreHistogram.of(probabilities, labels));
    }

    private static void checkPairs(float[] scores, float[] labels) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(labels, "labels");
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0f && labels[i] != 1f) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", expected 0 or 1");
            }
        }
    }
}
