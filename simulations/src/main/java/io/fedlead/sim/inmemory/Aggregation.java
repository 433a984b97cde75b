package io.fedlead.sim.inmemory;

import java.util.Arrays;
import java.util.Locale;

/** How the simulated server combines the privatized updates of one round. */
public enum Aggregation {
    /**
     * DP-FedAvg: uniform weights, sum divided by the expected cohort size q*N
     * ({@link io.fedlead.core.strategy.FedAvg#fixedDenominator}); what the RDP accountant's sensitivity assumes.
     */
    FIXED_DENOMINATOR,
    /**
     * Plain FedAvg weighted by example counts ({@link io.fedlead.core.strategy.FedAvg#aggregate} with EXAMPLES);
     * the coordinator's default. Counts are not privatized, so the reported epsilon understates the leak.
     */
    EXAMPLES;

    /** The option value ("fixed-denominator", "examples"). */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses an option value, naming the option and the accepted values when it is wrong. */
    public static Aggregation fromOption(String value) {
        for (Aggregation a : values()) {
            if (a.optionValue().equalsIgnoreCase(value.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("--aggregation is '" + value + "', expected one of "
                + Arrays.stream(values()).map(Aggregation::optionValue).toList());
    }
}
