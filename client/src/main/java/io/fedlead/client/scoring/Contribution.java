package io.fedlead.client.scoring;

import java.util.Objects;

/**
 * How much one input slot moved a lead's score, in log-odds: positive pushes towards conversion.
 *
 * @param feature        the slot's name, e.g. "pages_viewed" or "source=event"
 * @param logOddsEffect  log-odds with the slot as given minus log-odds with the slot at its baseline 0
 */
public record Contribution(String feature, double logOddsEffect) {
    public Contribution {
        Objects.requireNonNull(feature, "feature");
        if (!Double.isFinite(logOddsEffect)) {
            throw new IllegalArgumentException("effect of '" + feature + "' must be finite, got " + logOddsEffect);
        }
    }
}
