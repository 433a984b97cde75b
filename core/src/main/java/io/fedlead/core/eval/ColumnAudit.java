package io.fedlead.core.eval;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The groups of one audit column and who is best served among them.
 *
 * @param column              the audited column
 * @param groups              its groups present in the holdouts, in the schema's order
 * @param highestSelectionGroup the unsuppressed group with the highest grade A share (the reference of the
 *                            selection-rate ratios)
 * @param highestAucGroup     the unsuppressed group with the highest AUC (the reference of the AUC gaps)
 */
public record ColumnAudit(String column, List<GroupAudit> groups, Optional<String> highestSelectionGroup,
                          Optional<String> highestAucGroup) {
    public ColumnAudit {
        Objects.requireNonNull(column, "column");
        groups = List.copyOf(groups);
        Objects.requireNonNull(highestSelectionGroup, "highestSelectionGroup");
        Objects.requireNonNull(highestAucGroup, "highestAucGroup");
    }

    /** Leads covered by the column's groups (suppressed ones included). */
    public long examples() {
        return groups.stream().mapToLong(GroupAudit::examples).sum();
    }

    /** The unsuppressed group with the lowest selection-rate ratio. */
    public Optional<GroupAudit> lowestSelectionRateRatio() {
        return groups.stream().filter(g -> !Double.isNaN(g.selectionRateRatio()))
                .min(Comparator.comparingDouble(GroupAudit::selectionRateRatio));
    }

    /** The unsuppressed group with the largest AUC gap. */
    public Optional<GroupAudit> largestAucGap() {
        return groups.stream().filter(g -> !Double.isNaN(g.aucGap())).max(Comparator.comparingDouble(GroupAudit::aucGap));
    }

    /** Groups whose selection-rate ratio is below the four-fifths threshold. */
    public List<GroupAudit> belowFourFifths() {
        return groups.stream().filter(g -> g.selectionRateRatio() < FairnessAudit.FOUR_FIFTHS).toList();
    }
}
