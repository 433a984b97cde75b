package io.fedlead.sim.inmemory;

import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.strategy.FedAvg;
import io.fedlead.core.strategy.WeightedUpdate;
import io.fedlead.core.strategy.Weighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The simulated server's half of a round, the same arithmetic as the coordinator's: aggregate the privatized
 * updates with {@link FedAvg}, then {@code global += serverLearningRate * mean} in float.
 */
public final class ServerStep {
    private ServerStep() {
    }

    /**
     * The next global model.
     *
     * @param updates         privatized updates (clipped + noised deltas), one per reporting client
     * @param exampleCounts   training examples behind each update (used by {@link Aggregation#EXAMPLES} only)
     * @param expectedCohort  q*N, the fixed denominator of {@link Aggregation#FIXED_DENOMINATOR}
     * @return {@code global} itself when no client reported (a Poisson cohort can be empty)
     */
    public static ModelWeights apply(ModelWeights global, List<float[]> updates, List<Long> exampleCounts,
                                     Aggregation aggregation, double expectedCohort, double serverLearningRate) {
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(exampleCounts, "exampleCounts");
        Objects.requireNonNull(aggregation, "aggregation");
        if (updates.size() != exampleCounts.size()) {
            throw new IllegalArgumentException(updates.size() + " updates but " + exampleCounts.size() + " example counts");
        }
        if (updates.isEmpty()) {
            return global;
        }
        float[] mean = switch (aggregation) {
            case FIXED_DENOMINATOR -> FedAvg.fixedDenominator(updates, expectedCohort);
            case EXAMPLES -> {
                List<WeightedUpdate> weighted = new ArrayList<>(updates.size());
                for (int i = 0; i < updates.size(); i++) {
                    weighted.add(new WeightedUpdate(updates.get(i), exampleCounts.get(i)));
                }
                yield FedAvg.aggregate(weighted, Weighting.EXAMPLES);
            }
        };
        float[] w = global.values();
        if (mean.length != w.length) {
            throw new IllegalArgumentException("updates have " + mean.length + " values but the model has " + w.length);
        }
        float lr = (float) serverLearningRate; // as the coordinator: float step on float weights
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] + lr * mean[i];
        }
        return new ModelWeights(global.layout(), out);
    }
}
