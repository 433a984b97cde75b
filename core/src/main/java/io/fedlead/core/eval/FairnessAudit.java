package io.fedlead.core.eval;

import java.util.List;
import java.util.Objects;

/**
 * A model's fairness audit: for every group of every audited column, how many leads it has, how well the model ranks
 * and calibrates them, and how often they get grade A compared with the best-served group of that column. Made by
 * {@link FairnessAuditor} from merged score histograms only.
 *
 * @param overall      the same metrics over all pooled holdout leads
 * @param gradeA       where grade A starts in the pooled scores
 * @param minGroupSize groups with fewer leads are suppressed (no metrics)
 * @param columns      one entry per audited column, in the configured order
 */
public record FairnessAudit(GroupMetrics overall, GradeCut gradeA, int minGroupSize, List<ColumnAudit> columns) {
    /** The "four-fifths rule": a selection rate below 80% of the highest group's is the usual flag for adverse impact. */
    public static final double FOUR_FIFTHS = 0.8;

    public FairnessAudit {
        Objects.requireNonNull(overall, "overall");
        Objects.requireNonNull(gradeA, "gradeA");
        if (minGroupSize < 1) {
            throw new IllegalArgumentException("minGroupSize must be >= 1, got " + minGroupSize);
        }
        columns = List.copyOf(columns);
    }
}
