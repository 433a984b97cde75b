package io.fedlead.core.strategy;

import java.util.List;
import java.util.Objects;

/**
 * Federated averaging over in-memory updates (tests and simulations; the coordinator streams through
 * {@link StreamingAggregator} instead). Sums are accumulated in double and rounded to float once.
 */
public final class FedAvg {
    private FedAvg() {
    }

    /**
     * Weighted mean of the updates: weight = example count ({@link Weighting#EXAMPLES}) or 1
     * ({@link Weighting#UNIFORM}).
     *
     * @throws IllegalArgumentException if the list is empty, lengths differ, or all weights are zero
     */
    public static float[] aggregate(List<WeightedUpdate> updates, Weighting weighting) {
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(weighting, "weighting");
        int n = commonLength(updates.stream().map(WeightedUpdate::update).toList());
        double[] sum = new double[n];
        double total = 0;
        for (WeightedUpdate u : updates) {
            double w = weighting == Weighting.EXAMPLES ? u.exampleCount() : 1.0;
            total += w;
            float[] x = u.update();
            for (int i = 0; i < n; i++) {
                sum[i] += w * x[i];
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("all " + updates.size() + " updates have 0 examples; "
                    + "cannot weight by examples");
        }
        return divide(sum, total);
    }

    /**
     * DP-FedAvg's fixed-denominator estimator (McMahan et al. 2018; Andrew et al. 2021): the unweighted sum
     * divided by the expected number of participants q*N rather than the actual count, so that one client's
     * presence changes the result by at most C / (q*N) and the count itself leaks nothing.
     *
     * @param expectedClients q*N, finite and > 0
     * @throws IllegalArgumentException if the list is empty, lengths differ, or expectedClients is not > 0
     */
    public static float[] fixedDenominator(List<float[]> updates, double expectedClients) {
        Objects.requireNonNull(updates, "updates");
        if (!(expectedClients > 0) || Double.isInfinite(expectedClients)) {
            throw new IllegalArgumentException("expected clients q*N must be finite and > 0, got " + expectedClients);
        }
        int n = commonLength(updates);
        double[] sum = new double[n];
        for (float[] x : updates) {
            for (int i = 0; i < n; i++) {
                sum[i] += x[i];
            }
        }
        return divide(sum, expectedClients);
    }

    private static int commonLength(List<float[]> updates) {
        if (updates.isEmpty()) {
            throw new IllegalArgumentException("no updates to aggregate");
        }
        int n = Objects.requireNonNull(updates.get(0), "update 0").length;
        for (int k = 1; k < updates.size(); k++) {
            float[] x = Objects.requireNonNull(updates.get(k), "update " + k);
            if (x.length != n) {
                throw new IllegalArgumentException("update " + k + " has " + x.length
                        + " values but update 0 has " + n);
            }
        }
        return n;
    }

    private static float[] divide(double[] sum, double denominator) {
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sum[i] / denominator);
        }
        return out;
    }
}
