package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A boolean column, encoded as one 0/1 slot. Values are matched case-insensitively against {@code trueValues}
 * and {@code falseValues}; any other non-missing value is an error, so a typo cannot silently become false.
 *
 * @param name        CSV header name
 * @param missing     missing-value policy (default {@code default}: false)
 * @param trueValues  strings meaning true (default yes, true, 1)
 * @param falseValues strings meaning false (default no, false, 0)
 */
public record BooleanColumn(String name, MissingPolicy missing, List<String> trueValues, List<String> falseValues)
        implements ColumnSpec {
    public static final List<String> DEFAULT_TRUE = List.of("yes", "true", "1");
    public static final List<String> DEFAULT_FALSE = List.of("no", "false", "0");

    public BooleanColumn {
        ColumnSpec.requireName(name);
        missing = missing == null ? MissingPolicy.DEFAULT : missing;
        trueValues = trueValues == null ? DEFAULT_TRUE : lower(trueValues);
        falseValues = falseValues == null ? DEFAULT_FALSE : lower(falseValues);
        if (trueValues.isEmpty() || falseValues.isEmpty()) {
            throw new IllegalArgumentException("column '" + name + "': true-values and false-values must not be empty");
        }
        Set<String> both = new HashSet<>(trueValues);
        both.retainAll(falseValues);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("column '" + name + "': " + both + " is both a true and a false value");
        }
    }

    private static List<String> lower(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(v.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> featureNames() {
        return missing == MissingPolicy.INDICATOR ? List.of(name, ColumnSpec.missingSlotName(name)) : List.of(name);
    }

    @Override
    public String typeName() {
        return "boolean";
    }
}
