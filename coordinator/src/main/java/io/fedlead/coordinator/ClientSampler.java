package io.fedlead.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Picks the clients of a round: a uniform random subset of the active clients (fraction, with a floor). */
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
}
