package io.fedlead.sim.inmemory;

import io.fedlead.core.privacy.NoiseSources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoissonSamplerTest {
    @Test
    void sample_rateOne_everyClient() {
        assertEquals(List.of(0, 1, 2, 3, 4), new PoissonSampler(NoiseSources.seededForSimulation(1)).sample(5, 1.0));
    }

    @Test
    void sample_rateTenPercent_cohortSizeMatchesBinomialMean() {
        PoissonSampler sampler = new PoissonSampler(NoiseSources.seededForSimulation(7));
        long total = 0;
        for (int round = 0; round < 200; round++) {
            total += sampler.sample(1000, 0.1).size();
        }
        // 200 rounds x Binomial(1000, 0.1): mean 20000, sd sqrt(200 * 90) = 134; 4 sd is 537.
        assertTrue(Math.abs(total - 20_000) < 537, "total sampled " + total);
    }
}
