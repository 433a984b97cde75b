package io.fedlead.core.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * One group of an audit column, e.g. {@code region = emea}.
 *
 * @param value              the group's name
 * @param examples           holdout leads in the group (reported even when suppressed)
 * @param metrics            empty when the group is smaller than the audit's minimum group size (suppressed)
 * @param selectionRateRatio gradeAShare / the highest gradeAShare among the column's unsuppressed groups (the
 *                           "four-fifths rule" figure); NaN when suppressed or when no group has a lead in grade A
 * @param aucGap             the highest AUC among the column's unsuppressed groups minus this group's; NaN when
 *                           suppressed or this group's AUC is undefined
 */
public record GroupAudit(String value, long examples, Optional<GroupMetrics> metrics, double selectionRateRatio,
                         double aucGap) {
    public GroupAudit {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(metrics, "metrics");
        if (examples < 0) {
            throw new IllegalArgumentException("examples must be >= 0, got " + examples);
        }
    }

    /** True when the group was too small to report metrics for. */
    public boolean suppressed() {
        return metrics.isEmpty();
    }
}
