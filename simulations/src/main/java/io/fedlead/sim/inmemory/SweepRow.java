package io.fedlead.sim.inmemory;

import java.util.Objects;

/**
 * One line of a sweep's report. Numbers that do not apply to a row (q, z, rounds of a baseline) are NaN / 0 and
 * print as "-".
 *
 * @param experiment  "noise" (z sweep), "clients" (N sweep) or "baseline"
 * @param model       "federated", "central" or "local-only"
 * @param clients     N
 * @param sampleRate  q (NaN for baselines)
 * @param noiseMultiplier z (NaN for baselines)
 * @param clipNorm    C (NaN for baselines)
 * @param rounds      R (0 for baselines)
 * @param epsilon     epsilon at delta after the last round; +Infinity = no formal privacy
 * @param delta       delta
 * @param auc         AUC on the pooled holdout
 * @param logLoss     mean log-loss on the pooled holdout
 * @param meanCohort  mean clients per round (NaN for baselines)
 * @param seconds     wall time of this row
 * @param note        what the row is, in words
 */
public record SweepRow(String experiment, String model, int clients, double sampleRate, double noiseMultiplier,
                       double clipNorm, int rounds, double epsilon, double delta, double auc, double logLoss,
                       double meanCohort, double seconds, String note) {
    public SweepRow {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(note, "note");
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0 or +Infinity, got " + epsilon);
        }
    }

    /** A federated run's row. */
    static SweepRow federated(String experiment, InMemoryFederation.Outcome o, String note) {
        InMemoryFederation.RunSettings s = o.settings();
        InMemoryFederation.RoundResult last = o.last();
        return new SweepRow(experiment, "federated", o.clients(), s.sampleRate(), s.noiseMultiplier(), s.clipNorm(),
                s.rounds(), last.epsilon(), s.delta(), last.auc(), last.logLoss(), o.meanCohort(), o.seconds(), note);
    }
}
