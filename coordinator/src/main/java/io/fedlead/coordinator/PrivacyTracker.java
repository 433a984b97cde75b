package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;

import java.util.Map;
import java.util.Optional;

/** Tracks the privacy a run has spent, round by round, and refuses rounds past the configured budget. */
interface PrivacyTracker {
    /** ε spent so far at the configured δ; NaN when nothing is accounted. */
    double epsilon();

    /** The reason the next round must not run (it would exceed the budget), or empty. */
    Optional<String> refuseRound(int activeClients, FederationConfig config);

    /** Accounts one round in which {@code sampled} of {@code registered} clients were asked; returns ε after it. */
    double commitRound(int sampled, int registered, FederationConfig config);

    /** What goes into provenance. */
    Map<String, Object> describe(FederationConfig config);
}
