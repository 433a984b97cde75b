package io.fedlead.sim.inmemory;

import java.util.Arrays;
import java.util.Locale;

/** Where a simulation's clients get their leads. */
public enum DataSource {
    /** {@link io.fedlead.core.features.SyntheticLeadGenerator}: known true probabilities, any number of clients. */
    SYNTHETIC,
    /** UCI Bank Marketing ({@code bank-additional-full.csv}), randomly partitioned into clients. */
    BANK;

    /** The option value ("synthetic", "bank"). */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an option value, naming the option and the accepted values when it is wrong. */
    public static DataSource fromOption(String value) {
        for (DataSource d : values()) {
            if (d.optionValue().equalsIgnoreCase(value.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("--data is '" + value + "', expected one of "
                + Arrays.stream(values()).map(DataSource::optionValue).toList());
    }
}
