package io.fedlead.sim.inmemory;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;
import io.fedlead.core.strategy.FedAvg;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ServerStepTest {
    private static final ModelLayout LAYOUT = new ModelLayout(List.of(new TensorSpec("w", List.of(1L, 2L))));
    private static final ModelWeights GLOBAL = new ModelWeights(LAYOUT, new float[] {0.5f, -1f});

    @Test
    void apply_fixedDenominatorTwoClients_sumOverExpectedCohortTimesServerLr() {
        List<float[]> updates = List.of(new float[] {1f, 2f}, new float[] {3f, -6f});
        // Sum (4, -4) over q*N = 4 is (1, -1); server lr 0.5 steps (0.5, -0.5) from (0.5, -1).
        ModelWeights next = ServerStep.apply(GLOBAL, updates, List.of(10L, 30L), Aggregation.FIXED_DENOMINATOR, 4.0, 0.5);
        assertArrayEquals(new float[] {1.0f, -1.5f}, next.values());
        float[] byFedAvg = FedAvg.fixedDenominator(updates, 4.0);
        assertArrayEquals(new float[] {0.5f + 0.5f * byFedAvg[0], -1f + 0.5f * byFedAvg[1]}, next.values());
    }

    @Test
    void apply_examplesWeighting_meanWeightedByExampleCounts() {
        List<float[]> updates = List.of(new float[] {1f, 2f}, new float[] {3f, -6f});
        // (10*(1,2) + 30*(3,-6)) / 40 = (2.5, -4); server lr 1.
        ModelWeights next = ServerStep.apply(GLOBAL, updates, List.of(10L, 30L), Aggregation.EXAMPLES, 4.0, 1.0);
        assertArrayEquals(new float[] {3.0f, -5.0f}, next.values());
    }

    @Test
    void apply_emptyCohort_globalUnchanged() {
        assertSame(GLOBAL, ServerStep.apply(GLOBAL, List.of(), List.of(), Aggregation.FIXED_DENOMINATOR, 4.0, 1.0));
    }
}
