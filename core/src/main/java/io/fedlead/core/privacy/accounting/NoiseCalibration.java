package io.fedlead.core.privacy.accounting;

import java.util.Objects;

/** The noise multiplier a {@link NoiseCalibrator} chose and the (ε, δ) it actually spends. */
public record NoiseCalibration(double noiseMultiplier, PrivacySpent spent) {
    public NoiseCalibration {
        if (!(noiseMultiplier >= 0.0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        Objects.requireNonNull(spent, "spent");
    }
}
