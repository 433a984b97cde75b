package io.fedlead.core.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Splits scored rows by group and bins each group's scores like the pooled {@link ScoreHistogram}, so a
 * coordinator can merge groups across parties and compute per-group metrics without seeing a row.
 */
public final class GroupHistograms {
    private GroupHistograms() {
    }

    /**
     * One histogram per group present among the rows.
     *
     * @param scores probabilities in [0, 1]
     * @param labels 0/1 labels
     * @param codes  group index of each row, into {@code groups}
     * @param groups group names
     * @param bins   bins per histogram (the pooled histogram's count)
     * @return group name to histogram, in {@code groups} order, only for groups with at least one row
     */
    public static Map<String, ScoreHistogram> of(float[] scores, float[] labels, int[] codes, List<String> groups,
                                                 int bins) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(groups, "groups");
        if (scores.length != labels.length || codes.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores, " + labels.length + " labels and "
                    + codes.length + " group codes: expected one of each per row");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        // One pass over the rows; a group's arrays are made when its first row arrives.
        long[][] pos = new long[groups.size()][];
        long[][] neg = new long[groups.size()][];
        for (int i = 0; i < codes.length; i++) {
            int g = Objects.checkIndex(codes[i], groups.size());
            if (pos[g] == null) {
                pos[g] = new long[bins];
                neg[g] = new long[bins];
            }
            int bin = ScoreHistogram.binOf(scores[i], bins, i);
            if (labels[i] == 1f) {
                pos[g][bin]++;
            } else if (labels[i] == 0f) {
                neg[g][bin]++;
            } else {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", expected 0 or 1");
            }
        }
        Map<String, ScoreHistogram> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            if (pos[g] != null) {
                out.put(groups.get(g), new ScoreHistogram(pos[g], neg[g]));
            }
        }
        return out;
    }
}
