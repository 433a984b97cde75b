package io.fedlead.core.features;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fedlead.core.config.YamlConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The shared description of a leads CSV: which columns are features and how each is encoded, which column is the
 * label, and what to ignore. Every client of a federation must hold an identical schema; {@link #fingerprint()}
 * and {@link #describeDifference} check that at join time. Loaded from YAML through {@link YamlConfig}.
 *
 * @param delimiter     CSV field separator (default ',')
 * @param missingTokens raw values that mean "missing" (default [""]; "unknown" is often a real category)
 * @param target        label column name
 * @param positiveLabel label value that means "converted"; any other non-missing value is negative
 * @param id            optional id column name; "" means none (use {@link #idColumn()})
 * @param ignore        columns present in CSVs that the model must not see (e.g. a leaking {@code duration})
 * @param columns       the feature columns, in encoding order
 */
public record FeatureSchema(char delimiter, List<String> missingTokens, String target, String positiveLabel,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) String id, List<String> ignore,
                            List<ColumnSpec> columns) {
    public FeatureSchema {
        // A missing 'delimiter' key arrives as '\0' (primitive char), which is never a sensible separator.
        delimiter = delimiter == '\0' ? ',' : delimiter;
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter must not be a quote or line break, got '" + delimiter + "'");
        }
        missingTokens = missingTokens == null ? List.of("") : List.copyOf(missingTokens);
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("'target' (the label column) is required");
        }
        if (positiveLabel == null || positiveLabel.isEmpty()) {
            throw new IllegalArgumentException("'positive-label' (the label value meaning converted) is required");
        }
        if (missingTokens.contains(positiveLabel)) {
            throw new IllegalArgumentException("positive-label '" + positiveLabel + "' is also a missing token " + missingTokens);
        }
        id = id == null ? "" : id;
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("'columns' must declare at least one feature column");
        }
        columns = List.copyOf(columns);
        Set<String> names = new HashSet<>();
        for (ColumnSpec c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("column '" + c.name() + "' is declared twice");
            }
            if (c instanceof CategoricalColumn cat) {
                for (String token : missingTokens) {
                    if (cat.categories().contains(token)) {
                        throw new IllegalArgumentException("column '" + c.name() + "': category '" + token
                                + "' is also a missing token " + missingTokens);
                    }
                }
            }
        }
        if (names.contains(target)) {
            throw new IllegalArgumentException("target '" + target + "' must not also be a feature column");
        }
        if (!id.isEmpty() && (names.contains(id) || id.equals(target))) {
            throw new IllegalArgumentException("id column '" + id + "' must not also be a feature or the target");
        }
        for (String ignored : ignore) {
            if (names.contains(ignored) || ignored.equals(target) || ignored.equals(id)) {
                throw new IllegalArgumentException("ignored column '" + ignored + "' is also declared as a feature, target or id");
            }
        }
    }

    /** Reads a schema YAML file; errors name the file, line and key. */
    public static FeatureSchema load(Path file) {
        return YamlConfig.load(file, FeatureSchema.class);
    }

    /** Parses schema YAML; {@code sourceName} appears in errors. */
    public static FeatureSchema parse(String yaml, String sourceName) {
        return YamlConfig.parse(yaml, sourceName, FeatureSchema.class);
    }

    public String targetColumn() {
        return target;
    }

    public Optional<String> idColumn() {
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /** Feature column names in encoding order. */
    public List<String> featureColumnNames() {
        return columns.stream().map(ColumnSpec::name).toList();
    }

    /** Every column name a CSV may contain: features, target, id, ignored. */
    public Set<String> knownColumnNames() {
        Set<String> known = new LinkedHashSet<>(featureColumnNames());
        known.add(target);
        idColumn().ifPresent(known::add);
        known.addAll(ignore);
        return known;
    }

    public boolean isMissingToken(String value) {
        return missingTokens.contains(value);
    }

    /** Deterministic single-line JSON of the schema (declared key order); equal schemas give equal strings. */
    public String toCanonicalJson() {
        return YamlConfig.toCompactJson(this);
    }

    /** SHA-256 hex of {@link #toCanonicalJson()}. */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(toCanonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /**
     * Says how {@code other} differs from this schema, "" when the canonical forms are equal. "missing" lists
     * what this schema has and {@code other} lacks, "extra" the reverse, e.g.
     * {@code column 'industry': categories differ: missing [retail], extra [shop]}.
     */
    public String describeDifference(FeatureSchema other) {
        Objects.requireNonNull(other, "other");
        if (toCanonicalJson().equals(other.toCanonicalJson())) {
            return "";
        }
        List<String> diffs = new ArrayList<>();
        field(diffs, "delimiter", "'" + delimiter + "'", "'" + other.delimiter + "'");
        field(diffs, "missing-tokens", missingTokens, other.missingTokens);
        field(diffs, "target", target, other.target);
        field(diffs, "positive-label", positiveLabel, other.positiveLabel);
        field(diffs, "id", id, other.id);
        listDiff(diffs, "ignore", ignore, other.ignore);

        Map<String, ColumnSpec> mine = byName(columns);
        Map<String, ColumnSpec> theirs = byName(other.columns);
        List<String> missingCols = mine.keySet().stream().filter(n -> !theirs.containsKey(n)).toList();
        List<String> extraCols = theirs.keySet().stream().filter(n -> !mine.containsKey(n)).toList();
        if (!missingCols.isEmpty() || !extraCols.isEmpty()) {
            diffs.add("columns differ: missing " + missingCols + ", extra " + extraCols);
        }
        for (Map.Entry<String, ColumnSpec> e : mine.entrySet()) {
            ColumnSpec b = theirs.get(e.getKey());
            if (b != null) {
                columnDiff(diffs, e.getValue(), b);
            }
        }
        List<String> commonMine = featureColumnNames().stream().filter(theirs::containsKey).toList();
        List<String> commonTheirs = other.featureColumnNames().stream().filter(mine::containsKey).toList();
        if (!commonMine.equals(commonTheirs)) {
            diffs.add("column order differs: " + commonMine + " vs " + commonTheirs);
        }
        return diffs.isEmpty() ? "canonical JSON differs" : String.join("; ", diffs);
    }

    private static Map<String, ColumnSpec> byName(List<ColumnSpec> columns) {
        Map<String, ColumnSpec> map = new LinkedHashMap<>();
        for (ColumnSpec c : columns) {
            map.put(c.name(), c);
        }
        return map;
    }

    private static void columnDiff(List<String> diffs, ColumnSpec a, ColumnSpec b) {
        String prefix = "column '" + a.name() + "': ";
        if (!a.typeName().equals(b.typeName())) {
            diffs.add(prefix + "type " + a.typeName() + " vs " + b.typeName());
            return;
        }
        List<String> local = new ArrayList<>();
        field(local, "missing", a.missing(), b.missing());
        if (a instanceof NumericColumn x && b instanceof NumericColumn y) {
            field(local, "center", x.center(), y.center());
            field(local, "scale", x.scale(), y.scale());
            field(local, "log1p", x.log1p(), y.log1p());
            field(local, "clip", x.clip(), y.clip());
            field(local, "sentinels", x.sentinels(), y.sentinels());
        } else if (a instanceof CategoricalColumn x && b instanceof CategoricalColumn y) {
            listDiff(local, "categories", x.categories(), y.categories());
        } else if (a instanceof BooleanColumn x && b instanceof BooleanColumn y) {
            listDiff(local, "true-values", x.trueValues(), y.trueValues());
            listDiff(local, "false-values", x.falseValues(), y.falseValues());
        }
        for (String d : local) {
            diffs.add(prefix + d);
        }
    }

    private static void field(List<String> diffs, String key, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            diffs.add(key + " " + a + " vs " + b);
        }
    }

    private static void listDiff(List<String> diffs, String key, List<String> a, List<String> b) {
        if (a.equals(b)) {
            return;
        }
        List<String> missing = a.stream().filter(v -> !b.contains(v)).toList();
        List<String> extra = b.stream().filter(v -> !a.contains(v)).toList();
        if (missing.isEmpty() && extra.isEmpty()) {
            diffs.add(key + " order differs: " + a + " vs " + b);
        } else {
            diffs.add(key + " differ: missing " + missing + ", extra " + extra);
        }
    }
}
