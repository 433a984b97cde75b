package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns {@link LeadTable} rows into fixed-width float vectors as the {@link FeatureSchema} prescribes: numeric
 * columns standardised with the shared center/scale, categorical columns one-hot with an "other" slot, booleans as
 * 0/1, plus a {@code col:missing} slot for columns with the indicator policy. Slots follow the schema's column
 * order; {@link #featureNames()} names each slot.
 */
public final class FeatureEncoder {
    private final FeatureSchema schema;
    private final List<String> featureNames;
    private final int[] offsets;
    private final List<Map<String, Integer>> categoryIndex;
    private final List<Set<String>> trueValues;
    private final List<Set<String>> falseValues;

    public FeatureEncoder(FeatureSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
        List<String> names = new ArrayList<>();
        offsets = new int[schema.columns().size()];
        categoryIndex = new ArrayList<>();
        trueValues = new ArrayList<>();
        falseValues = new ArrayList<>();
        for (int c = 0; c < schema.columns().size(); c++) {
            ColumnSpec column = schema.columns().get(c);
            offsets[c] = names.size();
            names.addAll(column.featureNames());
            Map<String, Integer> index = new HashMap<>();
            if (column instanceof CategoricalColumn cat) {
                for (int k = 0; k < cat.categories().size(); k++) {
                    index.put(cat.categories().get(k), k);
                }
            }
            categoryIndex.add(index);
            trueValues.add(column instanceof BooleanColumn b ? new HashSet<>(b.trueValues()) : Set.of());
            falseValues.add(column instanceof BooleanColumn b ? new HashSet<>(b.falseValues()) : Set.of());
        }
        this.featureNames = List.copyOf(names);
        if (new HashSet<>(featureNames).size() != featureNames.size()) {
            throw new IllegalArgumentException("feature slot names collide: " + featureNames);
        }
    }

    public FeatureSchema schema() {
        return schema;
    }

    /** Number of slots per row. */
    public int width() {
        return featureNames.size();
    }

    /** One name per slot, e.g. "industry=retail", "industry=other", "pages_viewed", "pdays:missing". */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * Encodes every row. A bad value (unparsable number, unknown boolean, missing value under policy error, missing
     * label when {@code requireLabel}) throws {@code "<source> line N: column 'x' is 'abc', expected a number"},
     * or with {@code skipBadRows} drops the row and counts it. Labels: 1 for the positive label
     * (case-insensitive), 0 for any other value, NaN when the target column is absent or the value is missing and
     * {@code requireLabel} is false.
     */
    public EncodedLeads encode(LeadTable table, boolean requireLabel, boolean skipBadRows) {
        Objects.requireNonNull(table, "table");
        List<ColumnSpec> columns = schema.columns();
        int[] columnAt = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            columnAt[c] = table.columnIndex(columns.get(c).name());
            if (columnAt[c] < 0) {
                throw new IllegalArgumentException(table.source() + ": header lacks declared column '"
                        + columns.get(c).name() + "'");
            }
        }
        int targetAt = table.columnIndex(schema.targetColumn());
        if (targetAt < 0 && requireLabel) {
            throw new IllegalArgumentException(table.source() + ": label column '" + schema.targetColumn()
                    + "' is not in the header " + table.header());
        }
        int idAt = schema.idColumn().map(table::columnIndex).orElse(-1);

        int width = width();
        int n = table.size();
        float[] features = new float[n * width];
        float[] labels = new float[n];
        List<String> ids = new ArrayList<>(n);
        List<Long> lines = new ArrayList<>(n);
        List<String> reasons = new ArrayList<>(table.skipReasons());
        int skipped = 0;
        int out = 0;
        for (int r = 0; r < n; r++) {
            List<String> row = table.rows().get(r);
            long line = table.lineNumbers().get(r);
            try {
                int base = out * width;
                // Rows are written in place and simply overwritten if a later column rejects the row.
                Arrays.fill(features, base, base + width, 0f);
                for (int c = 0; c < columns.size(); c++) {
                    encodeValue(c, columns.get(c), row.get(columnAt[c]), features, base + offsets[c]);
                }
                labels[out] = label(targetAt < 0 ? null : row.get(targetAt), requireLabel);
            } catch (InvalidValueException e) {
                String message = table.source() + " line " + line + ": " + e.getMessage();
                if (!skipBadRows) {
                    throw new IllegalArgumentException(message);
                }
                skipped++;
                if (reasons.size() < LeadTable.MAX_REASONS) {
                    reasons.add(message);
                }
                continue;
            }
            ids.add(idAt >= 0 ? row.get(idAt) : "line " + line);
            lines.add(line);
            out++;
        }
        if (out < n) {
            features = Arrays.copyOf(features, out * width);
            labels = Arrays.copyOf(labels, out);
        }
        return new EncodedLeads(table.source(), out, width, features, labels, ids, lines,
                table.skippedRows() + skipped, reasons);
    }

    /**
     * Encodes one lead given as raw values in schema column order ({@link FeatureSchema#featureColumnNames()}),
     * {@code null} meaning missing, into {@code dst[offset, offset + width())}, which must hold zeros. It runs the
     * same per-value code as {@link #encode}, so a lead passed here gets exactly the vector of the same CSV row;
     * this is what lets the scoring service and the batch {@code score} command agree.
     *
     * @throws InvalidValueException naming the column, when a value is rejected (a slot of {@code dst} may then
     *                               already be set)
     */
    public void encodeRow(List<String> values, float[] dst, int offset) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(dst, "dst");
        List<ColumnSpec> columns = schema.columns();
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException(values.size() + " values given for " + columns.size() + " columns "
                    + schema.featureColumnNames());
        }
        Objects.checkFromIndexSize(offset, width(), dst.length);
        for (int c = 0; c < columns.size(); c++) {
            encodeValue(c, columns.get(c), values.get(c), dst, offset + offsets[c]);
        }
    }

    private void encodeValue(int c, ColumnSpec column, String raw, float[] dst, int at) {
        boolean missing = raw == null || schema.isMissingToken(raw);
        double numeric = 0;
        if (!missing && column instanceof NumericColumn num) {
            numeric = parseNumber(num, raw);
            missing = num.isSentinel(numeric);
        }
        if (missing) {
            if (column.missing() == MissingPolicy.ERROR) {
                throw new InvalidValueException(column.name(), raw == null
                        ? "column '" + column.name() + "' is missing and its missing policy is error"
                        : "column '" + column.name() + "' is missing ('" + raw + "') and its missing policy is error",
                        "is missing, and the column's missing policy is error");
            }
            // Defaults: numeric -> center (standardised 0), categorical -> other, boolean -> false.
            if (column instanceof CategoricalColumn cat) {
                dst[at + cat.categories().size()] = 1f;
                if (column.missing() == MissingPolicy.INDICATOR) {
                    dst[at + cat.categories().size() + 1] = 1f;
                }
            } else if (column.missing() == MissingPolicy.INDICATOR) {
                dst[at + 1] = 1f;
            }
            return;
        }
        if (column instanceof NumericColumn num) {
            if (num.log1p() && !(numeric > -1)) {
                throw new InvalidValueException(column.name(),
                        "column '" + column.name() + "' is '" + raw + "', log1p needs a number > -1",
                        "must be > -1 (the column is log1p-transformed)");
            }
            dst[at] = (float) num.standardize(numeric);
        } else if (column instanceof CategoricalColumn cat) {
            Integer k = categoryIndex.get(c).get(raw);
            dst[at + (k == null ? cat.categories().size() : k)] = 1f;
        } else if (column instanceof BooleanColumn bool) {
            String v = raw.toLowerCase(Locale.ROOT);
            if (trueValues.get(c).contains(v)) {
                dst[at] = 1f;
            } else if (!falseValues.get(c).contains(v)) {
                throw new InvalidValueException(column.name(), "column '" + column.name() + "' is '" + raw
                        + "', expected one of " + bool.trueValues() + " or " + bool.falseValues(),
                        "is not one of " + bool.trueValues() + " or " + bool.falseValues());
            }
        }
    }

    private static double parseNumber(NumericColumn column, String raw) {
        double value;
        try {
            // Java also accepts "1d", "0x1p3", "NaN", "Infinity": none of those is a number in a CSV.
            char last = raw.isEmpty() ? ' ' : raw.charAt(raw.length() - 1);
            if (Character.isLetter(last) || raw.contains("x") || raw.contains("X")) {
                throw new NumberFormatException(raw);
            }
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new InvalidValueException(column.name(),
                    "column '" + column.name() + "' is '" + raw + "', expected a number", "is not a number");
        }
        return value;
    }

    private float label(String raw, boolean requireLabel) {
        if (raw == null) {
            return Float.NaN;
        }
        if (schema.isMissingToken(raw) || raw.isEmpty()) {
            if (requireLabel) {
                throw new InvalidValueException(schema.targetColumn(),
                        "label column '" + schema.targetColumn() + "' is empty ('" + raw + "')", "is empty");
            }
            return Float.NaN;
        }
        return raw.equalsIgnoreCase(schema.positiveLabel()) ? 1f : 0f;
    }

    /**
     * A value the encoder rejects. The message names the column and the raw value
     * ({@code column 'pages_viewed' is 'abc', expected a number}); {@link #encode} prefixes source and line.
     * {@link #problem()} says what is wrong without the column or value, for callers that name them their own way
     * (the scoring service: {@code leads[3].pages_viewed: "abc" is not a number}).
     */
    public static final class InvalidValueException extends IllegalArgumentException {
        private final String column;
        private final String problem;

        InvalidValueException(String column, String message, String problem) {
            super(message);
            this.column = column;
            this.problem = problem;
        }

        /** The column whose value was rejected. */
        public String column() {
            return column;
        }

        /** What is wrong with the value, e.g. "is not a number" or "must be > -1 (the column is log1p-transformed)". */
        public String problem() {
            return problem;
        }

        // Thrown per bad row (possibly thousands with skip-bad-rows) and always caught: no stack trace needed.
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
