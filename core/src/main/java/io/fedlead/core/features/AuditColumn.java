package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How one categorical or boolean feature column splits leads into the groups of a fairness audit, from the raw CSV
 * value: a declared category is its own group, an undeclared one goes to the encoder's catch-all group
 * ({@link CategoricalColumn#otherValue()}), a boolean is {@code true} or {@code false}, and a missing value (a schema
 * missing token) is {@value #MISSING}. Group names come only from the schema, never from the data, so no raw value
 * leaves a client through a group name.
 *
 * <p>Numeric columns are refused: the schema gives them a center and scale but no bucket edges, and edges chosen
 * here would be arbitrary.
 */
public final class AuditColumn {
    /** The group of rows whose value is missing. */
    public static final String MISSING = "<missing>";
    static final String TRUE = "true";
    static final String FALSE = "false";

    private final String name;
    private final List<String> groups;
    private final Map<String, Integer> index;
    private final FeatureSchema schema;
    private final ColumnSpec spec;

    private AuditColumn(FeatureSchema schema, ColumnSpec spec, List<String> groups) {
        this.schema = schema;
        this.spec = spec;
        this.name = spec.name();
        this.groups = List.copyOf(groups);
        this.index = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            index.put(groups.get(i), i);
        }
    }

    /**
     * The audit grouping of {@code column} of {@code schema}.
     *
     * @throws IllegalArgumentException naming the column when it is not a feature column, is numeric, or declares
     *                                  a category called {@value #MISSING}
     */
    public static AuditColumn of(FeatureSchema schema, String column) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(column, "column");
        ColumnSpec spec = schema.columns().stream().filter(c -> c.name().equals(column)).findFirst().orElse(null);
        if (spec == null) {
            String role = column.equals(schema.targetColumn()) ? "the label column"
                    : schema.idColumn().filter(column::equals).isPresent() ? "the id column"
                    : schema.ignore().contains(column) ? "an ignored column (it declares no categories)"
                    : "not a column of the schema";
            throw new IllegalArgumentException("column '" + column + "' is " + role
                    + "; audit groups must be categorical or boolean feature columns: " + groupable(schema));
        }
        List<String> groups = new ArrayList<>();
        if (spec instanceof CategoricalColumn cat) {
            if (cat.categories().contains(MISSING)) {
                throw new IllegalArgumentException("column '" + column + "' declares a category '" + MISSING
                        + "', the name the audit gives missing values");
            }
            groups.addAll(cat.categories());
            groups.add(cat.otherValue());
        } else if (spec instanceof BooleanColumn) {
            groups.add(TRUE);
            groups.add(FALSE);
        } else {
            throw new IllegalArgumentException("column '" + column + "' is " + spec.typeName()
                    + "; audit groups must be categorical or boolean (the schema gives numbers no bucket edges): "
                    + groupable(schema));
        }
        groups.add(MISSING);
        return new AuditColumn(schema, spec, groups);
    }

    /** Every categorical and boolean feature column of {@code schema}, in schema order. */
    public static List<AuditColumn> allOf(FeatureSchema schema) {
        List<AuditColumn> out = new ArrayList<>();
        for (ColumnSpec c : schema.columns()) {
            if (!(c instanceof NumericColumn)) {
                out.add(of(schema, c.name()));
            }
        }
        return List.copyOf(out);
    }

    private static String groupable(FeatureSchema schema) {
        return "those of this schema are " + schema.columns().stream().filter(c -> !(c instanceof NumericColumn))
                .map(ColumnSpec::name).toList();
    }

    public String name() {
        return name;
    }

    /** Every group a row can fall in, in order: declared categories (or true, false), the catch-all, missing. */
    public List<String> groups() {
        return groups;
    }

    /** Position of {@code group} in {@link #groups()}, or -1 when it is not a group of this column. */
    public int indexOf(String group) {
        return index.getOrDefault(group, -1);
    }

    /**
     * The group index of a raw (trimmed) CSV value.
     *
     * @throws IllegalArgumentException for a boolean value that is neither a true nor a false value (the encoder
     *                                  rejects such rows, so encoded rows never have one)
     */
    public int groupOf(String raw) {
        Objects.requireNonNull(raw, "raw");
        if (schema.isMissingToken(raw)) {
            return groups.size() - 1;
        }
        if (spec instanceof CategoricalColumn) {
            Integer k = index.get(raw);
            // The catch-all sits just before MISSING; a raw value equal to MISSING or "other" is not declared.
            return k != null && k < groups.size() - 2 ? k : groups.size() - 2;
        }
        BooleanColumn b = (BooleanColumn) spec;
        String v = raw.toLowerCase(Locale.ROOT);
        if (b.trueValues().contains(v)) {
            return 0;
        }
        if (b.falseValues().contains(v)) {
            return 1;
        }
        throw new IllegalArgumentException("column '" + name + "' is '" + raw + "', expected one of "
                + b.trueValues() + " or " + b.falseValues());
    }

    @Override
    public String toString() {
        return "AuditColumn[" + name + " " + groups + "]";
    }
}
