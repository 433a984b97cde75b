package io.fedlead.sim.bench;

import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.core.strategy.Weighting;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Quick companion of {@link AggregationBenchmark}: times whole rounds (parse + decode + validate + fold of N
 * serialized updates) after warm-up and prints GB/s of float payload, heap used by the aggregator, and
 * allocation per round; then times each phase alone and the alternatives considered, so the choices in
 * {@link StreamingAggregator} rest on numbers. Measures and prints; never passes or fails.
 *
 * <p>Usage: {@code AggregationThroughput [updates=100] [parameters=1048576] [chunkBytes=1048576] [reps=10]}
 */
public final class AggregationThroughput {
    private AggregationThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int parameters = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int chunkBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 20;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        System.out.printf(Locale.ROOT, "%d updates x %d float32 params, %d-byte chunks, %d reps, %d cpus, %s%n",
                updates, parameters, chunkBytes, reps, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"));

        SerializedUpdates data = SerializedUpdates.generate(updates, parameters, chunkBytes, 42);
        long payload = data.payloadBytes();
        long heapWithData = usedHeapAfterGc();

        StreamingAggregator agg = new StreamingAggregator(data.layout(), Weighting.EXAMPLES);
        round(agg, data, true); // allocates the pooled scratch buffer
        long heapWithAggregator = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "heap: %.1f MB holding the serialized updates; aggregator after a round "
                        + "(2 float sum arrays + 1 pooled scratch) +%.1f MB (expected %.1f MB)%n",
                heapWithData / 1e6, (heapWithAggregator - heapWithData) / 1e6, 12.0 * parameters / 1e6);

        report("round, EXAMPLES weighting, aliased parse", payload, reps, () -> round(agg, data, true));
        long allocated = allocatedBytes(() -> round(agg, data, true));
        System.out.printf(Locale.ROOT, "  allocation per round: %.1f KB (%.0f bytes per update)%n",
                allocated / 1e3, (double) allocated / updates);
        StreamingAggregator uniform = new StreamingAggregator(data.layout(), Weighting.UNIFORM);
        report("round, UNIFORM weighting, aliased parse", payload, reps, () -> round(uniform, data, true));
        report("round, EXAMPLES weighting, copying parseFrom(byte[])", payload, reps, () -> round(agg, data, false));
        StreamingAggregator two = new StreamingAggregator(data.layout(), Weighting.EXAMPLES,
                new StreamingAggregator.Options(2, OptionalDouble.empty()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            report("round, 2 concurrent uploaders (2 scratch buffers)", payload, reps, () -> twoThreads(two, data, pool));
        } finally {
            pool.shutdownNow();
        }

        System.out.println("phases alone (per update, same data):");
        phases(data, payload, reps);
    }

    /** One round: every update parsed, decoded, validated and folded. */
    private static void round(StreamingAggregator agg, SerializedUpdates data, boolean aliased) {
        agg.reset();
        int n = data.updates().size();
        for (int k = 0; k < n; k++) {
            UpdateReceiver r = agg.begin("c" + k, 1000 + k);
            for (byte[] message : data.updates().get(k)) {
                r.accept(aliased ? SerializedUpdates.parseAliased(message) : SerializedUpdates.parseCopying(message));
            }
            r.finish();
        }
        if (agg.acceptedCount() != n) {
            throw new IllegalStateException("accepted " + agg.acceptedCount() + " of " + n);
        }
    }

