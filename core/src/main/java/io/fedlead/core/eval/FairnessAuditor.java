package io.fedlead.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a {@link FairnessAudit} from a pooled score histogram and per-group histograms merged across parties: no
 * rows needed, so a coordinator can audit a model on holdouts it never sees.
 *
 * <p>Groups with fewer than the minimum size keep their example count but get no metrics: a histogram of a handful
 * of leads is noisy, and close to revealing each lead's score and label.
 */
public final class FairnessAuditor {
    private FairnessAuditor() {
    }

    /**
     * @param pooled       every audited holdout lead's score histogram (fixes the grade A cut)
     * @param groups       column -> group -> that group's histogram, iterated in the maps' order
     * @param minGroupSize groups with fewer leads are suppressed
     * @throws IllegalArgumentException when the pooled histogram is empty or a group's bin count differs
     */
    public static FairnessAudit audit(ScoreHistogram pooled, Map<String, Map<String, ScoreHistogram>> groups,
                                      int minGroupSize) {
        Objects.requireNonNull(pooled, "pooled");
        Objects.requireNonNull(groups, "groups");
        if (minGroupSize < 1) {
            throw new IllegalArgumentException("minGroupSize must be >= 1, got " + minGroupSize);
        }
        GradeCut cut = GradeCut.topQuarter(pooled);
        GroupMetrics overall = GroupMetrics.of(pooled, cut);
        List<ColumnAudit> columns = new ArrayList<>();
        groups.forEach((column, byValue) -> columns.add(column(column, byValue, cut, minGroupSize)));
        return new FairnessAudit(overall, cut, minGroupSize, columns);
    }

    private static ColumnAudit column(String column, Map<String, ScoreHistogram> byValue, GradeCut cut,
                                      int minGroupSize) {
        List<String> values = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        List<Optional<GroupMetrics>> metrics = new ArrayList<>();
        byValue.forEach((value, h) -> {
            if (h.bins() != cut.bins()) {
                throw new IllegalArgumentException("column '" + column + "' group '" + value + "' has " + h.bins()
                        + " bins, the pooled histogram " + cut.bins());
            }
            long n = Math.addExact(h.positives(), h.negatives());
            values.add(value);
            sizes.add(n);
            metrics.add(n >= minGroupSize && n > 0 ? Optional.of(GroupMetrics.of(h, cut)) : Optional.empty());
        });
        int bestSelection = -1;
        int bestAuc = -1;
        for (int i = 0; i < values.size(); i++) {
            if (metrics.get(i).isEmpty()) {
                continue;
            }
            GroupMetrics m = metrics.get(i).get();
            if (bestSelection < 0 || m.gradeAShare() > metrics.get(bestSelection).get().gradeAShare()) {
                bestSelection = i;
            }
            if (!Double.isNaN(m.auc()) && (bestAuc < 0 || m.auc() > metrics.get(bestAuc).get().auc())) {
                bestAuc = i;
            }
        }
        double topShare = bestSelection < 0 ? Double.NaN : metrics.get(bestSelection).get().gradeAShare();
        double topAuc = bestAuc < 0 ? Double.NaN : metrics.get(bestAuc).get().auc();
        List<GroupAudit> audits = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            double ratio = Double.NaN;
            double gap = Double.NaN;
            if (metrics.get(i).isPresent()) {
                GroupMetrics m = metrics.get(i).get();
                ratio = topShare > 0 ? m.gradeAShare() / topShare : Double.NaN;
                gap = topAuc - m.auc(); // NaN when either is undefined
            }
            audits.add(new GroupAudit(values.get(i), sizes.get(i), metrics.get(i), ratio, gap));
        }
        return new ColumnAudit(column, audits,
                bestSelection < 0 ? Optional.empty() : Optional.of(values.get(bestSelection)),
                bestAuc < 0 ? Optional.empty() : Optional.of(values.get(bestAuc)));
    }
}
