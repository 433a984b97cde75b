package io.fedlead.core.strategy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs with the vector kernel; {@link StreamingAggregatorScalarTest} runs every test again with the scalar one. */
class StreamingAggregatorTest {
    /** The kernel under test. */
    boolean vector() {
        return true;
    }

    StreamingAggregator create(ModelLayout layout, Weighting weighting) {
        return create(layout, weighting, StreamingAggregator.Options.defaults());
    }

    StreamingAggregator create(ModelLayout layout, Weighting weighting, StreamingAggregator.Options options) {
        return new StreamingAggregator(layout, weighting, options, vector());
    }

    @Test
    void kernel_isTheOneUnderTest() {
        if (vector()) {
            assertTrue(StreamingAggregator.VECTOR_MODULE, "the build runs tests with --add-modules jdk.incubator.vector; "
                    + "add it to the JVM options to run this test outside Maven");
        }
        String kernel = create(TINY, Weighting.UNIFORM).kernel();
        assertEquals(vector() ? "vector (" : "scalar", kernel.substring(0, vector() ? 8 : 6), kernel);
    }

    @Test
    void withoutVectorModule_scalarKernelRuns() throws Exception {
        // A JVM without --add-modules jdk.incubator.vector (java -jar, an IDE, an embedding application) must get
        // the scalar kernel, not a NoClassDefFoundError from the vector one.
        Assumptions.assumeTrue(vector(), "run once");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NoVectorModuleMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("default kernel: scalar (run the JVM with --add-modules jdk.incubator.vector"), out);
        assertTrue(out.contains("kernel: scalar") && out.contains("mean: [2.0, 3.0, 4.0]"), out);
    }

    @Test
    void accept_chunkInMuchLargerArray_copiedNotRetained() {
        // A 64 KB payload inside a 1 MB array (a message padded with unknown fields): keeping a view would pin the
        // whole array, so the receiver must copy it. Observable: overwriting the array after accept() does not
        // change what is folded.
        int size = StreamingAggregator.MIN_RETAINED_BYTES / 4;
        ModelLayout layout = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        float[] u = new float[size];
        java.util.Arrays.fill(u, 0.5f);
        byte[] padded = new byte[1 << 20];
        System.arraycopy(bytes(u), 0, padded, 4096, 4 * size);
        StreamingAggregator agg = create(layout, Weighting.UNIFORM);
        UpdateReceiver r = agg.begin("padded", 1);
        r.accept(ByteBuffer.wrap(padded, 4096, 4 * size));
        java.util.Arrays.fill(padded, (byte) 0x7f);
        r.finish();
        assertArrayEquals(u, agg.mean());
    }

    @Test
    void finish_weightTimesNormCouldOverflowFloatSum_rejected() {
        StreamingAggregator agg = create(TINY, Weighting.EXAMPLES);
        submit(agg, "honest", new WeightedUpdate(new float[]{1f, 1f, 1f}, 10), 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> submit(agg, "huge", new WeightedUpdate(new float[]{1e20f, 0f, 0f}, 1_000_000_000_000L), 4));
        assertTrue(e.getMessage().contains("could overflow the float sum"), e.getMessage());
        assertArrayEquals(new float[]{1f, 1f, 1f}, agg.mean());
    }

    @Test
    void vectorAndScalarKernels_bitIdenticalSumsAndNorms() {
        // Same updates, odd chunking (split floats, staged and retained chunks), both kernels: the fold does the
        // same float operations per element in the same order, so the sums must agree bit for bit; the norms
        // come from differently ordered float accumulations and agree to float precision.
        int size = StreamingAggregator.STRIPE_FLOATS + 3 * StreamingAggregator.BLOCK_FLOATS + 13;
        ModelLayout big = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        List<WeightedUpdate> updates = randomUpdates(5, size, 41);
        StreamingAggregator scalar = new StreamingAggregator(big, Weighting.EXAMPLES,
                StreamingAggregator.Options.defaults(), false);
        StreamingAggregator mine = create(big, Weighting.EXAMPLES);
        for (int k = 0; k < updates.size(); k++) {
            AcceptedUpdate a = submit(scalar, "c" + k, updates.get(k), 65_539);
            AcceptedUpdate b = submit(mine, "c" + k, updates.get(k), 65_539);
            assertEquals(a.l2Norm(), b.l2Norm(), 1e-6 * a.l2Norm(), "client " + k);
        }
        assertArrayEquals(scalar.sumDividedBy(1), mine.sumDividedBy(1));
    }
    // 50*20 + 20 = 1020 parameters in two named tensors.
    private static final ModelLayout LAYOUT = new ModelLayout(List.of(
            new TensorSpec("0_W", List.of(50L, 20L)), new TensorSpec("0_b", List.of(20L))));
    private static final ModelLayout TINY = new ModelLayout(List.of(
            new TensorSpec("w", List.of(2L)), new TensorSpec("b", List.of(1L))));

    private static byte[] bytes(float[] values) {
        return new ModelWeights(new ModelLayout(List.of(new TensorSpec("x", List.of((long) values.length)))), values)
                .toLittleEndianBytes();
    }

    private static List<WeightedUpdate> randomUpdates(int count, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightedUpdate> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            float[] u = new float[size];
            for (int i = 0; i < size; i++) {
                u[i] = (float) (rng.nextDouble(-1, 1) * (k + 1));
            }
            out.add(new WeightedUpdate(u, 1 + rng.nextInt(1000)));
        }
        return out;
    }

    /** Sends the payload in chunks of chunkSize bytes (the last one shorter). */
    private static AcceptedUpdate submit(StreamingAggregator agg, String client, WeightedUpdate u, int chunkSize) {
        UpdateReceiver r = agg.begin(client, u.exampleCount());
        byte[] b = bytes(u.update());
        for (int off = 0; off < b.length; off += chunkSize) {
            r.accept(ByteBuffer.wrap(b, off, Math.min(chunkSize, b.length - off)));
        }
        return r.finish();
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), "index " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 12, 4096, 1, 3, 7, 1001})
    void mean_randomUpdatesAnyChunkSize_equalsFedAvg(int chunkSize) {
        List<WeightedUpdate> updates = randomUpdates(10, LAYOUT.parameterCount(), chunkSize);
        for (Weighting weighting : Weighting.values()) {
            StreamingAggregator agg = create(LAYOUT, weighting);
            for (int k = 0; k < updates.size(); k++) {
                submit(agg, "c" + k, updates.get(k), chunkSize);
            }
            assertEquals(10, agg.acceptedCount());
            assertClose(FedAvg.aggregate(updates, weighting), agg.mean(), 1e-6);
        }
    }

    @Test
    void mean_threeClientsByExamples_handComputed() {
        StreamingAggregator agg = create(TINY, Weighting.EXAMPLES);
        submit(agg, "a", new WeightedUpdate(new float[]{1f, 2f, 0f}, 1), 4);
        submit(agg, "b", new WeightedUpdate(new float[]{3f, 0f, 8f}, 2), 4);
        AcceptedUpdate last = submit(agg, "c", new WeightedUpdate(new float[]{-1f, 4f, 0f}, 5), 4);
        assertEquals(3, last.acceptedIndex());
        assertEquals(5.0, last.weight());
        assertEquals(Math.sqrt(17), last.l2Norm(), 1e-12);
        assertEquals(8.0, agg.weightTotal());
        assertArrayEquals(new float[]{0.25f, 2.75f, 2f}, agg.mean());
    }

    @Test
    void sumDividedBy_uniform_fixedDenominator() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM);
        submit(agg, "a", new WeightedUpdate(new float[]{1f, 2f, 0f}, 1), 4);
        submit(agg, "b", new WeightedUpdate(new float[]{3f, 0f, 8f}, 2), 4);
        submit(agg, "c", new WeightedUpdate(new float[]{-1f, 4f, 0f}, 5), 4);
        assertEquals(3.0, agg.weightTotal());
        assertArrayEquals(new float[]{0.75f, 1.5f, 2f}, agg.sumDividedBy(4.0));
        assertArrayEquals(FedAvg.fixedDenominator(List.of(new float[]{1f, 2f, 0f}, new float[]{3f, 0f, 8f},
                new float[]{-1f, 4f, 0f}), 4.0), agg.sumDividedBy(4.0));
    }

    @Test
    void sumDividedBy_smallUpdatesAfterHugeOne_compensatedSumKeepsThem() {
        // 2^24 + 1 rounds back to 2^24 in float, so a plain float sum would stay at 16777216 forever; the
        // compensated sum must reach 2^24 + 100 = 16777316 (a float, since it is even).
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM,
                new StreamingAggregator.Options(1, OptionalDouble.empty()));
        submit(agg, "big", new WeightedUpdate(new float[]{16777216f, 0f, 0f}, 1), 12);
        for (int k = 0; k < 100; k++) {
            submit(agg, "one" + k, new WeightedUpdate(new float[]{1f, 0.1f, -1f}, 1), 12);
        }
        float[] sum = agg.sumDividedBy(1.0);
        assertEquals(16777316f, sum[0], 0f);
        assertEquals(10f, sum[1], 1e-6f);
        assertEquals(-100f, sum[2], 0f);
    }

    @Test
    void sumDividedBy_noUpdates_zeros() {
        assertArrayEquals(new float[3], create(TINY, Weighting.UNIFORM).sumDividedBy(2.5));
    }

    @Test
    void mean_noUpdates_illegalState() {
        assertThrows(IllegalStateException.class, () -> create(TINY, Weighting.UNIFORM).mean());
    }

    @Test
    void finish_nanInSecondTensor_rejectedNamingTensorAndSumUnchanged() {
        StreamingAggregator agg = create(LAYOUT, Weighting.UNIFORM);
        List<WeightedUpdate> good = randomUpdates(2, LAYOUT.parameterCount(), 5);
        submit(agg, "good0", good.get(0), 4096);
        submit(agg, "good1", good.get(1), 4096);
        float[] before = agg.mean();

        float[] bad = good.get(0).update().clone();
        bad[1000 + 3] = Float.NaN;   // 0_b element 3
        bad[1010] = Float.POSITIVE_INFINITY;
        var e = assertThrows(IllegalArgumentException.class,
                () -> submit(agg, "bad", new WeightedUpdate(bad, 1), 4096));
        assertTrue(e.getMessage().contains("index 1003") && e.getMessage().contains("tensor '0_b' element 3")
                && e.getMessage().contains("NaN") && e.getMessage().contains("client bad"), e.getMessage());
        assertEquals(2, agg.acceptedCount());
        assertEquals(2.0, agg.weightTotal());
        assertArrayEquals(before, agg.mean());
    }

    @Test
    void finish_infinityInFirstTensor_rejectedNamingTensor() {
        StreamingAggregator agg = create(LAYOUT, Weighting.UNIFORM);
        float[] bad = new float[LAYOUT.parameterCount()];
        bad[21] = Float.NEGATIVE_INFINITY;
        var e = assertThrows(IllegalArgumentException.class,
                () -> submit(agg, "x", new WeightedUpdate(bad, 1), 12));
        assertTrue(e.getMessage().contains("-Infinity at index 21 (tensor '0_W' element 21)"), e.getMessage());
        assertEquals(0, agg.acceptedCount());
        assertArrayEquals(new float[LAYOUT.parameterCount()], agg.sumDividedBy(1));
    }

    @Test
    void finish_hugeFiniteValues_acceptedWithExactNorm() {
        // 1e20^2 overflows float: the float-accumulated validation must fall back, not call this non-finite.
        StreamingAggregator agg = create(LAYOUT, Weighting.UNIFORM);
        float[] u = new float[LAYOUT.parameterCount()];
        u[5] = 3e20f;
        u[1019] = -4e20f;
        AcceptedUpdate a = submit(agg, "huge", new WeightedUpdate(u, 1), 4096);
        assertEquals(Math.hypot(3e20f, -4e20f), a.l2Norm(), 1e-12 * a.l2Norm());
    }

    @Test
    void finish_randomUpdate_normMatchesDoubleComputation() {
        WeightedUpdate u = randomUpdates(1, LAYOUT.parameterCount(), 11).get(0);
        double exact = 0;
        for (float v : u.update()) {
            exact += (double) v * v;
        }
        AcceptedUpdate a = submit(create(LAYOUT, Weighting.UNIFORM), "c", u, 7);
        assertEquals(Math.sqrt(exact), a.l2Norm(), 1e-6 * Math.sqrt(exact));
    }

    @Test
    void finish_tooFewBytes_rejectedWithCounts() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM);
        UpdateReceiver r = agg.begin("a", 1);
        r.accept(ByteBuffer.wrap(new byte[10]));
        var e = assertThrows(IllegalArgumentException.class, r::finish);
        assertTrue(e.getMessage().contains("10 bytes, expected 12"), e.getMessage());
        assertEquals(0, agg.acceptedCount());
    }

    @Test
    void accept_tooManyBytes_rejectedImmediatelyAndSlotReleased() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM,
                new StreamingAggregator.Options(1, OptionalDouble.empty()));
        UpdateReceiver r = agg.begin("a", 1);
        r.accept(ByteBuffer.wrap(new byte[8]));
        var e = assertThrows(IllegalArgumentException.class, () -> r.accept(ByteBuffer.wrap(new byte[8])));
        assertTrue(e.getMessage().contains("exceeds the expected 12 bytes") && e.getMessage().contains("16"),
                e.getMessage());
        assertEquals(1, agg.availableUploadSlots());
        assertThrows(IllegalStateException.class, r::finish);
        submit(agg, "a", new WeightedUpdate(new float[]{1f, 2f, 3f}, 1), 4); // the client may retry
        assertArrayEquals(new float[]{1f, 2f, 3f}, agg.mean());
    }

    @Test
    void finish_normAboveBound_rejected() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM,
                new StreamingAggregator.Options(2, OptionalDouble.of(4.9)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> submit(agg, "a", new WeightedUpdate(new float[]{3f, 4f, 0f}, 1), 4));
        assertTrue(e.getMessage().contains("L2 norm 5.0 exceeds the bound 4.9"), e.getMessage());
        submit(agg, "b", new WeightedUpdate(new float[]{3f, 0f, 0f}, 1), 4);
        assertEquals(1, agg.acceptedCount());
    }

    @Test
    void accept_bigEndianDirectBuffer_decodedAsLittleEndianAndConsumed() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM);
        byte[] b = bytes(new float[]{1.5f, -2f, 7f});
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).order(ByteOrder.BIG_ENDIAN);
        direct.put(b).flip();
        UpdateReceiver r = agg.begin("a", 1);
        r.accept(direct);
        assertEquals(0, direct.remaining());
        assertEquals(ByteOrder.BIG_ENDIAN, direct.order());
        assertEquals(12, r.bytesReceived());
        r.finish();
        assertArrayEquals(new float[]{1.5f, -2f, 7f}, agg.mean());
    }

    @Test
    void begin_allSlotsBusy_failsFastUntilOneIsReleased() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM,
                new StreamingAggregator.Options(2, OptionalDouble.empty()));
        UpdateReceiver a = agg.begin("a", 1);
        agg.begin("b", 1);
        var e = assertThrows(IllegalStateException.class, () -> agg.begin("c", 1));
        assertTrue(e.getMessage().contains("all 2 upload slots are busy") && e.getMessage().contains("client c"),
                e.getMessage());
        a.abort();
        a.abort(); // idempotent, must not release a second slot
        assertEquals(1, agg.availableUploadSlots());
        agg.begin("c", 1);
        assertEquals(0, agg.availableUploadSlots());
    }

    @Test
    void begin_sameClientTwice_rejectedUntilFirstAborted() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM);
        UpdateReceiver first = agg.begin("a", 1);
        var e = assertThrows(IllegalStateException.class, () -> agg.begin("a", 1));
        assertTrue(e.getMessage().contains("client a already"), e.getMessage());
        first.abort();
        submit(agg, "a", new WeightedUpdate(new float[]{1f, 1f, 1f}, 1), 4);
        assertThrows(IllegalStateException.class, () -> agg.begin("a", 1), "accepted this round");
    }

    @Test
    void begin_zeroExamplesWithExampleWeighting_rejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> create(TINY, Weighting.EXAMPLES).begin("a", 0));
        assertTrue(e.getMessage().contains("client a") && e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void reset_clearsSumAndStaleUploadCannotFinish() {
        StreamingAggregator agg = create(TINY, Weighting.UNIFORM);
        submit(agg, "a", new WeightedUpdate(new float[]{1f, 1f, 1f}, 1), 4);
        UpdateReceiver stale = agg.begin("b", 1);
        stale.accept(ByteBuffer.wrap(bytes(new float[]{5f, 5f, 5f})));
        agg.reset();
        assertEquals(0, agg.acceptedCount());
        assertEquals(0.0, agg.weightTotal());
        var e = assertThrows(IllegalStateException.class, stale::finish);
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
        submit(agg, "a", new WeightedUpdate(new float[]{2f, 4f, 6f}, 1), 4); // "a" may send again next round
        assertArrayEquals(new float[]{2f, 4f, 6f}, agg.mean());
        assertEquals(StreamingAggregator.Options.DEFAULT_MAX_CONCURRENT_UPLOADS, agg.availableUploadSlots());
    }

    @Test
    void finish_eightConcurrentUploaders_equalsSequential() throws Exception {
        int clients = 64;
        List<WeightedUpdate> updates = randomUpdates(clients, LAYOUT.parameterCount(), 77);
        StreamingAggregator sequential = create(LAYOUT, Weighting.EXAMPLES);
        for (int k = 0; k < clients; k++) {
            submit(sequential, "c" + k, updates.get(k), 1001);
        }
        StreamingAggregator concurrent = create(LAYOUT, Weighting.EXAMPLES,
                new StreamingAggregator.Options(8, OptionalDouble.empty()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int k = thread; k < clients; k += 8) {
                        submit(concurrent, "c" + k, updates.get(k), 1001);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(clients, concurrent.acceptedCount());
        assertEquals(sequential.weightTotal(), concurrent.weightTotal());
        assertClose(sequential.mean(), concurrent.mean(), 1e-6);
        assertClose(FedAvg.aggregate(updates, Weighting.EXAMPLES), concurrent.mean(), 1e-6);
    }

    @Test
    void mean_duringConcurrentStripedFolds_seesWholeUpdatesOnly() throws Exception {
        // 3 stripes (the last partial); update k is the constant k + 1, so the exact sum is the same at every
        // index, and a mean taken while a fold is half-way through its stripes would differ between stripes.
        int size = 2 * StreamingAggregator.STRIPE_FLOATS + 5;
        ModelLayout big = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        StreamingAggregator agg = create(big, Weighting.UNIFORM,
                new StreamingAggregator.Options(2, OptionalDouble.empty()));
        int clients = 40;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> uploaders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                uploaders.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int k = thread; k < clients; k += 2) {
                        float[] u = new float[size];
                        java.util.Arrays.fill(u, k + 1);
                        submit(agg, "c" + k, new WeightedUpdate(u, 1), 1 << 16);
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int snapshots = 0;
                while (agg.acceptedCount() < clients) {
                    float[] s = agg.sumDividedBy(1);
                    for (int i = 1; i < size; i++) {
                        if (s[i] != s[0]) {
                            throw new AssertionError("torn sum: index 0 has " + s[0] + ", index " + i + " " + s[i]);
                        }
                    }
                    snapshots++;
                }
                return snapshots;
            });
            start.countDown();
            for (Future<?> f : uploaders) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(reader.get(30, TimeUnit.SECONDS) >= 0);
        } finally {
            pool.shutdownNow();
        }
        // (1 + ... + 40) / 40 = 20.5 at every index, exactly.
        float[] expected = new float[size];
        java.util.Arrays.fill(expected, 20.5f);
        assertArrayEquals(expected, agg.mean());
    }

    @Test
    void finish_largeUpdateAcrossManyLaneDrains_normAndMeanMatchDouble() {
        // 300,001 floats in 100,003-byte chunks: floats split across chunks, and many 1024-value blocks of the
        // float-accumulated sum of squares.
        int size = 300_001;
        ModelLayout big = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        List<WeightedUpdate> updates = randomUpdates(3, size, 21);
        StreamingAggregator agg = create(big, Weighting.EXAMPLES);
        for (int k = 0; k < updates.size(); k++) {
            double exact = 0;
            for (float v : updates.get(k).update()) {
                exact += (double) v * v;
            }
            AcceptedUpdate a = submit(agg, "c" + k, updates.get(k), 100_003);
            assertEquals(Math.sqrt(exact), a.l2Norm(), 1e-6 * Math.sqrt(exact), "client " + k);
        }
        assertClose(FedAvg.aggregate(updates, Weighting.EXAMPLES), agg.mean(), 1e-6);
    }

    @Test
    void finish_mixedChunkSizesHeapAndDirect_equalFedAvgAndExactNorm() {
        // Chunk lengths cycle through sizes below and above the 64 KB retain threshold, odd lengths that split
        // floats between a staged and a retained chunk, and one just under the threshold; every other chunk is a
        // direct buffer. Exercises staging, sealing, retained views, one-float carry segments and the rotated
        // fold start (4 stripes).
        int size = 3 * StreamingAggregator.STRIPE_FLOATS + 1001;
        ModelLayout big = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        int[] lengths = {1, 70_001, 3, 65_536, 131_075, 2, 5, StreamingAggregator.MIN_RETAINED_BYTES - 1, 300_000};
        List<WeightedUpdate> updates = randomUpdates(4, size, 31);
        StreamingAggregator agg = create(big, Weighting.EXAMPLES);
        for (int k = 0; k < updates.size(); k++) {
            UpdateReceiver r = agg.begin("c" + k, updates.get(k).exampleCount());
            byte[] b = bytes(updates.get(k).update());
            int chunk = 0;
            for (int off = 0; off < b.length; chunk++) {
                int n = Math.min(lengths[(chunk + k) % lengths.length], b.length - off);
                ByteBuffer piece;
                if (chunk % 2 == 0) {
                    piece = ByteBuffer.wrap(b, off, n);
                } else {
                    piece = ByteBuffer.allocateDirect(n);
                    piece.put(b, off, n).flip();
                }
                r.accept(piece);
                off += n;
            }
            double exact = 0;
            for (float v : updates.get(k).update()) {
                exact += (double) v * v;
            }
            AcceptedUpdate a = r.finish();
            assertEquals(Math.sqrt(exact), a.l2Norm(), 1e-6 * Math.sqrt(exact), "client " + k);
        }
        assertClose(FedAvg.aggregate(updates, Weighting.EXAMPLES), agg.mean(), 1e-6);
    }

    @Test
    void finish_nanInRetainedChunk_rejectedWithIndexAndSumUnchanged() {
        int size = 2 * StreamingAggregator.STRIPE_FLOATS;
        ModelLayout big = new ModelLayout(List.of(new TensorSpec("w", List.of((long) size))));
        StreamingAggregator agg = create(big, Weighting.UNIFORM);
        float[] ones = new float[size];
        java.util.Arrays.fill(ones, 1f);
        submit(agg, "good", new WeightedUpdate(ones, 1), 1 << 18);
        float[] bad = ones.clone();
        bad[size - 7] = Float.NEGATIVE_INFINITY;
        var e = assertThrows(IllegalArgumentException.class,
                () -> submit(agg, "bad", new WeightedUpdate(bad, 1), 1 << 18));
        assertTrue(e.getMessage().contains("-Infinity at index " + (size - 7)) && e.getMessage().contains("'w'"),
                e.getMessage());
        assertArrayEquals(ones, agg.sumDividedBy(1));
    }

    @Test
    void abort_afterPartialUpload_pooledBuffersDoNotLeakIntoNextUpload() {
        // One slot, so the next upload reuses the aborted one's pooled buffers; any state left from the aborted
        // partial upload (500 x 1000^2 = 5e8 of squares) would change the next norm.
        StreamingAggregator agg = create(LAYOUT, Weighting.UNIFORM,
                new StreamingAggregator.Options(1, OptionalDouble.empty()));
        float[] large = new float[LAYOUT.parameterCount()];
        java.util.Arrays.fill(large, 1000f);
        UpdateReceiver aborted = agg.begin("a", 1);
        aborted.accept(ByteBuffer.wrap(bytes(large), 0, 2000));
        aborted.abort();
        float[] ones = new float[LAYOUT.parameterCount()];
        java.util.Arrays.fill(ones, 1f);
        AcceptedUpdate a = submit(agg, "b", new WeightedUpdate(ones, 1), 4096);
        assertEquals(Math.sqrt(1020), a.l2Norm(), 1e-9);
        assertArrayEquals(ones, agg.mean());
    }
}
