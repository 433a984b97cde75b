package io.fedlead.core.eval;

import java.util.Objects;

/**
 * Where grade A (the top quarter of the scored leads, as {@code fedlead score} grades) starts in a pooled score
 * histogram. Leads in bins above {@code bin} are A, and so is {@code fractionOfBin} of the leads in {@code bin}: a
 * histogram cannot order the leads inside a bin, so the cut bin is split as random tie-breaking would split it on
 * average, the same share for every group. Exactly a quarter of the pooled leads are then A.
 *
 * @param bin           the bin the cut falls in
 * @param fractionOfBin share of that bin's leads graded A, in (0, 1]
 * @param bins          bins of the histogram
 */
public record GradeCut(int bin, double fractionOfBin, int bins) {
    /** Share of the pooled leads graded A. */
    public static final double GRADE_A_SHARE = 0.25;

    public GradeCut {
        if (bins < 1 || bin < 0 || bin >= bins) {
            throw new IllegalArgumentException("bin " + bin + " is not a bin of " + bins);
        }
        if (!(fractionOfBin > 0 && fractionOfBin <= 1)) {
            throw new IllegalArgumentException("fractionOfBin must be in (0, 1], got " + fractionOfBin);
        }
    }

    /** The cut that grades the top quarter of {@code pooled}'s examples A. */
    public static GradeCut topQuarter(ScoreHistogram pooled) {
        Objects.requireNonNull(pooled, "pooled");
        long[] pos = pooled.positive();
        long[] neg = pooled.negative();
        double target = GRADE_A_SHARE * ((double) pooled.positives() + pooled.negatives());
        if (!(target > 0)) {
            throw new IllegalArgumentException("cannot grade an empty histogram");
        }
        double above = 0;
        for (int i = pos.length - 1; i >= 0; i--) {
            double c = (double) pos[i] + neg[i];
            if (above + c >= target) {
                return new GradeCut(i, Math.min(1, (target - above) / c), pos.length);
            }
            above += c;
        }
        throw new IllegalStateException("the bins hold fewer examples than their total");
    }

    /** Lower edge of the cut bin: leads scored at or above it may be A, leads below it are not. */
    public double score() {
        return (double) bin / bins;
    }

    /** Share of a histogram's examples graded A; NaN with no examples. */
    public double shareOf(ScoreHistogram h) {
        return share(h.positive(), h.negative());
    }

    /** Share of a histogram's positive examples graded A (the true-positive rate of grade A); NaN with no positives. */
    public double shareOfPositives(ScoreHistogram h) {
        return share(h.positive(), new long[h.bins()]);
    }

    private double share(long[] pos, long[] neg) {
        if (pos.length != bins) {
            throw new IllegalArgumentException("histogram has " + pos.length + " bins, the cut was made on " + bins);
        }
        double graded = fractionOfBin * ((double) pos[bin] + neg[bin]);
        double total = 0;
        for (int i = 0; i < bins; i++) {
            double c = (double) pos[i] + neg[i];
            total += c;
            if (i > bin) {
                graded += c;
            }
        }
        return total == 0 ? Double.NaN : graded / total;
    }
}
