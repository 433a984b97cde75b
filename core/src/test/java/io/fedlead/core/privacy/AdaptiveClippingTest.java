package io.fedlead.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveClippingTest {
    /** Runs the rule on log-normal norms (median e^mu) with m clients a round; returns the final C. */
    private static double track(double sigmaB, long seed, int rounds, int m, double mu) {
        RandomGenerator rng = NoiseSources.seededForSimulation(seed);
        AdaptiveClipping rule = new AdaptiveClipping(0.5, 0.2);
        double c = 0.1;
        for (int r = 0; r < rounds; r++) {
            List<Double> bits = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                double norm = Math.exp(mu + 0.5 * rng.nextGaussian());
                bits.add((norm <= c ? 0.5 : -0.5) + sigmaB * rng.nextGaussian());
            }
            c = rule.next(c, AdaptiveClipping.unclippedFraction(bits));
        }
        return c;
    }

    @Test
    void next_logNormalNormsWithoutBitNoise_approachesMedianWithin10Percent() {
        double median = Math.exp(1.0); // 2.718, from C0 = 0.1: a factor 27 away
        double c = track(0, 1, 300, 100, 1.0);
        assertEquals(median, c, 0.1 * median, "C after 300 rounds: " + c);
    }

    @Test
    void next_logNormalNormsWithBitNoiseMOver20_approachesMedianWithin10Percent() {
        double median = Math.exp(1.0);
        // σ_b = m/20 as the paper's default on the SUM of bits; here each of m clients adds it, std of the mean √m/20.
        double[] finals = new double[5];
        for (int s = 0; s < finals.length; s++) {
            finals[s] = track(100 / 20.0 / Math.sqrt(100), 10 + s, 300, 100, 1.0);
        }
        for (double c : finals) {
            assertEquals(median, c, 0.1 * median, "C per seed: " + Arrays.toString(finals));
        }
    }

    @Test
    void next_moreUnclippedThanTarget_shrinksC_byHandValue() {
        AdaptiveClipping rule = new AdaptiveClipping(0.5, 0.2);
        // All unclipped: C·exp(-0.2·(1 - 0.5)) = exp(-0.1).
        assertEquals(Math.exp(-0.1), rule.next(1.0, 1.0), 1e-15);
        // All clipped: C grows by exp(0.1).
        assertEquals(2 * Math.exp(0.1), rule.next(2.0, 0.0), 1e-15);
        // At the target nothing moves.
        assertEquals(0.7, rule.next(0.7, 0.5), 1e-15);
    }

    @Test
    void unclippedFraction_bitsAroundHalf_meanPlusHalf() {
        assertEquals(2.0 / 3, AdaptiveClipping.unclippedFraction(List.of(0.5, 0.5, -0.5)), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> AdaptiveClipping.unclippedFraction(List.of()));
    }

    @Test
    void updateNoiseMultiplier_handValues() {
        // z = 1, σ_b = 1: (1 - 1/4)^(-1/2) = 2/√3.
        assertEquals(2 / Math.sqrt(3), AdaptiveClipping.updateNoiseMultiplier(1.0, 1.0), 1e-12);
        // z = 0.5, σ_b = 5 (m = 100): (4 - 0.01)^(-1/2).
        assertEquals(1 / Math.sqrt(3.99), AdaptiveClipping.updateNoiseMultiplier(0.5, 5.0), 1e-12);
        // Round trip: combining z_Δ with the bit noise gives back z.
        assertEquals(1.3, AdaptiveClipping.totalNoiseMultiplier(AdaptiveClipping.updateNoiseMultiplier(1.3, 0.9), 0.9), 1e-12);
        assertEquals(0.8, AdaptiveClipping.totalNoiseMultiplier(0.8, 0), 0);
        assertEquals(5.0, AdaptiveClipping.defaultBitStddev(100), 0);
    }

    @Test
    void updateNoiseMultiplier_bitNoiseTooSmall_errorNamesValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdaptiveClipping.updateNoiseMultiplier(1.0, 0.5));
        assertTrue(e.getMessage().contains("0.5") && e.getMessage().contains("2σ_b > z"), e.getMessage());
    }
}
