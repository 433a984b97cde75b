package io.fedlead.core.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Counts of positive and negative examples per score bin, over B equal-width bins of [0, 1]. Histograms
 * from different parties merge by addition, so a coordinator can compute a pooled AUC without seeing rows.
 *
 * <p>Bin i holds scores in [i/B, (i+1)/B); a score of exactly 1.0 goes in the last bin. The arrays are
 * copied in and out, so a histogram never changes.
 */
public record ScoreHistogram(long[] positive, long[] negative) {
    /** Bins used when none are given; the tests find the histogram AUC within 0.002 of the exact AUC at this size. */
    public static final int DEFAULT_BINS = 1000;

    public ScoreHistogram {
        Objects.requireNonNull(positive, "positive");
        Objects.requireNonNull(negative, "negative");
        if (positive.length == 0) {
            throw new IllegalArgumentException("a score histogram needs at least one bin");
        }
        if (positive.length != negative.length) {
            throw new IllegalArgumentException("positive has " + positive.length + " bins but negative has " + negative.length);
        }
        positive = positive.clone();
        negative = negative.clone();
        for (int i = 0; i < positive.length; i++) {
            if (positive[i] < 0 || negative[i] < 0) {
                throw new IllegalArgumentException("bin " + i + " has a negative count: positive " + positive[i]
                        + ", negative " + negative[i]);
            }
        }
    }

    /** A histogram with no examples. */
    public static ScoreHistogram empty(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        return new ScoreHistogram(new long[bins], new long[bins]);
    }

    /** Histogram of {@link #DEFAULT_BINS} bins. */
    public static ScoreHistogram of(float[] scores, float[] labels) {
        return of(scores, labels, DEFAULT_BINS);
    }

    /**
     * Bins scores in [0, 1] by their 0/1 labels.
     *
     * @throws IllegalArgumentException naming the first score outside [0, 1] or label other than 0/1
     */
    public static ScoreHistogram of(float[] scores, float[] labels, int bins) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(labels, "labels");
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        long[] pos = new long[bins];
        long[] neg = new long[bins];
        for (int i = 0; i < scores.length; i++) {
            int bin = binOf(scores[i], bins, i);
            if (labels[i] == 1f) {
                pos[bin]++;
            } else if (labels[i] == 0f) {
                neg[bin]++;
            } else {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", expected 0 or 1");
            }
        }
        return new ScoreHistogram(pos, neg);
    }

    /** The bin of a score in [0, 1] among {@code bins}; {@code row} names the score in the error. */
    static int binOf(float score, int bins, int row) {
        if (!(score >= 0f && score <= 1f)) {
            throw new IllegalArgumentException("score " + row + " is " + score + ", expected a probability in [0, 1]");
        }
        return Math.min((int) (score * (double) bins), bins - 1);
    }

    /**
     * Mean score, taking every example at its bin's centre ((i + 0.5) / B): within half a bin width (0.0005 at
     * 1,000 bins) of the mean of the exact scores. NaN with no examples.
     */
    public double meanScore() {
        double sum = 0;
        double n = 0;
        for (int i = 0; i < positive.length; i++) {
            double c = (double) positive[i] + negative[i];
            sum += c * (i + 0.5) / positive.length;
            n += c;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public long[] positive() {
        return positive.clone();
    }

    @Override
    public long[] negative() {
        return negative.clone();
    }

    public int bins() {
        return positive.length;
    }

    /** The bin-wise sum of two histograms with the same bin count. */
    public ScoreHistogram merge(ScoreHistogram other) {
        Objects.requireNonNull(other, "other");
        if (other.bins() != bins()) {
            throw new IllegalArgumentException("cannot merge a histogram of " + other.bins() + " bins into one of " + bins());
        }
        long[] pos = new long[bins()];
        long[] neg = new long[bins()];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = Math.addExact(positive[i], other.positive[i]);
            neg[i] = Math.addExact(negative[i], other.negative[i]);
        }
        return new ScoreHistogram(pos, neg);
    }

    public long positives() {
        return Arrays.stream(positive).sum();
    }

    public long negatives() {
        return Arrays.stream(negative).sum();
    }

    /**
     * Area under the ROC curve by Mann-Whitney over bins: the chance a random positive lands in a higher bin
     * than a random negative, with pairs in the same bin counted 1/2. NaN if either class is absent.
     */
    public double auc() {
        long p = positives();
        long n = negatives();
        if (p == 0 || n == 0) {
            return Double.NaN;
        }
        // Doubles: pair counts can exceed a long for very large pooled data sets.
        double wins = 0;
        double negativesBelow = 0;
        for (int i = 0; i < positive.length; i++) {
            wins += positive[i] * (negativesBelow + 0.5 * negative[i]);
            negativesBelow += negative[i];
        }
        return wins / ((double) p * (double) n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreHistogram h && Arrays.equals(positive, h.positive) && Arrays.equals(negative, h.negative);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(positive) + Arrays.hashCode(negative);
    }

    @Override
    public String toString() {
        return "ScoreHistogram[" + bins() + " bins, " + positives() + " positive, " + negatives() + " negative]";
    }
}
