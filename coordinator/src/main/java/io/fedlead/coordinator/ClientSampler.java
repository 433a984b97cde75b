package io.fedlead.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks the clients of a round: either a uniform random subset of fixed size (fraction, with a floor), or Poisson
 * sampling, where each client is taken independently with probability q, which is what the RDP accountant assumes.
 */
final class ClientSampler {
    private final RandomGenerator rng;

    ClientSampler(RandomGenerator rng) {
        this.rng = rng;
    }

    List<ClientSession> sample(List<ClientSession> active, double fraction, int minimum) {
        int n = active.size();
        int k = Math.min(n, Math.max(minimum, (int) Math.ceil(fraction * n)));
        List<ClientSession> pool = new ArrayList<>(active);
        // Partial Fisher-Yates: the first k are a uniform sample without replacement.
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            ClientSession t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return List.copyOf(pool.subList(0, k));
    }

    /** Each active client independently with probability {@code q}; the sample may be empty. */
    List<ClientSession> poisson(List<ClientSession> active, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("Poisson sampling rate must be in (0, 1], got " + q);
        }
        List<ClientSession> out = new ArrayList<>();
        for (ClientSession c : active) {
            if (q == 1 || rng.nextDouble() < q) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }
}
