package io.fedlead.core.features;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/**
 * What the encoder does with a missing value (a schema missing token, or a numeric sentinel): reject the row,
 * substitute a default, or substitute a default and raise an extra {@code col:missing} 0/1 slot.
 */
public enum MissingPolicy {
    /** The row is rejected (an error, or skipped and counted with skip-bad-rows). */
    @JsonProperty("error") ERROR,
    /** Numeric: the shared center (standardised 0); categorical: the "other" slot; boolean: false. */
    @JsonProperty("default") DEFAULT,
    /** As {@link #DEFAULT}, plus a {@code col:missing} slot that is 1 when the value was missing. */
    @JsonProperty("indicator") INDICATOR;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
