package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Leads as numbers: a row-major {@code rows x width} feature matrix, one label per row (1 converted, 0 not, NaN
 * unknown), and for each row an id and its source line. The arrays are shared, not copied, by the accessors for
 * speed: callers must not modify them.
 *
 * @param source      where the rows came from
 * @param rows        number of rows
 * @param width       features per row
 * @param features    row-major, {@code rows * width} values
 * @param labels      {@code rows} values: 1, 0, or NaN when unlabeled
 * @param ids         id column value, or "line N" when the schema has no id column
 * @param lineNumbers source line of each row
 * @param skippedRows rows dropped as bad (reading and encoding)
 * @param skipReasons the first {@link LeadTable#MAX_REASONS} reasons rows were dropped
 */
public record EncodedLeads(String source, int rows, int width, float[] features, float[] labels, List<String> ids,
                           List<Long> lineNumbers, int skippedRows, List<String> skipReasons) {
    public EncodedLeads {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (rows < 0 || width <= 0) {
            throw new IllegalArgumentException(source + ": rows must be >= 0 and width > 0, got " + rows + " x " + width);
        }
        if ((long) rows * width != features.length) {
            throw new IllegalArgumentException(source + ": features has " + features.length + " values, expected "
                    + rows + " x " + width);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException(source + ": " + labels.length + " labels for " + rows + " rows");
        }
        ids = List.copyOf(ids);
        lineNumbers = List.copyOf(lineNumbers);
        skipReasons = skipReasons == null ? List.of() : List.copyOf(skipReasons);
        if (ids.size() != rows || lineNumbers.size() != rows) {
            throw new IllegalArgumentException(source + ": " + ids.size() + " ids and " + lineNumbers.size()
                    + " line numbers for " + rows + " rows");
        }
        if (skippedRows < 0) {
            throw new IllegalArgumentException(source + ": skippedRows must be >= 0, got " + skippedRows);
        }
    }

    /** Same as the canonical constructor, without skip reasons. */
    public EncodedLeads(String source, int rows, int width, float[] features, float[] labels, List<String> ids,
                        List<Long> lineNumbers, int skippedRows) {
        this(source, rows, width, features, labels, ids, lineNumbers, skippedRows, List.of());
    }

    /** A copy of row {@code i}'s features. */
    public float[] row(int i) {
        Objects.checkIndex(i, rows);
        return Arrays.copyOfRange(features, i * width, (i + 1) * width);
    }

    /** The rows at {@code indices}, in that order (repeats allowed). Skip counts stay with the original. */
    public EncodedLeads subset(int[] indices) {
        float[] f = new float[indices.length * width];
        float[] l = new float[indices.length];
        List<String> subIds = new ArrayList<>(indices.length);
        List<Long> subLines = new ArrayList<>(indices.length);
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], rows);
            System.arraycopy(features, i * width, f, k * width, width);
            l[k] = labels[i];
            subIds.add(ids.get(i));
            subLines.add(lineNumbers.get(i));
        }
        return new EncodedLeads(source, indices.length, width, f, l, subIds, subLines, 0, List.of());
    }

    /** Share of positive labels among labeled rows; NaN when no row is labeled. */
    public double positiveRate() {
        int labeled = 0;
        int positive = 0;
        for (float y : labels) {
            if (!Float.isNaN(y)) {
                labeled++;
                if (y == 1f) {
                    positive++;
                }
            }
        }
        return labeled == 0 ? Double.NaN : (double) positive / labeled;
    }

    /** A train part and a holdout part of the same leads. */
    public record Split(EncodedLeads train, EncodedLeads holdout) {
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(holdout, "holdout");
        }
    }

    /**
     * Splits stratified by label (positives, negatives and unlabeled rows separately) so both parts keep the base
     * rate: each stratum of size n gives {@code round(n * holdoutFraction)} rows, chosen by {@code rng}, to the
     * holdout. Both parts keep the original row order; the skip count and reasons stay with the train part.
     */
    public static Split split(EncodedLeads leads, double holdoutFraction, RandomGenerator rng) {
        return split(leads, holdoutMask(leads, holdoutFraction, rng));
    }

    /**
     * Which rows {@link #split(EncodedLeads, double, RandomGenerator)} puts in the holdout (true) for the same
     * {@code rng} state; lets a caller split values kept beside the rows the same way.
     */
    public static boolean[] holdoutMask(EncodedLeads leads, double holdoutFraction, RandomGenerator rng) {
        Objects.requireNonNull(leads, "leads");
        Objects.requireNonNull(rng, "rng");
        if (!(holdoutFraction >= 0 && holdoutFraction <= 1)) {
            throw new IllegalArgumentException("holdout fraction must be in [0, 1], got " + holdoutFraction);
        }
        boolean[] inHoldout = new boolean[leads.rows];
        for (int stratum = 0; stratum < 3; stratum++) {
            int[] members = stratum(leads.labels, stratum);
            // Fisher-Yates on the stratum, then its first k go to the holdout.
            for (int i = members.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            int k = (int) Math.round(members.length * holdoutFraction);
            for (int i = 0; i < k; i++) {
                inHoldout[members[i]] = true;
            }
        }
        return inHoldout;
    }

    /** Splits by a holdout mask (true = holdout); the skip count and reasons stay with the train part. */
    public static Split split(EncodedLeads leads, boolean[] inHoldout) {
        Objects.requireNonNull(leads, "leads");
        if (inHoldout.length != leads.rows) {
            throw new IllegalArgumentException(leads.source + ": holdout mask has " + inHoldout.length
                    + " entries for " + leads.rows + " rows");
        }
        int holdoutCount = 0;
        for (boolean b : inHoldout) {
            holdoutCount += b ? 1 : 0;
        }
        int[] train = new int[leads.rows - holdoutCount];
        int[] holdout = new int[holdoutCount];
        int t = 0;
        int h = 0;
        for (int i = 0; i < leads.rows; i++) {
            if (inHoldout[i]) {
                holdout[h++] = i;
            } else {
                train[t++] = i;
            }
        }
        EncodedLeads trainPart = leads.subset(train);
        trainPart = new EncodedLeads(leads.source, trainPart.rows, trainPart.width, trainPart.features,
                trainPart.labels, trainPart.ids, trainPart.lineNumbers, leads.skippedRows, leads.skipReasons);
        return new Split(trainPart, leads.subset(holdout));
    }

    private static int[] stratum(float[] labels, int stratum) {
        return java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> switch (stratum) {
                    case 0 -> labels[i] == 1f;
                    case 1 -> !Float.isNaN(labels[i]) && labels[i] != 1f;
                    default -> Float.isNaN(labels[i]);
                })
                .toArray();
    }

    /** Stacks leads of equal width; the source names are joined with '+', skip counts summed. */
    public static EncodedLeads concat(List<EncodedLeads> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one part");
        }
        int width = parts.get(0).width;
        int rows = 0;
        for (EncodedLeads p : parts) {
            if (p.width != width) {
                throw new IllegalArgumentException("cannot concat " + p.source + " (width " + p.width + ") with "
                        + parts.get(0).source + " (width " + width + ")");
            }
            rows += p.rows;
        }
        float[] f = new float[rows * width];
        float[] l = new float[rows];
        List<String> ids = new ArrayList<>(rows);
        List<Long> lines = new ArrayList<>(rows);
        List<String> sources = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int skipped = 0;
        int offset = 0;
        for (EncodedLeads p : parts) {
            System.arraycopy(p.features, 0, f, offset * width, p.features.length);
            System.arraycopy(p.labels, 0, l, offset, p.rows);
            ids.addAll(p.ids);
            lines.addAll(p.lineNumbers);
            if (!sources.contains(p.source)) {
                sources.add(p.source);
            }
            skipped += p.skippedRows;
            for (String r : p.skipReasons) {
                if (reasons.size() < LeadTable.MAX_REASONS) {
                    reasons.add(r);
                }
            }
            offset += p.rows;
        }
        return new EncodedLeads(String.join("+", sources), rows, width, f, l, ids, lines, skipped, reasons);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedLeads e && rows == e.rows && width == e.width && skippedRows == e.skippedRows
                && source.equals(e.source) && Arrays.equals(features, e.features) && Arrays.equals(labels, e.labels)
                && ids.equals(e.ids) && lineNumbers.equals(e.lineNumbers) && skipReasons.equals(e.skipReasons);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, rows, width, Arrays.hashCode(features), Arrays.hashCode(labels), ids, lineNumbers,
                skippedRows);
    }

    @Override
    public String toString() {
        return "EncodedLeads[source=" + source + ", rows=" + rows + ", width=" + width + ", positiveRate="
                + positiveRate() + ", skippedRows=" + skippedRows + "]";
    }
}
