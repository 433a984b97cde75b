package io.fedlead.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdatePrivatizerTest {
    private static UpdatePrivatizer seeded(long seed) {
        return new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(seed)));
    }

    @Test
    void privatize_zeroNoise_isTheClippedDelta() {
        PrivatizedUpdate p = seeded(1).privatize(new float[]{6f, 8f}, 5.0, 0);
        assertTrue(p.wasClipped());
        assertEquals(10.0, p.preClipNorm(), 0.0);
        assertArrayEquals(UpdateMath.clip(new float[]{6f, 8f}, 5.0).clipped(), p.payload());
        assertEquals(3f, p.payload()[0], 1e-5f);
        assertEquals(4f, p.payload()[1], 1e-5f);
    }

    @Test
    void privatize_withNoise_equalsClipThenNoiseWithStdZTimesC() {
        float[] delta = {0.3f, -0.1f, 0.2f};
        PrivatizedUpdate p = seeded(9).privatize(delta, 2.0, 1.5);
        assertFalse(p.wasClipped());
        assertEquals(3.0, p.noiseStddev(), 0.0);
        RandomGenerator replay = NoiseSources.seededForSimulation(9);
        for (int i = 0; i < delta.length; i++) {
            assertEquals((float) (delta[i] + 3.0 * replay.nextGaussian()), p.payload()[i], 0f, "index " + i);
        }
        assertArrayEquals(new float[]{0.3f, -0.1f, 0.2f}, delta, "input untouched");
    }

    @Test
    void privatize_negativeNoiseMultiplier_rejectedNamingZ() {
        var e = assertThrows(IllegalArgumentException.class, () -> seeded(1).privatize(new float[]{1f}, 1.0, -1));
        assertTrue(e.getMessage().contains("noise multiplier z") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void privatize_zeroClipNorm_rejectedNamingC() {
        var e = assertThrows(IllegalArgumentException.class, () -> seeded(1).privatize(new float[]{1f}, 0, 1));
        assertTrue(e.getMessage().contains("clip norm C"), e.getMessage());
    }

    @Test
    void noisedUnclippedBit_zeroSigma_plusHalfWhenNotClippedMinusHalfWhenClipped() {
        UpdatePrivatizer privatizer = seeded(1);
        PrivatizedUpdate small = privatizer.privatize(new float[]{0.1f}, 1.0, 0);
        PrivatizedUpdate big = privatizer.privatize(new float[]{10f}, 1.0, 0);
        assertEquals(0.5, privatizer.noisedUnclippedBit(small, 0), 0.0);
        assertEquals(-0.5, privatizer.noisedUnclippedBit(big, 0), 0.0);
    }

    @Test
    void noisedUnclippedBit_seeded_bitPlusSigmaTimesGaussian() {
        UpdatePrivatizer privatizer = seeded(3);
        PrivatizedUpdate clipped = privatizer.privatize(new float[]{10f}, 1.0, 0); // draws no noise (z = 0)
        double b = privatizer.noisedUnclippedBit(clipped, 2.0);
        RandomGenerator replay = NoiseSources.seededForSimulation(3);
        assertEquals(-0.5 + 2.0 * replay.nextGaussian(), b, 0.0);
    }

    @Test
    void noisedUnclippedBit_negativeSigma_rejected() {
        UpdatePrivatizer privatizer = seeded(1);
        PrivatizedUpdate p = privatizer.privatize(new float[]{1f}, 1.0, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> privatizer.noisedUnclippedBit(p, -2));
        assertTrue(e.getMessage().contains("sigma_b"), e.getMessage());
    }
}
