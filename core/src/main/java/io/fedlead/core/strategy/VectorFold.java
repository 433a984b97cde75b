package io.fedlead.core.strategy;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The aggregator's two inner loops written with the JDK's Vector API ({@code jdk.incubator.vector}, an incubator
 * module in Java 17): they load floats straight from the wire bytes, with no decode copy, and the sum of squares
 * is a vector reduction, which C2 17 does not generate from scalar code. Measured 1.5-1.8x the scalar kernel's
 * throughput (BENCHMARKS-aggregation.md).
 *
 * <p>Only {@link StreamingAggregator} calls this class, and only when {@link StreamingAggregator#VECTOR_MODULE}:
 * the JVM must run with {@code --add-modules jdk.incubator.vector} (bin/fedlead and the build's test and benchmark
 * JVMs do). Without it this class must never be touched (loading it would throw NoClassDefFoundError), and the
 * aggregator uses its scalar kernel. Buffers passed in are little-endian,
 * backed by an accessible array (the vectors load from the array: measured 20-25% faster than loading through a
 * read-only ByteBuffer on JDK 17) and hold whole floats from index 0 to their limit.
 */
final class VectorFold {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Floats per drain of the four vector accumulators into double: each lane then sums at most 128 squares. */
    private static final int DRAIN_FLOATS = 128 * 4 * LANES;

    private VectorFold() {
    }

    /** "256-bit vectors, 8 floats" for logs. */
    static String describe() {
        return SPECIES.vectorBitSize() + "-bit vectors, " + LANES + " floats";
    }

    /**
     * Sum of squares of the buffer's floats [0, count), little-endian. Four vector accumulators (FMA); each lane
     * adds at most 128 squares before the accumulators are reduced into a double, so the relative error is at
     * most 128 x 2^-24 = 8e-6 whatever the length. NaN and infinity propagate; a square overflows float only for
     * |x| > 1.8e19 (the caller then recomputes exactly).
     */
    static double sumOfSquares(ByteBuffer floats, int count) {
        byte[] a = floats.array();
        int base = floats.arrayOffset();
        double total = 0;
        int step = 4 * LANES;
        int i = 0;
        while (count - i >= step) {
            int end = i + Math.min(DRAIN_FLOATS, (count - i) / step * step);
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            for (; i < end; i += step) {
                int b = base + (i << 2);
                FloatVector v0 = FloatVector.fromByteArray(SPECIES, a, b, ByteOrder.LITTLE_ENDIAN);
                FloatVector v1 = FloatVector.fromByteArray(SPECIES, a, b + 4 * LANES, ByteOrder.LITTLE_ENDIAN);
                FloatVector v2 = FloatVector.fromByteArray(SPECIES, a, b + 8 * LANES, ByteOrder.LITTLE_ENDIAN);
                FloatVector v3 = FloatVector.fromByteArray(SPECIES, a, b + 12 * LANES, ByteOrder.LITTLE_ENDIAN);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
                a2 = v2.fma(v2, a2);
                a3 = v3.fma(v3, a3);
            }
            total += (double) a0.add(a1).reduceLanes(VectorOperators.ADD) + a2.add(a3).reduceLanes(VectorOperators.ADD);
        }
        for (; i < count; i++) {
            float v = floats.getFloat(i << 2);
            total += (double) v * v;
        }
        return total;
    }

    /**
     * Kahan-compensated {@code s[at + j] += weight * x[j]} for j in [0, count), x being the buffer's floats from
     * index {@code from}. The same operations, in the same order per element, as the scalar kernel's loop, so
     * both kernels give bit-identical sums.
     */
    static void fold(ByteBuffer floats, int from, float[] s, float[] c, int at, int count, float weight) {
        byte[] a = floats.array();
        int base = floats.arrayOffset() + (from << 2);
        FloatVector w = FloatVector.broadcast(SPECIES, weight);
        int j = 0;
        int bound = SPECIES.loopBound(count);
        for (; j < bound; j += LANES) {
            FloatVector x = FloatVector.fromByteArray(SPECIES, a, base + (j << 2), ByteOrder.LITTLE_ENDIAN);
            FloatVector sv = FloatVector.fromArray(SPECIES, s, at + j);
            FloatVector cv = FloatVector.fromArray(SPECIES, c, at + j);
            FloatVector y = w.mul(x).sub(cv);
            FloatVector t = sv.add(y);
            t.sub(sv).sub(y).intoArray(c, at + j);
            t.intoArray(s, at + j);
        }
        for (; j < count; j++) {
            int k = at + j;
            float y = weight * floats.getFloat((from + j) << 2) - c[k];
            float t = s[k] + y;
            c[k] = (t - s[k]) - y;
            s[k] = t;
        }
    }
}
