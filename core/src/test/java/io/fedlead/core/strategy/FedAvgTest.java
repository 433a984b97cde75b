package io.fedlead.core.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FedAvgTest {
    // Three clients, hand-computed: weights 1, 2, 5 (total 8).
    private static final List<WeightedUpdate> THREE = List.of(
            new WeightedUpdate(new float[]{1f, 2f}, 1),
            new WeightedUpdate(new float[]{3f, 0f}, 2),
            new WeightedUpdate(new float[]{-1f, 4f}, 5));

    @Test
    void aggregate_byExamples_weightedMean() {
        // [1*1 + 2*3 + 5*(-1), 1*2 + 2*0 + 5*4] / 8 = [2, 22] / 8
        assertArrayEquals(new float[]{0.25f, 2.75f}, FedAvg.aggregate(THREE, Weighting.EXAMPLES));
    }

    @Test
    void aggregate_uniform_plainMean() {
        // [1 + 3 - 1, 2 + 0 + 4] / 3
        assertArrayEquals(new float[]{1f, 2f}, FedAvg.aggregate(THREE, Weighting.UNIFORM));
    }

    @Test
    void aggregate_identicalUpdates_thatUpdate() {
        float[] u = {0.1f, -3.7f, 1e-7f};
        List<WeightedUpdate> same = List.of(new WeightedUpdate(u, 3), new WeightedUpdate(u, 11),
                new WeightedUpdate(u, 1000));
        assertArrayEquals(u, FedAvg.aggregate(same, Weighting.EXAMPLES));
        assertArrayEquals(u, FedAvg.aggregate(same, Weighting.UNIFORM));
    }

    @Test
    void fixedDenominator_sumDividedByExpectedClients() {
        List<float[]> updates = THREE.stream().map(WeightedUpdate::update).toList();
        // sum [3, 6], q*N = 4
        assertArrayEquals(new float[]{0.75f, 1.5f}, FedAvg.fixedDenominator(updates, 4.0));
    }

    @Test
    void fixedDenominator_nonPositiveExpected_rejectedWithValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> FedAvg.fixedDenominator(List.of(new float[1]), 0.0));
        assertTrue(e.getMessage().contains("q*N") && e.getMessage().contains("0.0"), e.getMessage());
    }

    @Test
    void aggregate_lengthMismatch_rejectedNamingUpdate() {
        var e = assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of(
                new WeightedUpdate(new float[2], 1), new WeightedUpdate(new float[3], 1)), Weighting.UNIFORM));
        assertTrue(e.getMessage().contains("update 1 has 3"), e.getMessage());
    }

    @Test
    void aggregate_empty_rejected() {
        assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of(), Weighting.UNIFORM));
    }

    @Test
    void aggregate_allZeroExamples_rejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(
                List.of(new WeightedUpdate(new float[1], 0)), Weighting.EXAMPLES));
        assertTrue(e.getMessage().contains("0 examples"), e.getMessage());
    }
}
