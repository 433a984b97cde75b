package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;

import java.util.Map;
import java.util.Optional;

/** Tracks the privacy a run has spent, round by round, and refuses rounds past the configured budget. */
interface PrivacyTracker {
    /** ε spent so far at the configured δ; NaN when nothing is accounted. */
    double epsilon();

    /** The reason the next round attempt, at sampling rate {@code q}, must not run (it would exceed the budget), or empty. */
    Optional<String> refuseRound(double q, FederationConfig config);

    /**
     * Accounts one round attempt that released updates, at sampling rate {@code q}; {@code details} (clip norm, update
     * noise...) go into the provenance of this step. Returns ε after it.
     */
    double commitRound(double q, FederationConfig config, Map<String, Object> details);

    /** What goes into provenance. */
    Map<String, Object> describe(FederationConfig config);
}
