package io.fedlead.core.eval;

import java.util.Objects;

/**
 * How a model serves one set of scored leads (a group, or all of them), computed from their score histogram alone.
 *
 * @param examples             leads
 * @param positives            converted leads
 * @param baseRate             share converted
 * @param meanPredicted        mean predicted probability, each lead at its bin's centre (within 0.0005 of the exact
 *                             mean at 1,000 bins)
 * @param calibrationGap       meanPredicted - baseRate: positive when the model over-predicts conversion
 * @param auc                  histogram AUC, NaN when only one class is present
 * @param aucStandardError     Hanley-McNeil (1982) standard error of that AUC, from the AUC and the class counts
 *                             alone; large for groups with few conversions. NaN with the AUC
 * @param gradeAShare          share of the leads graded A (top quarter of the pooled scores): the selection rate
 * @param convertedGradeAShare share of the converted leads graded A (grade A's true-positive rate); NaN with no positives
 */
public record GroupMetrics(long examples, long positives, double baseRate, double meanPredicted, double calibrationGap,
                           double auc, double aucStandardError, double gradeAShare, double convertedGradeAShare) {
    public GroupMetrics {
        if (examples < 1 || positives < 0 || positives > examples) {
            throw new IllegalArgumentException("need examples >= 1 and 0 <= positives <= examples, got " + examples
                    + " and " + positives);
        }
    }

    /** The metrics of a non-empty histogram, grade A as {@code cut} defines it. */
    public static GroupMetrics of(ScoreHistogram h, GradeCut cut) {
        Objects.requireNonNull(h, "h");
        Objects.requireNonNull(cut, "cut");
        long positives = h.positives();
        long examples = Math.addExact(positives, h.negatives());
        if (examples == 0) {
            throw new IllegalArgumentException("no examples to measure");
        }
        double baseRate = (double) positives / examples;
        double mean = h.meanScore();
        double auc = h.auc();
        return new GroupMetrics(examples, positives, baseRate, mean, mean - baseRate, auc,
                hanleyMcNeil(auc, positives, examples - positives), cut.shareOf(h), cut.shareOfPositives(h));
    }

    /**
     * Standard error of an AUC from {@code positives} and {@code negatives} examples (Hanley and McNeil, Radiology
     * 1982, eq. 2): sqrt((A(1-A) + (p-1)(Q1-A²) + (n-1)(Q2-A²)) / (p·n)), Q1 = A/(2-A), Q2 = 2A²/(1+A).
     */
    static double hanleyMcNeil(double auc, long positives, long negatives) {
        if (Double.isNaN(auc) || positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double a2 = auc * auc;
        double q1 = auc / (2 - auc);
        double q2 = 2 * a2 / (1 + auc);
        double variance = (auc * (1 - auc) + (positives - 1) * (q1 - a2) + (negatives - 1) * (q2 - a2))
                / ((double) positives * negatives);
        return Math.sqrt(Math.max(0, variance));
    }
}
