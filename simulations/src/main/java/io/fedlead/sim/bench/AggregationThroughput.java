package io.fedlead.sim.bench;

import io.fedlead.coordinator.UpdateChunkMarshaller;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.core.strategy.Weighting;
import io.fedlead.proto.v1.UpdateChunk;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Quick companion of {@link AggregationBenchmark}: times whole rounds (parse + decode + validate + fold of N
 * serialized updates) after warm-up and prints GB/s of float payload, the machine's memory bandwidth for
 * context, heap used by the aggregator, and allocation per round; then times each phase alone and the
 * alternatives considered, so the choices in {@link StreamingAggregator} rest on numbers. Every line carries the
 * 1-minute load average, since the machine is shared. Measures and prints; never passes or fails.
 *
 * <p>Usage: {@code AggregationThroughput [updates=100] [parameters=1048576] [chunkBytes=1048576] [reps=10] [all|ab|ingest]};
 * {@code ingest} runs only the server ingest path (see {@link #ingest}) next to the aggregator alone, 1 and 2 uploaders;
 * {@code ab} runs only an interleaved A/B of the kept and the fused (L1 block + lanes) decode + validate pass (alternating rep by
 * rep, so a change in machine load hits both alike).
 */
public final class AggregationThroughput {
    private AggregationThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int parameters = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int chunkBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 20;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String mode = args.length > 4 ? args[4] : "all";
        boolean phases = mode.equals("all");
        System.out.printf(Locale.ROOT, "%d updates x %d float32 params, %d-byte chunks, %d reps, %d cpus, %s, load %s%n",
                updates, parameters, chunkBytes, reps, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), loadAverage());

        SerializedUpdates data = SerializedUpdates.generate(updates, parameters, chunkBytes, 42);
        if (mode.equals("ingest")) {
            ingest(data, reps, true);
            return;
        }
        if (mode.equals("agg")) {
            ingest(data, reps, false);
            return;
        }
        if (mode.equals("kernels")) {
            kernelsInterleaved(data, reps);
            return;
        }
        if (mode.equals("ab")) {
            interleavedDecode(data, reps);
            return;
        }
        memoryBandwidth(reps);

        long payload = data.payloadBytes();
        long heapWithData = usedHeapAfterGc();

        StreamingAggregator agg = new StreamingAggregator(data.layout(), Weighting.EXAMPLES);
        round(agg, data, SerializedUpdates::parseAliased); // allocates the pooled upload buffers
        long heapWithAggregator = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "heap after GC: %.1f MB holding the serialized updates; aggregator after a "
                        + "round +%.1f MB (expected 2 float sum arrays + 1 pooled scratch = %.1f MB)%n",
                heapWithData / 1e6, (heapWithAggregator - heapWithData) / 1e6, 12.0 * parameters / 1e6);

        report("round, EXAMPLES, aliased parse (aggregator cost)", payload, reps,
                () -> round(agg, data, SerializedUpdates::parseAliased));
        long allocated = allocatedBytes(() -> round(agg, data, SerializedUpdates::parseAliased));
        System.out.printf(Locale.ROOT, "  allocation per round: %.1f KB (%.0f bytes per update)%n",
                allocated / 1e3, (double) allocated / updates);
        StreamingAggregator uniform = new StreamingAggregator(data.layout(), Weighting.UNIFORM);
        report("round, UNIFORM, aliased parse", payload, reps,
                () -> round(uniform, data, SerializedUpdates::parseAliased));
        report("round, EXAMPLES, gRPC ProtoLiteUtils marshaller parse", payload, reps,
                () -> round(agg, data, SerializedUpdates::parseGrpc));
        report("round, EXAMPLES, plain parseFrom(byte[])", payload, reps,
                () -> round(agg, data, SerializedUpdates::parseCopying));
        StreamingAggregator two = new StreamingAggregator(data.layout(), Weighting.EXAMPLES,
                new StreamingAggregator.Options(2, OptionalDouble.empty()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            report("round, 2 concurrent uploaders, aliased parse", payload, reps, () -> twoThreads(two, data, pool));
        } finally {
            pool.shutdownNow();
        }

        if (phases) {
            System.out.println("phases alone (same data), load " + loadAverage() + ":");
            phases(data, payload, reps);
        }
    }

    /**
     * The coordinator's real ingest path next to the aggregator alone, with 1 and 2 concurrent uploaders (a real
     * coordinator runs one gRPC thread per client stream): each data message is parsed by the server's
     * {@link UpdateChunkMarshaller} from a KnownLength stream, digested with SHA-256 (as {@code FederationService}
     * does for {@code received_sha256}) or not, then fed to the receiver; finish() at the end of each upload.
     * Prints GB/s, the heap the aggregator holds after GC, and the load average. Without the server path, only
     * the aggregator alone (mode {@code agg}).
     */
    private static void ingest(SerializedUpdates data, int reps, boolean serverPath) throws Exception {
        long payload = data.payloadBytes();
        long heapWithData = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "heap after GC holding the serialized updates: %.1f MB%n", heapWithData / 1e6);
        UpdateChunkMarshaller marshaller = new UpdateChunkMarshaller();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int threads = 1; threads <= 2; threads++) {
                StreamingAggregator agg = new StreamingAggregator(data.layout(), Weighting.EXAMPLES,
                        new StreamingAggregator.Options(threads, OptionalDouble.empty()));
                int t = threads;
                report("aggregator only (aliased parse), EXAMPLES, " + t + " uploader(s)", payload, reps,
                        () -> uploaders(agg, data, pool, t, (k, r) -> data.feed(k, r)));
                heapLine(agg, heapWithData, t);
                if (!serverPath) {
                    continue;
                }
                report("ingest: UpdateChunkMarshaller parse + receiver, no SHA-256, " + t + " uploader(s)", payload,
                        reps, () -> uploaders(agg, data, pool, t, (k, r) -> serverPath(data, k, r, marshaller, null)));
                ThreadLocal<MessageDigest> sha = ThreadLocal.withInitial(AggregationThroughput::sha256);
                report("ingest: UpdateChunkMarshaller parse + SHA-256 + receiver (server path), " + t + " uploader(s)",
                        payload, reps, () -> uploaders(agg, data, pool, t,
                                (k, r) -> serverPath(data, k, r, marshaller, sha.get())));
                report("ingest: gRPC ProtoLiteUtils parse + SHA-256 + receiver (before), " + t + " uploader(s)",
                        payload, reps, () -> uploaders(agg, data, pool, t, (k, r) -> {
                            MessageDigest d = sha.get();
                            for (byte[] m : data.updates().get(k)) {
                                ByteBuffer b = SerializedUpdates.parseGrpc(m);
                                d.update(b.duplicate());
                                r.accept(b);
                            }
                            d.digest();
                        }));
                heapLine(agg, heapWithData, t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Vector vs scalar kernel, 1 and 2 uploaders, alternating round by round in one JVM so that load changes hit
     * both alike (needs --add-modules jdk.incubator.vector; the scalar one is chosen with the system property
     * fedlead.aggregator.scalar at construction).
     */
    private static void kernelsInterleaved(SerializedUpdates data, int reps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int threads = 1; threads <= 2; threads++) {
                StreamingAggregator[] kernels = new StreamingAggregator[2];
                for (int v = 0; v < 2; v++) {
                    System.setProperty("fedlead.aggregator.scalar", v == 0 ? "false" : "true");
                    kernels[v] = new StreamingAggregator(data.layout(), Weighting.EXAMPLES,
                            new StreamingAggregator.Options(threads, OptionalDouble.empty()));
                }
                System.clearProperty("fedlead.aggregator.scalar");
                int t = threads;
                double[][] gbs = new double[2][reps];
                for (int rep = -2; rep < reps; rep++) {
                    for (int v = 0; v < 2; v++) {
                        StreamingAggregator agg = kernels[v];
                        long start = System.nanoTime();
                        uploaders(agg, data, pool, t, (k, r) -> data.feed(k, r));
                        long ns = System.nanoTime() - start;
                        if (rep >= 0) {
                            gbs[v][rep] = data.payloadBytes() / (double) ns;
                        }
                    }
                }
                for (int v = 0; v < 2; v++) {
                    double[] g = gbs[v].clone();
                    java.util.Arrays.sort(g);
                    System.out.printf(Locale.ROOT, "  %-70s %d uploader(s): mean %5.2f GB/s (median %5.2f, min %5.2f, "
                                    + "max %5.2f) load %s%n", kernels[v].kernel(), t,
                            java.util.Arrays.stream(g).average().orElse(0), g[g.length / 2], g[0], g[g.length - 1],
                            loadAverage());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** What FederationService does per data message of one upload; digest null skips the SHA-256. */
    private static void serverPath(SerializedUpdates data, int k, UpdateReceiver r, UpdateChunkMarshaller marshaller,
                                   MessageDigest digest) {
        for (byte[] m : data.updates().get(k)) {
            UpdateChunk chunk = marshaller.parse(new SerializedUpdates.KnownLengthStream(m));
            ByteBuffer b = SerializedUpdates.flat(chunk.getData());
            if (digest != null) {
                digest.update(b.duplicate());
            }
            r.accept(b);
        }
        if (digest != null && digest.digest().length != 32) {
            throw new IllegalStateException("SHA-256 is 32 bytes");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void heapLine(StreamingAggregator agg, long heapWithData, int uploaders) {
        long heap = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "  heap after GC: aggregator +%.1f MB over the fixture (expected sum + "
                        + "compensation = %.1f MB; uploads in flight retain their wire chunks, here the fixture's), "
                        + "load %s%n", (heap - heapWithData) / 1e6, 8.0 * agg.layout().parameterCount() / 1e6,
                loadAverage());
    }

    /** A round with {@code threads} uploaders taking updates k = t, t + threads, ...; one thread runs inline. */
    private static void uploaders(StreamingAggregator agg, SerializedUpdates data, ExecutorService pool, int threads,
                                  java.util.function.BiConsumer<Integer, UpdateReceiver> upload) {
        agg.reset();
        int n = data.updates().size();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int first = t;
            futures.add(pool.submit(() -> uploadEvery(agg, n, first, threads, upload)));
        }
        uploadEvery(agg, n, 0, threads, upload);
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (agg.acceptedCount() != n) {
            throw new IllegalStateException("accepted " + agg.acceptedCount() + " of " + n);
        }
    }

    private static void uploadEvery(StreamingAggregator agg, int n, int first, int step,
                                    java.util.function.BiConsumer<Integer, UpdateReceiver> upload) {
        for (int k = first; k < n; k += step) {
            UpdateReceiver r = agg.begin("c" + k, 1000 + k);
            upload.accept(k, r);
            r.finish();
        }
    }

    /** One round: every update parsed, decoded, validated and folded. */
    private static void round(StreamingAggregator agg, SerializedUpdates data, Function<byte[], ByteBuffer> parse) {
        agg.reset();
        int n = data.updates().size();
        for (int k = 0; k < n; k++) {
            UpdateReceiver r = agg.begin("c" + k, 1000 + k);
            for (byte[] message : data.updates().get(k)) {
                r.accept(parse.apply(message));
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

    /** Context for the GB/s: what this machine's memory does with 256 MB, far beyond the 32 MiB L3. */
    private static void memoryBandwidth(int reps) {
        float[] a = new float[64 << 20];
        float[] b = new float[64 << 20];
        java.util.Arrays.fill(a, 1f);
        long bytes = 4L * a.length;
        report("memory: System.arraycopy 256 MB (GB/s read; as much written)", bytes, reps,
                () -> System.arraycopy(a, 0, b, 0, a.length));
        float[] sink = new float[1];
        report("memory: float sum loop over 256 MB (read only)", bytes, reps, () -> sink[0] += sumFloats(a));
        if (sink[0] == 42) {
            System.out.println(b[1]);
        }
    }

    private static float sumFloats(float[] x) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int i = 0; i + 3 < x.length; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void phases(SerializedUpdates data, long payload, int reps) throws Exception {
        int params = data.layout().parameterCount();
        float[] scratch = new float[params];
        float[] block = new float[BLOCK];
        float[] lanes = new float[BLOCK];
        List<List<byte[]>> updates = data.updates();
        double[] sink = new double[1];
        int n = updates.size();

        report("parse aliased (no payload copy)", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                for (byte[] m : u) {
                    sink[0] += SerializedUpdates.parseAliased(m).remaining();
                }
            }
        });
        report("parse with gRPC's ProtoLiteUtils marshaller (2 copies)", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                for (byte[] m : u) {
                    sink[0] += SerializedUpdates.parseGrpc(m).remaining();
                }
            }
        });
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        report("SHA-256 of the payload (the coordinator digests each upload)", payload, Math.max(1, reps / 5), () -> {
            for (List<byte[]> u : updates) {
                for (byte[] m : u) {
                    sha.update(SerializedUpdates.parseAliased(m));
                }
                sink[0] += sha.digest()[0];
            }
        });

        // Decode + validate variants: each fills scratch with the update and returns its sum of squares.
        report("decode+squares: bulk get into scratch, 8 float accumulators per chunk (kept)", payload,
                reps, () -> {
                    for (List<byte[]> u : updates) {
                        sink[0] += decodeBulkThenSquares(u, scratch);
                    }
                });
        report("decode+squares: per 2048-float block, get into scratch, 8 float accumulators on it", payload, reps,
                () -> {
                    for (List<byte[]> u : updates) {
                        sink[0] += decodeBlocksIntoScratch(u, scratch);
                    }
                });
        report("decode+squares: per 2048-float block into L1 block, element-wise lanes, copy on", payload,
                reps, () -> {
                    for (List<byte[]> u : updates) {
                        sink[0] += decodeBlocksLanes(u, scratch, block, lanes);
                    }
                });
        report("decode only: bulk get into scratch", payload, reps, () -> {
            for (List<byte[]> u : updates) {
                int pos = 0;
                for (byte[] m : u) {
                    FloatBuffer f = SerializedUpdates.parseAliased(m).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    int floats = f.remaining();
                    f.get(scratch, pos, floats);
                    pos += floats;
                }
            }
        });

        float[] fsum = new float[params];
        float[] comp = new float[params];
        double[] dsum = new double[params];
        report("fold: Kahan float[] sum + float[] compensation (chosen)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                kahan(fsum, comp, scratch, 1000 + k, 0, params);
            }
        });
        ExecutorService helper = Executors.newSingleThreadExecutor();
        try {
            report("fold: Kahan, split over 2 threads by index range", payload, reps, () -> {
                int half = params / 2;
                for (int k = 0; k < n; k++) {
                    float w = 1000 + k;
                    Future<?> other = helper.submit(() -> kahan(fsum, comp, scratch, w, half, params));
                    kahan(fsum, comp, scratch, w, 0, half);
                    try {
                        other.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        } finally {
            helper.shutdownNow();
        }
        report("fold: plain float[] sum += w * x", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                plainFold(fsum, scratch, 1000 + k);
            }
        });
        report("fold: double[] sum += w * x", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                doubleFold(dsum, scratch, 1000 + k);
            }
        });
        report("2 passes over retained wire buffers, no scratch (validate, then fold)", payload, reps, () -> {
            for (int k = 0; k < n; k++) {
                sink[0] += twoPassesNoScratch(updates.get(k), fsum, comp, block, lanes, 1000 + k);
            }
        });
        if (sink[0] == 42) {
            System.out.println(dsum[0] + fsum[0]);
        }
    }

    private static final int BLOCK = 2048;

    /** Kept vs fused decode + sum of squares, alternating each rep; prints per-variant mean and best. */
    private static void interleavedDecode(SerializedUpdates data, int reps) {
        float[] scratch = new float[data.layout().parameterCount()];
        float[] block = new float[BLOCK];
        float[] lanes = new float[BLOCK];
        List<List<byte[]>> updates = data.updates();
        double[] sink = new double[1];
        Runnable old = () -> {
            for (List<byte[]> u : updates) {
                sink[0] += decodeBulkThenSquares(u, scratch);
            }
        };
        Runnable fused = () -> {
            for (List<byte[]> u : updates) {
                sink[0] += decodeBlocksLanes(u, scratch, block, lanes);
            }
        };
        for (int i = 0; i < 5; i++) {
            old.run();
            fused.run();
        }
        long[] total = new long[2];
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        int wins = 0;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            old.run();
            long t1 = System.nanoTime();
            fused.run();
            long t2 = System.nanoTime();
            total[0] += t1 - t0;
            total[1] += t2 - t1;
            best[0] = Math.min(best[0], t1 - t0);
            best[1] = Math.min(best[1], t2 - t1);
            wins += (t2 - t1) < (t1 - t0) ? 1 : 0;
        }
        long payload = data.payloadBytes();
        System.out.printf(Locale.ROOT, "interleaved decode+squares, %d reps, load %s:%n  kept (bulk get + 8 float "
                        + "accumulators) mean %.2f GB/s best %.2f%n  fused (L1 block + lanes) mean %.2f GB/s best %.2f;"
                        + " fused faster in %d of %d pairs%n", reps, loadAverage(), payload * (double) reps / total[0],
                payload / (double) best[0], payload * (double) reps / total[1], payload / (double) best[1], wins, reps);
        if (sink[0] == 42) {
            System.out.println(scratch[0]);
        }
    }

    private static FloatBuffer floats(byte[] message) {
        return SerializedUpdates.parseAliased(message).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static double decodeBulkThenSquares(List<byte[]> update, float[] scratch) {
        double total = 0;
        int pos = 0;
        for (byte[] m : update) {
            FloatBuffer f = floats(m);
            int count = f.remaining();
            f.get(scratch, pos, count);
            total += sumSq8(scratch, pos, pos + count);
            pos += count;
        }
        return total;
    }

    private static double decodeBlocksIntoScratch(List<byte[]> update, float[] scratch) {
        double total = 0;
        int pos = 0;
        for (byte[] m : update) {
            FloatBuffer f = floats(m);
            for (int left = f.remaining(); left > 0; ) {
                int count = Math.min(BLOCK, left);
                f.get(scratch, pos, count);
                total += sumSq8(scratch, pos, pos + count);
                pos += count;
                left -= count;
            }
        }
        return total;
    }

    private static double decodeBlocksLanes(List<byte[]> update, float[] scratch, float[] block, float[] lanes) {
        double total = 0;
        int pos = 0;
        int blocks = 0;
        for (byte[] m : update) {
            FloatBuffer f = floats(m);
            for (int left = f.remaining(); left > 0; ) {
                int count = Math.min(BLOCK, left);
                f.get(block, 0, count);
                squareIntoLanes(block, lanes, count);
                System.arraycopy(block, 0, scratch, pos, count);
                pos += count;
                left -= count;
                if (++blocks == 64) {
                    total += drain(lanes);
                    blocks = 0;
                }
            }
        }
        return total + drain(lanes);
    }

    /** Pass 1 squares the wire bytes block by block; pass 2 decodes them again and folds each block. */
    private static double twoPassesNoScratch(List<byte[]> update, float[] sum, float[] comp, float[] block,
                                             float[] lanes, float w) {
        double total = 0;
        for (byte[] m : update) {
            FloatBuffer f = floats(m);
            for (int left = f.remaining(); left > 0; ) {
                int count = Math.min(BLOCK, left);
                f.get(block, 0, count);
                squareIntoLanes(block, lanes, count);
                left -= count;
            }
        }
        total += drain(lanes);
        int pos = 0;
        for (byte[] m : update) {
            FloatBuffer f = floats(m);
            for (int left = f.remaining(); left > 0; ) {
                int count = Math.min(BLOCK, left);
                f.get(block, 0, count);
                // block[j] and sum[pos + j] are indexed differently: C2 17 cannot vectorise this loop.
                for (int j = 0; j < count; j++) {
                    float y = w * block[j] - comp[pos + j];
                    float t = sum[pos + j] + y;
                    comp[pos + j] = (t - sum[pos + j]) - y;
                    sum[pos + j] = t;
                }
                pos += count;
                left -= count;
            }
        }
        return total;
    }

    private static double drain(float[] lanes) {
        double t = 0;
        for (int j = 0; j < lanes.length; j++) {
            t += lanes[j];
            lanes[j] = 0;
        }
        return t;
    }

    private static void kahan(float[] s, float[] c, float[] x, float w, int from, int to) {
        for (int i = from; i < to; i++) {
            float y = w * x[i] - c[i];
            float t = s[i] + y;
            c[i] = (t - s[i]) - y;
            s[i] = t;
        }
    }

    private static void plainFold(float[] s, float[] x, float w) {
        for (int i = 0; i < s.length; i++) {
            s[i] += w * x[i];
        }
    }

    private static void doubleFold(double[] s, float[] x, double w) {
        for (int i = 0; i < s.length; i++) {
            s[i] += w * x[i];
        }
    }

    private static double sumSq8(float[] x, int from, int to) {
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

    private static void report(String label, long payloadBytes, int reps, Runnable run) {
        for (int i = 0; i < Math.max(3, reps / 2); i++) {
            run.run(); // warm-up: let C2 compile the loops
        }
        long best = Long.MAX_VALUE;
        long total = 0;
        long worst = 0;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            run.run();
            long dt = System.nanoTime() - t0;
            best = Math.min(best, dt);
            worst = Math.max(worst, dt);
            total += dt;
        }
        double mean = total / (double) reps;
        System.out.printf(Locale.ROOT, "  %-88s mean %6.2f GB/s (best %6.2f, worst %6.2f; %.1f ms per %d MB) load %s%n",
                label, payloadBytes / mean, payloadBytes / (double) best, payloadBytes / (double) worst, mean / 1e6,
                payloadBytes / 1_000_000, loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** lanes[j] += block[j]^2 for j < count: element-wise, so C2 vectorises it. */
    private static void squareIntoLanes(float[] block, float[] lanes, int count) {
        for (int j = 0; j < count; j++) {
            float v = block[j];
            lanes[j] += v * v;
        }
    }

    /** Heap in use after three System.gc() calls (also used by {@link AggregationBenchmark}). */
    static long usedHeapAfterGc() {
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
