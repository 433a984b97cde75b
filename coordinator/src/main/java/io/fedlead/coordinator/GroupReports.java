package io.fedlead.coordinator;

import io.fedlead.core.eval.ScoreHistogram;
import io.fedlead.core.features.AuditColumn;
import io.fedlead.proto.v1.GroupHistogram;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the group histograms of one evaluation report against the audit plan and the report's own pooled histograms,
 * and turns them into histograms. Everything a client sends is checked as the pooled histograms are (bin count,
 * counts in range, counts that add up) and, because each holdout row is in exactly one group of each column, every
 * column's groups must add up to the pooled histograms bin by bin. Errors name the request field.
 */
final class GroupReports {
    private GroupReports() {
    }

    /**
     * @param reports  the report's {@code group_histograms}
     * @param plan     the audit the task asked for
     * @param pooled   the report's validated pooled histograms
     * @param maxCount the largest count a bin may hold
     * @return column -> group -> histogram; empty when the report has no group histograms (a client that predates
     *         the audit, or an audit-free task)
     * @throws IllegalArgumentException naming the field and value that is wrong
     */
    static Map<String, Map<String, ScoreHistogram>> parse(List<GroupHistogram> reports, AuditPlan plan,
                                                         ScoreHistogram pooled, long maxCount) {
        Objects.requireNonNull(reports, "reports");
        int bins = pooled.bins();
        Map<String, Map<String, ScoreHistogram>> out = new HashMap<>();
        Map<String, long[][]> sums = new HashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            GroupHistogram g = reports.get(i);
            String field = "group_histograms[" + i + "]";
            AuditColumn column = plan.column(g.getColumn()).orElseThrow(() -> new IllegalArgumentException(field
                    + ".column '" + g.getColumn() + "' was not asked for; the audit columns are " + plan.columnNames()));
            if (column.indexOf(g.getValue()) < 0) {
                throw new IllegalArgumentException(field + ".value '" + g.getValue() + "' is not a group of column '"
                        + column.name() + "'; expected one of " + column.groups());
            }
            if (out.containsKey(column.name()) && out.get(column.name()).containsKey(g.getValue())) {
                throw new IllegalArgumentException(field + ": column '" + column.name() + "' group '" + g.getValue()
                        + "' is reported twice");
            }
            if (g.getPositiveHistogramCount() != bins || g.getNegativeHistogramCount() != bins) {
                throw new IllegalArgumentException(field + " histograms must have " + bins + " bins, got "
                        + g.getPositiveHistogramCount() + " positive and " + g.getNegativeHistogramCount() + " negative");
            }
            long[] pos = new long[bins];
            long[] neg = new long[bins];
            long total = 0;
            long[][] sum = sums.computeIfAbsent(column.name(), k -> new long[2][bins]);
            for (int b = 0; b < bins; b++) {
                pos[b] = g.getPositiveHistogram(b);
                neg[b] = g.getNegativeHistogram(b);
                if (pos[b] < 0 || neg[b] < 0 || pos[b] > maxCount || neg[b] > maxCount) {
                    throw new IllegalArgumentException(field + " bin " + b + " holds " + pos[b] + " positive and "
                            + neg[b] + " negative; each must be in [0, " + maxCount + "]");
                }
                // Bounded by maxCount per bin, but a column may have many groups: overflow is checked, not assumed.
                try {
                    total = Math.addExact(total, pos[b] + neg[b]);
                    sum[0][b] = Math.addExact(sum[0][b], pos[b]);
                    sum[1][b] = Math.addExact(sum[1][b], neg[b]);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(field + " bin " + b + ": the counts of column '" + column.name()
                            + "' overflow a 64-bit sum");
                }
            }
            if (total != g.getExampleCount()) {
                throw new IllegalArgumentException(field + ".example_count is " + g.getExampleCount()
                        + " but its histograms hold " + total);
            }
            if (total == 0) {
                throw new IllegalArgumentException(field + " (column '" + column.name() + "' group '" + g.getValue()
                        + "') holds no examples; send only groups present in the holdout");
            }
            out.computeIfAbsent(column.name(), k -> new HashMap<>()).put(g.getValue(), new ScoreHistogram(pos, neg));
        }
        if (reports.isEmpty()) {
            return Map.of();
        }
        long[] pooledPos = pooled.positive();
        long[] pooledNeg = pooled.negative();
        long pooledTotal = pooled.positives() + pooled.negatives();
        for (String column : plan.columnNames()) {
            long[][] sum = sums.get(column);
            if (sum == null) {
                if (pooledTotal > 0) {
                    throw new IllegalArgumentException("group_histograms has no group of column '" + column
                            + "'; every audit column " + plan.columnNames() + " must cover the holdout");
                }
                continue;
            }
            for (int b = 0; b < bins; b++) {
                if (sum[0][b] != pooledPos[b] || sum[1][b] != pooledNeg[b]) {
                    throw new IllegalArgumentException("group_histograms of column '" + column
                            + "' do not add up to positive_histogram/negative_histogram at bin " + b + ": groups hold "
                            + sum[0][b] + " positive and " + sum[1][b] + " negative, the pooled histograms "
                            + pooledPos[b] + " and " + pooledNeg[b]);
                }
            }
        }
        return out;
    }
}
