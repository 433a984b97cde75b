package io.fedlead.core.eval;

import java.util.Objects;

/**
 * A model's performance on one party's labeled rows, in a form that sums across parties: total log-loss and
 * example count give a pooled mean loss, and merged histograms give a pooled AUC.
 *
 * @param examples  rows evaluated
 * @param lossSum   sum of per-row log-loss (natural log)
 * @param auc       this party's exact AUC, NaN if its rows hold only one class
 * @param histogram score histogram for pooling
 */
public record EvaluationResult(long examples, double lossSum, double auc, ScoreHistogram histogram) {
    public EvaluationResult {
        Objects.requireNonNull(histogram, "histogram");
        if (examples < 0) {
            throw new IllegalArgumentException("examples must be >= 0, got " + examples);
        }
        if (!(lossSum >= 0)) {
            throw new IllegalArgumentException("loss sum must be >= 0, got " + lossSum);
        }
        if (!Double.isNaN(auc) && (auc < 0 || auc > 1)) {
            throw new IllegalArgumentException("auc must be in [0, 1] or NaN, got " + auc);
        }
        if (histogram.positives() + histogram.negatives() != examples) {
            throw new IllegalArgumentException("histogram holds " + (histogram.positives() + histogram.negatives())
                    + " examples but examples is " + examples);
        }
    }

    /** Mean log-loss, NaN with no examples. */
    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }
}
