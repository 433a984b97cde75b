package io.fedlead.core.features;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * One declared feature column of a {@link FeatureSchema}. The YAML key {@code type} picks the kind:
 * {@code numeric}, {@code categorical} or {@code boolean}; each kind accepts only its own keys.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = NumericColumn.class, name = "numeric"),
        @JsonSubTypes.Type(value = CategoricalColumn.class, name = "categorical"),
        @JsonSubTypes.Type(value = BooleanColumn.class, name = "boolean")
})
public sealed interface ColumnSpec permits NumericColumn, CategoricalColumn, BooleanColumn {
    /** The CSV header name. */
    String name();

    /** What to do when the value is missing. */
    MissingPolicy missing();

    /** The encoder slot names this column produces, in order. */
    List<String> featureNames();

    /** "numeric", "categorical" or "boolean", as written in YAML. */
    String typeName();

    /** Name of the 0/1 slot that flags a missing value under {@link MissingPolicy#INDICATOR}. */
    static String missingSlotName(String column) {
        return column + ":missing";
    }

    static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("every column needs a non-blank 'name'");
        }
    }
}
