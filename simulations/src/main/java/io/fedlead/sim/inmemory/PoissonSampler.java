package io.fedlead.sim.inmemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Poisson client sampling, the subsampling the RDP accountant assumes: every client joins a round independently
 * with probability q, so the cohort size is Binomial(N, q) and may be 0.
 */
public final class PoissonSampler {
    private final RandomGenerator rng;

    public PoissonSampler(RandomGenerator rng) {
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /** Indices in [0, clients) of this round's cohort, ascending. */
    public List<Integer> sample(int clients, double q) {
        if (clients < 0) {
            throw new IllegalArgumentException("clients must be >= 0, got " + clients);
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("sample rate q must be in [0, 1], got " + q);
        }
        List<Integer> cohort = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            if (rng.nextDouble() < q) {
                cohort.add(i);
            }
        }
        return cohort;
    }
}
