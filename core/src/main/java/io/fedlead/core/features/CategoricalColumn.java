package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A categorical column, one-hot encoded: one slot per declared category plus one "other" slot that takes every
 * undeclared value (and, under the default missing policy, missing values). Values match exactly after trimming.
 *
 * @param name       CSV header name
 * @param missing    missing-value policy (default {@code default}: the other slot)
 * @param categories the declared categories, in slot order; non-empty, no duplicates
 */
public record CategoricalColumn(String name, MissingPolicy missing, List<String> categories) implements ColumnSpec {
    /** Value of the "other" slot name suffix: {@code industry=other}. */
    public static final String OTHER = "other";

    public CategoricalColumn {
        ColumnSpec.requireName(name);
        missing = missing == null ? MissingPolicy.DEFAULT : missing;
        if (categories == null || categories.isEmpty()) {
            throw new IllegalArgumentException("column '" + name + "': categorical columns need a non-empty 'categories' list");
        }
        categories = List.copyOf(categories);
        Set<String> seen = new HashSet<>();
        for (String c : categories) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException("column '" + name + "': category '" + c + "' is declared twice");
            }
        }
    }

    /** The slot name of the catch-all bucket; {@code name=<other>} if a real category is called "other". */
    public String otherSlotName() {
        return name + "=" + otherValue();
    }

    /** The catch-all bucket's name: "other", or "<other>" if a real category is called "other". */
    public String otherValue() {
        return categories.contains(OTHER) ? "<" + OTHER + ">" : OTHER;
    }

    @Override
    public List<String> featureNames() {
        List<String> names = new ArrayList<>(categories.size() + 2);
        for (String c : categories) {
            names.add(name + "=" + c);
        }
        names.add(otherSlotName());
        if (missing == MissingPolicy.INDICATOR) {
            names.add(ColumnSpec.missingSlotName(name));
        }
        return List.copyOf(names);
    }

    @Override
    public String typeName() {
        return "categorical";
    }
}
