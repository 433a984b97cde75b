package io.fedlead.core.privacy.accounting;

import java.util.Objects;

/**
 * An (ε, δ) guarantee read off an RDP curve: ε (+∞ allowed, NaN never), the δ asked for, the RDP order at which the
 * minimum was found, and the conversion used.
 */
public record PrivacySpent(double epsilon, double delta, double optimalOrder, EpsilonConversion conversion) {
    public PrivacySpent {
        if (!(epsilon >= 0.0)) {
            throw new IllegalArgumentException("epsilon must be >= 0 (or +Infinity), got " + epsilon);
        }
        EpsilonConversion.checkDelta(delta);
        if (!(optimalOrder > 1.0) || Double.isInfinite(optimalOrder)) {
            throw new IllegalArgumentException("optimal order must be a finite number > 1, got " + optimalOrder);
        }
        Objects.requireNonNull(conversion, "conversion");
    }
}
