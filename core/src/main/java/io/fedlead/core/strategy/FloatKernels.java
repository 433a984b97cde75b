package io.fedlead.core.strategy;

/**
 * The loops of {@link StreamingAggregator}, written so Java 17's C2 compiles them to SIMD code: element-wise
 * loops over arrays indexed alike (C2 17 vectorises those, but not floating-point reductions, not float-to-double
 * conversion, and not loops whose source and destination float arrays are indexed with different offsets,
 * since it cannot rule out that they alias). Measured choices: BENCHMARKS-aggregation.md.
 */
final class FloatKernels {
    /**
     * Floats decoded per step: one block plus the squares' lanes is 2 x 8 KiB, so both stay in a 32 KiB L1
     * while the block is squared and copied on.
     */
    static final int BLOCK = 2048;

    /**
     * Blocks whose squares each lane adds in float before the lanes are drained into a double total: every lane
     * sums at most 64 squares, so the float rounding is at most 64 * 2^-24 = 4e-6 relative (typically ~1e-7),
     * whatever the model size.
     */
    static final int BLOCKS_PER_DRAIN = 64;

    private FloatKernels() {
    }

    /**
     * {@code lanes[j] += block[j]^2} for j below n: the element-wise form of a sum of squares, which C2
     * vectorises (8 floats per AVX2 instruction) where a scalar accumulator loop runs one value at a time.
     * NaN and infinity propagate into the lanes.
     */
    static void accumulateSquares(float[] block, float[] lanes, int n) {
        for (int j = 0; j < n; j++) {
            float v = block[j];
            lanes[j] += v * v;
        }
    }

    /** Sums the lanes in double and zeroes them. */
    static double drain(float[] lanes) {
        double a = 0;
        double b = 0;
        for (int j = 0; j + 1 < lanes.length; j += 2) {
            a += lanes[j];
            b += lanes[j + 1];
        }
        if ((lanes.length & 1) != 0) {
            a += lanes[lanes.length - 1];
        }
        java.util.Arrays.fill(lanes, 0f);
        return a + b;
    }

    /** Sum of squares accumulated in double: float squares cannot overflow it, so only NaN/infinity make it non-finite. */
    static double exactSumOfSquares(float[] x, int from, int to) {
        double total = 0;
        for (int i = from; i < to; i++) {
            total += (double) x[i] * x[i];
        }
        return total;
    }

    /** Index of the first NaN or infinity in x, or -1. */
    static int firstNonFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Kahan-compensated {@code sum += weight * x} over [from, to); the running value is sum - compensation.
     * Java never reassociates floating-point operations, so the compensation survives JIT compilation; all
     * arrays are indexed alike, so the loop vectorises.
     */
    static void kahanAdd(float[] sum, float[] compensation, float[] x, float weight, int from, int to) {
        if (weight == 1f) {
            for (int i = from; i < to; i++) {
                float y = x[i] - compensation[i];
                float t = sum[i] + y;
                compensation[i] = (t - sum[i]) - y;
                sum[i] = t;
            }
        } else {
            for (int i = from; i < to; i++) {
                float y = weight * x[i] - compensation[i];
                float t = sum[i] + y;
                compensation[i] = (t - sum[i]) - y;
                sum[i] = t;
            }
        }
    }
}