    private static void twoThreads(StreamingAggregator agg, SerializedUpdates data, ExecutorService pool) {
        agg.reset();
        int n = data.updates().size();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                for (int k = first; k < n; k += 2) {
                    UpdateReceiver r = agg.begin("c" + k, 1000 + k);
                    data.feed(k, r);
                    r.finish();
                }
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void phases(SerializedUpdates data, long payload, int reps) {
        int params = data.layout().parameterCount();
        float[] scratch = new float[params];
        double[] dsum = new double[params];
        float[] fsum = new float[params];
        List<List<byte[]>> updates = data.updates();
        double[] sink = new double[1];

        report("parse aliased (no payload copy)", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                for (byte[] m : u) {
                    sink[0] += SerializedUpdates.parseAliased(m).remaining();
                }
            }
        });
        report("parse copying", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                for (byte[] m : u) {
                    sink[0] += SerializedUpdates.parseCopying(m).remaining();
                }
            }
        });
        report("parse aliased + bulk FloatBuffer-view get into scratch", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                int pos = 0;
                for (byte[] m : u) {
                    ByteBuffer b = SerializedUpdates.parseAliased(m).order(ByteOrder.LITTLE_ENDIAN);
                    int floats = b.remaining() >>> 2;
                    b.asFloatBuffer().get(scratch, pos, floats);
                    pos += floats;
                }
            }
        });
        report("parse aliased + bulk get + per-chunk float-acc squares (fused)", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                int pos = 0;
                for (byte[] m : u) {
                    ByteBuffer b = SerializedUpdates.parseAliased(m).order(ByteOrder.LITTLE_ENDIAN);
                    int floats = b.remaining() >>> 2;
                    b.asFloatBuffer().get(scratch, pos, floats);
                    sink[0] += sumSqFloat8(scratch, pos, pos + floats);
                    pos += floats;
                }
            }
        });
        report("parse aliased + per-float getFloat loop into scratch", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                int pos = 0;
                for (byte[] m : u) {
                    ByteBuffer b = SerializedUpdates.parseAliased(m).order(ByteOrder.LITTLE_ENDIAN);
                    int floats = b.remaining() >>> 2;
                    int base = b.position();
                    for (int i = 0; i < floats; i++) {
                        scratch[pos + i] = b.getFloat(base + 4 * i);
                    }
                    pos += floats;
                }
            }
        });
        int n = updates.size();
        report("validate: sum of squares, 4 double accumulators", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += sumSq4(scratch, 0, scratch.length);
            }
        });
        report("validate: sum of squares, 1 double accumulator", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += sumSq1(scratch);
            }
        });
        report("validate: sum of squares, 8 float accumulators", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += sumSqFloat8(scratch, 0, scratch.length);
            }
        });
        float[] lanes = new float[LANES];
        report("validate: sum of squares, 64-lane float[] accumulator", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += sumSqLanes(scratch, 0, scratch.length, lanes);
            }
        });
        report("validate: Float.isFinite scan", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += finiteScan(scratch);
            }
        });
        report("fold into double[] sum, weighted (first design)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                double w = 1000 + k;
                for (int i = 0; i < dsum.length; i++) {
                    dsum[i] += w * scratch[i];
                }
            }
        });
        report("fold into double[] sum, weight 1 (sum += x)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < dsum.length; i++) {
                    dsum[i] += scratch[i];
                }
            }
        });
        float[] comp = new float[params];
        report("fold Kahan float[] sum + float[] compensation (chosen)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                float w = 1000 + k;
                for (int i = 0; i < fsum.length; i++) {
                    float y = w * scratch[i] - comp[i];
                    float t = fsum[i] + y;
                    comp[i] = (t - fsum[i]) - y;
                    fsum[i] = t;
                }
            }
        });
        report("fold into float[] sum, weighted (plain float)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                float w = 1000 + k;
                for (int i = 0; i < fsum.length; i++) {
                    fsum[i] += w * scratch[i];
                }
            }
        });
        if (sink[0] == 42) {
            System.out.println(dsum[0] + fsum[0]);
        }
    }

    private static double sumSq4(float[] x, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double a = x[i];
            double b = x[i + 1];
            double c = x[i + 2];
            double d = x[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < to; i++) {
            s0 += (double) x[i] * x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static final int LANES = 64;

    /** Squares added lane-wise into a small array, an elementwise loop C2 vectorises; flushed per 1024 values. */
    private static double sumSqLanes(float[] x, int from, int to, float[] lanes) {
        double total = 0;
        int i = from;
        while (to - i >= LANES) {
            java.util.Arrays.fill(lanes, 0f);
            int blockEnd = Math.min(to, i + 1024);
            for (; i + LANES <= blockEnd; i += LANES) {
                for (int j = 0; j < LANES; j++) {
                    float v = x[i + j];
                    lanes[j] += v * v;
                }
            }
            double block = 0;
            for (float l : lanes) {
                block += l;
            }
            total += block;
        }
        for (; i < to; i++) {
            total += (double) x[i] * x[i];
        }
        return total;
    }

    private static double sumSqFloat8(float[] x, int from, int to) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = from;
        for (; i + 7 < to; i += 8) {
            s0 += x[i] * x[i];
            s1 += x[i + 1] * x[i + 1];
            s2 += x[i + 2] * x[i + 2];
            s3 += x[i + 3] * x[i + 3];
            s4 += x[i + 4] * x[i + 4];
            s5 += x[i + 5] * x[i + 5];
            s6 += x[i + 6] * x[i + 6];
            s7 += x[i + 7] * x[i + 7];
        }
        for (; i < to; i++) {
            s0 += x[i] * x[i];
        }
        return ((double) s0 + s1 + s2 + s3) + ((double) s4 + s5 + s6 + s7);
    }

    private static double sumSq1(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return s;
    }

    private static int finiteScan(float[] x) {
        int bad = 0;
        for (float v : x) {
            if (!Float.isFinite(v)) {
                bad++;
            }
        }
        return bad;
    }

    private static void report(String label, long payloadBytes, int reps, Runnable run) {
        for (int i = 0; i < Math.max(3, reps / 2); i++) {
            run.run(); // warm-up: let C2 compile the loops
        }
        long best = Long.MAX_VALUE;
        long total = 0;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            run.run();
            long dt = System.nanoTime() - t0;
            best = Math.min(best, dt);
            total += dt;
        }
        double mean = total / (double) reps;
        System.out.printf(Locale.ROOT, "  %-58s mean %6.2f GB/s (best %6.2f GB/s, %.1f ms per %d MB)%n", label,
                payloadBytes / mean, payloadBytes / (double) best, mean / 1e6, payloadBytes / 1_000_000);
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long allocatedBytes(Runnable run) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        run.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
