package io.fedlead.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianMechanismTest {
    /** A generator whose Gaussian is a fixed value, to test rounding by hand. */
    private static RandomGenerator constantGaussian(double g) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextGaussian() {
                return g;
            }
        };
    }

    @Test
    void addNoise_hundredThousandCoordinates_stdWithinFivePercentOfZTimesCAndMeanNearZero() {
        double z = 1.1;
        double c = 2.0;
        int n = 100_000;
        float[] noised = new GaussianMechanism(NoiseSources.seededForSimulation(42)).addNoise(new float[n], z * c);
        double sum = 0;
        double sumSq = 0;
        for (float v : noised) {
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(z * c, std, 0.05 * z * c, "empirical std");
        // 4 standard errors of the mean: 4 * 2.2 / sqrt(1e5) = 0.028.
        assertEquals(0.0, mean, 4 * z * c / Math.sqrt(n), "empirical mean");
    }

    @Test
    void addNoise_seeded_equalsFloatOfDoubleSumInIndexOrder() {
        float[] x = {1f, -2.5f, 1e-3f, 300f};
        double stddev = 0.7;
        float[] noised = new GaussianMechanism(NoiseSources.seededForSimulation(7)).addNoise(x, stddev);
        RandomGenerator replay = NoiseSources.seededForSimulation(7);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) (x[i] + stddev * replay.nextGaussian()), noised[i], 0f, "index " + i);
        }
    }

    @Test
    void addNoise_noiseJustAboveHalfUlp_addedInDoubleRoundsUp() {
        // Noise 2^-24 + 2^-50 on 1.0f: the exact sum lies just above the midpoint between 1 and the next
        // float, so rounding once gives nextUp(1f). Rounding the noise to float first would give 2^-24, a tie,
        // and ties-to-even would return 1.0f.
        double noise = 0x1.0p-24 + 0x1.0p-50;
        float[] out = new GaussianMechanism(constantGaussian(noise)).addNoise(new float[]{1f}, 1.0);
        assertEquals(Math.nextUp(1f), out[0], 0f);
        assertEquals(1f, 1f + (float) noise, 0f, "float-first rounding would lose the noise");
    }

    @Test
    void addNoise_zeroStddev_unchangedCopy() {
        float[] x = {1f, 2f};
        float[] out = new GaussianMechanism(NoiseSources.seededForSimulation(1)).addNoise(x, 0);
        assertArrayEquals(x, out);
        assertFalse(x == out);
    }

    @Test
    void addNoise_inputNotModified() {
        float[] x = {1f, 2f, 3f};
        new GaussianMechanism(NoiseSources.seededForSimulation(1)).addNoise(x, 5);
        assertArrayEquals(new float[]{1f, 2f, 3f}, x);
    }

    @Test
    void addNoise_negativeStddev_rejectedWithValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMechanism(NoiseSources.seededForSimulation(1)).addNoise(new float[1], -0.5));
        assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
    }

    @Test
    void seededForSimulation_sameSeed_sameSequence() {
        RandomGenerator a = NoiseSources.seededForSimulation(42);
        RandomGenerator b = NoiseSources.seededForSimulation(42);
        for (int i = 0; i < 10; i++) {
            assertEquals(a.nextGaussian(), b.nextGaussian(), 0.0);
        }
    }

    @Test
    void secure_twoInstances_differ() {
        assertNotEquals(NoiseSources.secure().nextLong(), NoiseSources.secure().nextLong());
    }

    @Test
    void noiseSource_descriptionsForProvenance() {
        NoiseSource sim = NoiseSource.seededForSimulation(42);
        assertEquals("fixed seed 42 (simulation)", sim.description());
        assertTrue(sim.reproducible());
        NoiseSource secure = NoiseSource.secure();
        assertFalse(secure.reproducible());
        assertTrue(secure.description().contains("L64X128MixRandom") && secure.description().contains("SecureRandom"),
                secure.description());
    }
}
