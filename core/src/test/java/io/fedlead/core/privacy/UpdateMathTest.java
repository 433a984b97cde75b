package io.fedlead.core.privacy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateMathTest {
    private static final ModelLayout LAYOUT = new ModelLayout(List.of(
            new TensorSpec("0_W", List.of(2L, 1L)), new TensorSpec("0_b", List.of(1L))));

    @Test
    void delta_trainedMinusGlobal_elementwise() {
        ModelWeights trained = new ModelWeights(LAYOUT, new float[]{1.5f, -2f, 0.25f});
        ModelWeights global = new ModelWeights(LAYOUT, new float[]{0.5f, 1f, 0.25f});
        assertArrayEquals(new float[]{1f, -3f, 0f}, UpdateMath.delta(trained, global));
    }

    @Test
    void delta_differentLayouts_rejectedNamingTheTensor() {
        ModelLayout other = new ModelLayout(List.of(new TensorSpec("0_W", List.of(3L, 1L))));
        var e = assertThrows(IllegalArgumentException.class, () -> UpdateMath.delta(
                new ModelWeights(other, new float[3]), new ModelWeights(LAYOUT, new float[3])));
        assertTrue(e.getMessage().contains("0_W"), e.getMessage());
    }

    @Test
    void l2Norm_threeFourTwelve_thirteen() {
        assertEquals(13.0, UpdateMath.l2Norm(new float[]{3f, 4f, 12f}), 0.0);
    }

    @Test
    void l2Norm_hugeFloats_noOverflowBecauseDoubleAccumulation() {
        // Float squares would overflow to Infinity; in double 2 * (3e38)^2 is fine.
        double x = 3e38f;
        assertEquals(Math.sqrt(2) * x, UpdateMath.l2Norm(new float[]{3e38f, 3e38f}), 1e-15 * x);
    }

    @Test
    void clip_normAboveC_scaledToNormCWithinRoundingAndNeverAbove() {
        // [3, 4] has norm 5; C = 1 gives [0.6, 0.8]. As floats, (0.6f, 0.8f) have norm 1.0000000238 > 1,
        // so the clip must shrink by an ulp to keep the DP sensitivity bound.
        ClipResult r = UpdateMath.clip(new float[]{3f, 4f}, 1.0);
        assertTrue(r.wasClipped());
        assertEquals(5.0, r.preClipNorm(), 0.0);
        double norm = UpdateMath.l2Norm(r.clipped());
        assertTrue(norm <= 1.0, "norm " + norm);
        assertEquals(1.0, norm, 1e-6);
        assertEquals(0.6f, r.clipped()[0], 1e-6f);
        assertEquals(0.8f, r.clipped()[1], 1e-6f);
    }

    @Test
    void clip_normBelowC_unchangedBitForBitInNewArray() {
        float[] u = {0.1f, -0.2f, Float.MIN_VALUE, -0f};
        ClipResult r = UpdateMath.clip(u, 1.0);
        assertFalse(r.wasClipped());
        assertNotSame(u, r.clipped());
        for (int i = 0; i < u.length; i++) {
            assertEquals(Float.floatToRawIntBits(u[i]), Float.floatToRawIntBits(r.clipped()[i]), "index " + i);
        }
    }

    @Test
    void clip_normExactlyC_notClipped() {
        ClipResult r = UpdateMath.clip(new float[]{3f, 4f}, 5.0);
        assertFalse(r.wasClipped());
        assertArrayEquals(new float[]{3f, 4f}, r.clipped());
    }

    @Test
    void clip_twice_equalsOnce() {
        float[] once = UpdateMath.clip(new float[]{3f, 4f, -7f, 0.5f}, 0.3).clipped();
        ClipResult twice = UpdateMath.clip(once, 0.3);
        assertFalse(twice.wasClipped());
        assertArrayEquals(once, twice.clipped());
    }

    @Test
    void clip_zeroUpdate_staysZero() {
        ClipResult r = UpdateMath.clip(new float[5], 0.01);
        assertFalse(r.wasClipped());
        assertEquals(0.0, r.preClipNorm());
        assertArrayEquals(new float[5], r.clipped());
    }

    @Test
    void clip_badClipNorm_rejectedNamingC() {
        for (double c : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> UpdateMath.clip(new float[]{1f}, c));
            assertTrue(e.getMessage().contains("clip norm C") && e.getMessage().contains(String.valueOf(c)),
                    e.getMessage());
        }
    }

    @Test
    void clip_nanInUpdate_rejectedNamingIndex() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> UpdateMath.clip(new float[]{1f, Float.NaN}, 1.0));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void clip_randomVectors_normAtMostCDirectionKeptIdempotent() {
        RandomGenerator rng = NoiseSources.seededForSimulation(2024);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rng.nextInt(200);
            double scale = Math.pow(10, rng.nextDouble(-4, 4));
            float[] u = new float[n];
            for (int i = 0; i < n; i++) {
                u[i] = (float) (rng.nextGaussian() * scale);
            }
            double c = Math.pow(10, rng.nextDouble(-3, 3));
            ClipResult r = UpdateMath.clip(u, c);
            double norm = UpdateMath.l2Norm(r.clipped());
            String where = "trial " + trial + " n=" + n + " C=" + c;
            assertTrue(norm <= c, where + " norm " + norm);
            double pre = UpdateMath.l2Norm(u);
            assertEquals(pre, r.preClipNorm(), 0.0, where);
            assertEquals(pre > c, r.wasClipped(), where);
            double expectedNorm = Math.min(pre, c);
            assertEquals(expectedNorm, norm, 1e-6 * expectedNorm, where);
            double factor = Math.min(1, c / pre);
            for (int i = 0; i < n; i++) {
                assertEquals(u[i] * factor, r.clipped()[i], 1e-6 * Math.abs(u[i] * factor) + 1e-30, where);
            }
            assertArrayEquals(r.clipped(), UpdateMath.clip(r.clipped(), c).clipped(), where);
        }
    }
}
