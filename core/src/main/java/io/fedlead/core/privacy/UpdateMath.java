package io.fedlead.core.privacy;

import io.fedlead.core.model.ModelWeights;

import java.util.Objects;

/**
 * Pure functions over flat update vectors: the client's weight delta, its L2 norm, and L2 clipping
 * (the sensitivity bound of DP-FedAvg, McMahan et al. 2018).
 */
public final class UpdateMath {
    /** 2^-23: one float ulp at 1.0, the step by which a clip scale is shrunk if rounding overshoots C. */
    private static final double FLOAT_ULP_AT_ONE = 0x1.0p-23;

    private UpdateMath() {
    }

    /** {@code trained - global}, element by element, as a new array; both must have the same layout. */
    public static float[] delta(ModelWeights trained, ModelWeights global) {
        Objects.requireNonNull(trained, "trained");
        Objects.requireNonNull(global, "global");
        if (!trained.layout().equals(global.layout())) {
            throw new IllegalArgumentException("trained and global models have different layouts: "
                    + global.layout().describeDifference(trained.layout()));
        }
        float[] t = trained.values();
        float[] g = global.values();
        float[] d = new float[t.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = t[i] - g[i];
        }
        return d;
    }

    /**
     * Euclidean norm, accumulated in double: float squares cannot overflow a double (at most ~1.2e77 each,
     * times at most 2^31 terms), so the result is finite exactly when every value is finite.
     */
    public static double l2Norm(float[] values) {
        Objects.requireNonNull(values, "values");
        return Math.sqrt(sumOfSquares(values, 0, values.length));
    }

    /**
     * Sum of squares of {@code values[from, to)} in double with four independent accumulators, so the loop is
     * not serialised on one floating-point add chain (the order is fixed, so the result is deterministic).
     */
    static double sumOfSquares(float[] values, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double a = values[i];
            double b = values[i + 1];
            double c = values[i + 2];
            double d = values[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < to; i++) {
            double a = values[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Scales the update by {@code min(1, clipNorm / ||update||)} into a new array, so that its L2 norm is at
     * most {@code clipNorm}. An update already within the bound is copied unchanged, bit for bit (so clipping
     * twice equals clipping once); a zero update stays zero.
     *
     * @throws IllegalArgumentException if clipNorm is not finite and > 0, or the update holds NaN/infinity
     */
    public static ClipResult clip(float[] update, double clipNorm) {
        Objects.requireNonNull(update, "update");
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        double norm = l2Norm(update);
        if (!Double.isFinite(norm)) {
            int bad = firstNonFinite(update);
            throw new IllegalArgumentException("update value at index " + bad + " is " + update[bad]
                    + "; cannot clip a non-finite update");
        }
        if (norm <= clipNorm) {
            return new ClipResult(update.clone(), norm, false);
        }
        // Each product is rounded to float once, which can push the norm up by about 2^-24 relative; the DP
        // sensitivity bound must hold on the float vector actually sent, so shrink the scale by float ulps
        // until it does (almost always zero or one extra pass).
        double scale = clipNorm / norm;
        float[] clipped = new float[update.length];
        while (true) {
            for (int i = 0; i < update.length; i++) {
                clipped[i] = (float) (update[i] * scale);
            }
            if (l2Norm(clipped) <= clipNorm) {
                return new ClipResult(clipped, norm, true);
            }
            scale *= 1 - FLOAT_ULP_AT_ONE;
        }
    }

    /** Index of the first NaN or infinite value, or -1 if all are finite. */
    static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }
}
