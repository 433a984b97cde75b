package io.fedlead.core.strategy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Coordinator-side FedAvg over streamed updates in O(model size) memory, whatever the number of clients: a
 * running weighted sum, the weight total and the count. An upload in progress keeps its own wire chunks (no
 * decoded copy) until it is folded in or discarded.
 *
 * <p>Memory: 8 bytes per parameter for the sum (two float arrays), plus, per upload in progress (at most
 * {@code maxConcurrentUploads}), the chunks it has received: up to 4 bytes per parameter (plus 1/64 slack) of
 * arrays the transport already allocated for the messages, kept until finish/abort instead of dropped (a chunk
 * whose array is much larger than its payload is copied instead, see {@code retainable}), at most one 256 KB
 * staging buffer for short chunks, and 16 KB of decode buffers with the scalar kernel. For 1M parameters and 4
 * slots: 8 MB + at most about 17 MB.
 *
 * <p>Decisions (numbers in BENCHMARKS-aggregation.md):
 * <ul>
 *   <li>Two passes over the wire bytes, no scratch copy of the update. Pass 1 runs as each chunk arrives: its
 *   floats are decoded 2048 at a time into an L1-resident block and squared into 2048 float lanes (an
 *   element-wise loop C2 vectorises; a reduction it would not). finish() checks the total (finite, optional L2
 *   bound) and only then runs pass 2: decode the chunks again block by block and fold each block into the sum.
 *   Against decoding into a 4 MB scratch array and folding from it, this drops a 4 MB write and re-read per
 *   update and keeps every fold operand in L1; it measured 2.7-3.6 vs 2.2-3.0 GB/s with one uploader.</li>
 *   <li>The running sum is a Kahan-compensated pair of float arrays (sum and compensation), not a
 *   {@code double[]}: Java 17's C2 does not vectorise float-to-double conversion, so a double fold measured 3-6x
 *   slower than a float one, while a plain float sum loses up to count * 2^-24 relative precision. Kahan
 *   summation keeps the error within about 2 * 2^-24 * sum|w x| whatever the count, i.e. about the final
 *   float rounding, at the same 8 bytes per parameter as double, and its loop vectorises. Weights are applied
 *   in float ((float) exampleCount, exact below 2^24). The sum is stored in blocks of {@value #BLOCK_FLOATS}
 *   floats so that the fold loop indexes its three arrays alike (C2 does not vectorise {@code s[off + i] += x[i]}).</li>
 *   <li>Chunks may have any byte length: a float split across chunks becomes a one-float segment, and chunks
 *   shorter than {@value #MIN_RETAINED_BYTES} bytes are gathered into a staging buffer, so neither the framing
 *   nor a client sending one byte per message can make the number of retained pieces large.</li>
 *   <li>{@link #begin} never blocks: when all upload slots are busy it throws {@link IllegalStateException}
 *   at once, so a gRPC thread is never parked; the coordinator answers RESOURCE_EXHAUSTED and the client
 *   retries with backoff.</li>
 *   <li>Validation runs outside any lock, in parallel across uploads. The fold is striped: the sum is cut into
 *   stripes of {@value #STRIPE_FLOATS} floats, each with its own lock; a fold holds one stripe lock at a time
 *   (so no lock order is needed) and each fold starts at a different stripe, so concurrent folds work on
 *   different stripes instead of queueing behind one another (2 uploaders: 5.7-6.0 GB/s against 4.7-4.8 when
 *   every fold started at stripe 0). Folds hold the read side of a read-write lock and {@link #mean()},
 *   {@link #sumDividedBy} and {@link #reset()} the write side, so readers see every update wholly or not at
 *   all. Arrival order still changes the float result in its last bits, as any floating-point sum does.</li>
 * </ul>
 */
public final class StreamingAggregator {
    /**
     * Tuning of a {@link StreamingAggregator}.
     *
     * @param maxConcurrentUploads uploads that may be in progress at once (each retains its chunks), >= 1
     * @param maxL2Norm            optional bound on the L2 norm of a received payload; larger ones are rejected
     */
    public record Options(int maxConcurrentUploads, OptionalDouble maxL2Norm) {
        public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

        public Options {
            if (maxConcurrentUploads < 1) {
                throw new IllegalArgumentException("max concurrent uploads must be >= 1, got " + maxConcurrentUploads);
            }
            Objects.requireNonNull(maxL2Norm, "maxL2Norm");
            if (maxL2Norm.isPresent() && !(maxL2Norm.getAsDouble() > 0)) {
                throw new IllegalArgumentException("max L2 norm must be > 0, got " + maxL2Norm.getAsDouble());
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_MAX_CONCURRENT_UPLOADS, OptionalDouble.empty());
        }
    }

    private final ModelLayout layout;
    private final Weighting weighting;
    private final Options options;
    /** Whether the Vector API kernel ({@link VectorFold}) is used; otherwise the scalar one. */
    private final boolean vector;
    private final int parameterCount;
    private final long expectedBytes;
    /** Start index of each tensor in the flat vector, for naming a bad value's tensor. */
    private final long[] tensorStarts;

    private final Semaphore uploadSlots;

    /** Floats per sum block: 8 KB, so a decoded block, its sum and its compensation sit in L1 together. */
    static final int BLOCK_FLOATS = 2048;
    /** Sum blocks per fold stripe: 32 x 2048 floats = 256 KB of sum and 256 KB of compensation per lock. */
    static final int BLOCKS_PER_STRIPE = 32;
    /** Floats per fold stripe. */
    static final int STRIPE_FLOATS = BLOCK_FLOATS * BLOCKS_PER_STRIPE;
    /** Full blocks squared into the validation lanes between drains into double: each lane adds 128 squares. */
    private static final int LANE_DRAIN_BLOCKS = 128;
    /**
     * Whether the JVM has the Vector API module, i.e. {@link VectorFold} can be loaded. Asked of the module layer,
     * never of VectorFold itself: loading that class without the module throws NoClassDefFoundError.
     */
    static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /**
     * Largest weight x L2 norm accepted. A clipped and noised update has a norm around C z sqrt(d), nowhere near
     * this; the bound keeps the float sum of up to 2^31 such updates below Float.MAX_VALUE (3.4e38), so one
     * client with a huge example count or huge (finite) values cannot turn the sum into infinity or NaN.
     */
    static final double MAX_WEIGHTED_NORM = 1e28;
    /** Chunks shorter than this are copied into a staging buffer instead of being retained one by one. */
    static final int MIN_RETAINED_BYTES = 64 * 1024;
    /** Size of a staging buffer for short chunks. */
    private static final int STAGING_BYTES = 256 * 1024;

    /** Read side: a fold in progress; write side: reading or clearing the sum as a whole. */
    private final ReentrantReadWriteLock sumGate = new ReentrantReadWriteLock();
    /** stripeLocks[s] guards the sum and compensation blocks [s * BLOCKS_PER_STRIPE, (s + 1) * BLOCKS_PER_STRIPE). */
    private final Object[] stripeLocks;
    /** Numbers the folds, to spread their starting stripes (see {@link Receiver#fold}). */
    private final java.util.concurrent.atomic.AtomicLong foldSequence = new java.util.concurrent.atomic.AtomicLong();
    // The running sum is sum - compensation (Kahan), stored as BLOCK_FLOATS-float blocks (the last one shorter);
    // guarded by sumGate + stripeLocks.
    private final float[][] sum;
    private final float[][] compensation;
    private final Object lock = new Object();
    // Guarded by lock (and changed by reset only under sumGate's write side).
    private double weightTotal;
    private int acceptedCount;
    private long generation;
    /** Clients with an upload in progress or accepted in the current generation; replaced on reset. */
    private Set<String> clientsThisRound = ConcurrentHashMap.newKeySet();

    public StreamingAggregator(ModelLayout layout, Weighting weighting) {
        this(layout, weighting, Options.defaults());
    }

    /**
     * Uses the Vector API kernel when the JVM runs with {@code --add-modules jdk.incubator.vector} (unless the
     * system property {@code fedlead.aggregator.scalar} is true), else the scalar kernel. Both fold with the same
     * float operations in the same order, so their sums are bit-identical; the L2 norms they report agree to
     * about 1e-6 (different accumulation order), so an update within that of {@code maxL2Norm} may be judged
     * differently by the two.
     */
    public StreamingAggregator(ModelLayout layout, Weighting weighting, Options options) {
        this(layout, weighting, options, VECTOR_MODULE && !Boolean.getBoolean("fedlead.aggregator.scalar"));
    }

    /** With an explicit kernel (tests run both). */
    StreamingAggregator(ModelLayout layout, Weighting weighting, Options options, boolean vector) {
        if (vector && !VECTOR_MODULE) {
            throw new IllegalStateException("the vector kernel needs the JVM option --add-modules jdk.incubator.vector");
        }
        this.vector = vector;
        this.layout = Objects.requireNonNull(layout, "layout");
        this.weighting = Objects.requireNonNull(weighting, "weighting");
        this.options = Objects.requireNonNull(options, "options");
        this.parameterCount = layout.parameterCount();
        this.expectedBytes = layout.byteSize();
        this.tensorStarts = new long[layout.tensors().size()];
        long start = 0;
        for (int t = 0; t < tensorStarts.length; t++) {
            tensorStarts[t] = start;
            start += layout.tensors().get(t).size();
        }
        this.uploadSlots = new Semaphore(options.maxConcurrentUploads());
        int blocks = (int) (((long) parameterCount + BLOCK_FLOATS - 1) / BLOCK_FLOATS);
        this.sum = new float[blocks][];
        this.compensation = new float[blocks][];
        for (int b = 0; b < blocks; b++) {
            int length = Math.min(BLOCK_FLOATS, parameterCount - b * BLOCK_FLOATS);
            sum[b] = new float[length];
            compensation[b] = new float[length];
        }
        this.stripeLocks = new Object[Math.max(1, (blocks + BLOCKS_PER_STRIPE - 1) / BLOCKS_PER_STRIPE)];
        for (int k = 0; k < stripeLocks.length; k++) {
            stripeLocks[k] = new Object();
        }
    }

    /** The fold kernel in use, for logs: "vector (256-bit vectors, 8 floats)" or "scalar". */
    public String kernel() {
        return describeKernel(vector);
    }

    /**
     * The kernel new aggregators in this JVM get, for the coordinator's start-up log: "vector (...)", or "scalar
     * (...)" with the JVM option that enables the vector one.
     */
    public static String defaultKernel() {
        boolean vector = VECTOR_MODULE && !Boolean.getBoolean("fedlead.aggregator.scalar");
        return vector ? describeKernel(true) : VECTOR_MODULE ? "scalar (fedlead.aggregator.scalar=true)"
                : "scalar (run the JVM with --add-modules jdk.incubator.vector for the vector kernel, ~1.4x faster)";
    }

    private static String describeKernel(boolean vector) {
        return vector ? "vector (" + VectorFold.describe() + ")" : "scalar";
    }

    public ModelLayout layout() {
        return layout;
    }

    public Weighting weighting() {
        return weighting;
    }

    /**
     * Starts receiving one client's update.
     *
     * @param exampleCount examples the client trained on: > 0 for {@link Weighting#EXAMPLES}, >= 0 for uniform
     * @throws IllegalArgumentException if the example count is out of range
     * @throws IllegalStateException    if the client already has an upload in progress or accepted this round,
     *                                  or all {@code maxConcurrentUploads} slots are busy (never blocks)
     */
    public UpdateReceiver begin(String clientId, long exampleCount) {
        Objects.requireNonNull(clientId, "clientId");
        long minCount = weighting == Weighting.EXAMPLES ? 1 : 0;
        if (exampleCount < minCount) {
            throw new IllegalArgumentException("client " + clientId + ": example count must be >= " + minCount
                    + " with " + weighting + " weighting, got " + exampleCount);
        }
        long gen;
        Set<String> clients;
        synchronized (lock) {
            gen = generation;
            clients = clientsThisRound;
        }
        if (!clients.add(clientId)) {
            throw new IllegalStateException("client " + clientId
                    + " already has an upload in progress or accepted this round");
        }
        if (!uploadSlots.tryAcquire()) {
            clients.remove(clientId);
            throw new IllegalStateException("all " + options.maxConcurrentUploads()
                    + " upload slots are busy; client " + clientId + " must retry later");
        }
        float weight = weighting == Weighting.EXAMPLES ? (float) exampleCount : 1f;
        return new Receiver(clientId, exampleCount, weight, gen, clients);
    }

    /** Updates folded into the sum since construction or the last {@link #reset()}. */
    public int acceptedCount() {
        synchronized (lock) {
            return acceptedCount;
        }
    }

    /** Sum of the weights of the accepted updates (example counts, or the count when uniform). */
    public double weightTotal() {
        synchronized (lock) {
            return weightTotal;
        }
    }

    /**
     * The weighted mean of the accepted updates, sum / weightTotal, rounded to float once.
     *
     * @throws IllegalStateException if no update was accepted
     */
    public float[] mean() {
        Lock all = sumGate.writeLock();
        all.lock();
        try {
            double total;
            synchronized (lock) {
                if (acceptedCount == 0) {
                    throw new IllegalStateException("no update accepted yet; the mean is undefined");
                }
                total = weightTotal;
            }
            return divide(total);
        } finally {
            all.unlock();
        }
    }

    /**
     * The sum divided by a caller-chosen denominator, e.g. the expected participant count q*N of DP-FedAvg's
     * fixed-denominator estimator (use with {@link Weighting#UNIFORM}). Zero accepted updates give zeros.
     *
     * @throws IllegalArgumentException if the denominator is not finite and > 0
     */
    public float[] sumDividedBy(double denominator) {
        if (!(denominator > 0) || Double.isInfinite(denominator)) {
            throw new IllegalArgumentException("denominator must be finite and > 0, got " + denominator);
        }
        Lock all = sumGate.writeLock();
        all.lock();
        try {
            return divide(denominator);
        } finally {
            all.unlock();
        }
    }

    /**
     * Clears the sum, weight total, count and client set for the next round. Uploads begun before the reset
     * can no longer be folded in: their {@code finish()} throws {@link IllegalStateException}.
     */
    public void reset() {
        Lock all = sumGate.writeLock();
        all.lock();
        try {
            for (int b = 0; b < sum.length; b++) {
                java.util.Arrays.fill(sum[b], 0f);
                java.util.Arrays.fill(compensation[b], 0f);
            }
            synchronized (lock) {
                weightTotal = 0;
                acceptedCount = 0;
                generation++;
                clientsThisRound = ConcurrentHashMap.newKeySet();
            }
        } finally {
            all.unlock();
        }
    }

    /** Upload slots free right now (diagnostics). */
    public int availableUploadSlots() {
        return uploadSlots.availablePermits();
    }

    private float[] divide(double denominator) {
        float[] out = new float[parameterCount];
        for (int b = 0; b < sum.length; b++) {
            float[] s = sum[b];
            float[] c = compensation[b];
            int base = b * BLOCK_FLOATS;
            for (int i = 0; i < s.length; i++) {
                out[base + i] = (float) (((double) s[i] - c[i]) / denominator);
            }
        }
        return out;
    }

    /** "tensor '0_W' element 17" for a flat index. */
    private String describeIndex(long index) {
        int t = tensorStarts.length - 1;
        while (t > 0 && tensorStarts[t] > index) {
            t--;
        }
        // Zero-sized tensors share a start with the next one; name the tensor that actually holds the index.
        TensorSpec spec = layout.tensors().get(t);
        return "tensor '" + spec.name() + "' element " + (index - tensorStarts[t]);
    }

    /**
     * Sum of squares of the segments' floats accumulated in double: float squares cannot overflow it, so only
     * NaN/infinity make it non-finite. The slow, exact path, taken only when the fast float pass was not finite.
     */
    private static double exactSumOfSquares(List<ByteBuffer> segments) {
        double total = 0;
        for (ByteBuffer seg : segments) {
            for (int i = 0, n = seg.limit() >>> 2; i < n; i++) {
                float v = seg.getFloat(i << 2);
                total += (double) v * v;
            }
        }
        return total;
    }

    /** Index and value of the first non-finite float across the segments, or -1 (rejection path only). */
    private static long firstNonFinite(List<ByteBuffer> segments, float[] valueOut) {
        long base = 0;
        for (ByteBuffer seg : segments) {
            int n = seg.limit() >>> 2;
            for (int i = 0; i < n; i++) {
                float v = seg.getFloat(i << 2);
                if (!Float.isFinite(v)) {
                    valueOut[0] = v;
                    return base + i;
                }
            }
            base += n;
        }
        return -1;
    }

    /**
     * Kahan-compensated {@code s += weight * x} over {@code [0, length)} of one sum block. Java never
     * reassociates floating-point operations, so the compensation survives JIT compilation; the loop is a plain
     * counted loop over three arrays indexed alike, which C2 vectorises (an offset into one of them would stop
     * it: that is why the sum is stored as blocks).
     */
    private static void foldBlock(float[] s, float[] c, float[] x, float weight, int length) {
        if (weight == 1f) {
            for (int i = 0; i < length; i++) {
                float y = x[i] - c[i];
                float t = s[i] + y;
                c[i] = (t - s[i]) - y;
                s[i] = t;
            }
        } else {
            for (int i = 0; i < length; i++) {
                float y = weight * x[i] - c[i];
                float t = s[i] + y;
                c[i] = (t - s[i]) - y;
                s[i] = t;
            }
        }
    }

    /**
     * One upload. Array-backed chunks are kept, not copied: each chunk's whole floats become a little-endian
     * {@link ByteBuffer} view (a segment) over the caller's array, a float split across two chunks becomes a
     * one-float segment, and chunks shorter than {@link #MIN_RETAINED_BYTES} (or not backed by an accessible
     * array: direct and read-only buffers) are first copied into a staging buffer, so the number of segments stays below about 2 x payload / 64 KB whatever the chunking. Each
     * segment is validated when it arrives (pass 1: its sum of squares, no copy kept); finish() reads the
     * segments again and folds them into the sum block by block (pass 2).
     */
    private final class Receiver implements UpdateReceiver {
        private final String clientId;
        private final long exampleCount;
        private final float weight;
        private final long generationAtBegin;
        private final Set<String> clients;
        /** Whole floats of the payload, in order, as little-endian buffers; null once the receiver is closed. */
        private List<ByteBuffer> segments = new ArrayList<>();
        /** segmentStarts[i] = index of segment i's first float in the payload. */
        private int[] segmentStarts = new int[16];
        private int floats;
        /** Short chunks gathered before they become a segment; null when none are pending. */
        private ByteBuffer staging;
        private long bytes;
        /** Bytes of a float split across chunks, waiting for the rest. */
        private final byte[] carry = new byte[4];
        private int carryLength;
        /**
         * Scalar kernel only (null with the vector kernel): L1-resident decode buffer (both passes) and the
         * validation lanes, lanes[j] summing the squares of block[j].
         */
        private final float[] block = vector ? null : new float[BLOCK_FLOATS];
        private final float[] lanes = vector ? null : new float[BLOCK_FLOATS];
        private int blockFill;
        private int blocksSinceDrain;
        /** Sum of squares of the values validated so far (drained lanes). */
        private double sumOfSquares;

        Receiver(String clientId, long exampleCount, float weight, long generationAtBegin, Set<String> clients) {
            this.clientId = clientId;
            this.exampleCount = exampleCount;
            this.weight = weight;
            this.generationAtBegin = generationAtBegin;
            this.clients = clients;
        }

        @Override
        public void accept(ByteBuffer littleEndianChunk) {
            Objects.requireNonNull(littleEndianChunk, "littleEndianChunk");
            requireOpen();
            int length = littleEndianChunk.remaining();
            if (bytes + length > expectedBytes) {
                close(false);
                throw new IllegalArgumentException("client " + clientId + ": update payload exceeds the expected "
                        + expectedBytes + " bytes (4 x " + parameterCount + " parameters); got at least "
                        + (bytes + length));
            }
            // Our own view, so the caller's position and byte order are left alone until we consume it below.
            ByteBuffer in = littleEndianChunk.slice();
            littleEndianChunk.position(littleEndianChunk.limit());
            bytes += length;
            while (in.hasRemaining()) {
                if ((staging == null || staging.position() == 0) && in.remaining() >= MIN_RETAINED_BYTES
                        && retainable(in)) {
                    ingest(in);
                    return;
                }
                if (staging == null) {
                    staging = ByteBuffer.allocate((int) Math.min(STAGING_BYTES, expectedBytes - bytes + length));
                }
                int n = Math.min(staging.remaining(), in.remaining());
                staging.put(staging.position(), in, in.position(), n);
                staging.position(staging.position() + n);
                in.position(in.position() + n);
                if (!staging.hasRemaining()) {
                    sealStaging();
                }
            }
        }

        /**
         * Whether a chunk may be kept by reference: it must expose its array, and the array must not be much
         * larger than the chunk (at most 1/64 or 4 KB more). Keeping a view keeps the whole array reachable; a
         * client padding each message with megabytes of unknown fields around a 64 KB payload would otherwise make
         * the coordinator hold 64x the model per upload. Such chunks, and views into a larger shared payload
         * (in-process calls), are copied instead.
         */
        private boolean retainable(ByteBuffer in) {
            return in.hasArray() && in.array().length <= (long) in.remaining() + Math.max(4096, in.remaining() >>> 6);
        }

        private void sealStaging() {
            if (staging != null && staging.position() > 0) {
                ByteBuffer full = staging.flip();
                staging = null;
                ingest(full);
            }
        }

        /** Turns a chunk's bytes into segments (completing a split float first) and validates them. */
        private void ingest(ByteBuffer in) {
            if (carryLength > 0) {
                while (carryLength < 4 && in.hasRemaining()) {
                    carry[carryLength++] = in.get();
                }
                if (carryLength < 4) {
                    return;
                }
                float v = Float.intBitsToFloat((carry[0] & 0xff) | (carry[1] & 0xff) << 8
                        | (carry[2] & 0xff) << 16 | (carry[3] & 0xff) << 24);
                carryLength = 0;
                addSegment(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v));
            }
            int whole = in.remaining() >>> 2;
            if (whole > 0) {
                // Every segment is array-backed (retained chunks are, staging buffers are); the vector kernel
                // reads the array. slice() resets the byte order to big-endian, so set it on the slice.
                addSegment(in.slice().limit(whole << 2).order(ByteOrder.LITTLE_ENDIAN));
                in.position(in.position() + (whole << 2));
            }
            while (in.hasRemaining()) {
                carry[carryLength++] = in.get();
            }
        }

        /**
         * Pass 1: the squares of the segment's floats, straight from its bytes (vector kernel) or one L1 block at
         * a time through the lanes (scalar kernel).
         */
        private void addSegment(ByteBuffer segment) {
            int count = segment.limit() >>> 2;
            if (segments.size() == segmentStarts.length) {
                segmentStarts = java.util.Arrays.copyOf(segmentStarts, 2 * segmentStarts.length);
            }
            segmentStarts[segments.size()] = floats;
            segments.add(segment);
            floats += count;
            if (vector) {
                sumOfSquares += VectorFold.sumOfSquares(segment, count);
                return;
            }
            FloatBuffer view = segment.asFloatBuffer();
            for (int i = 0; i < count; ) {
                int k = Math.min(BLOCK_FLOATS - blockFill, count - i);
                view.get(i, block, blockFill, k);
                i += k;
                blockFill += k;
                if (blockFill == BLOCK_FLOATS) {
                    squareBlock(BLOCK_FLOATS);
                }
            }
        }

        /**
         * Adds the squares of block[0, n) to the lanes and drains them into double every 128 blocks. The loop
         * is element-wise (no reduction), so C2 vectorises it; each lane sums at most 128 float squares (relative
         * error at most 128 x 2^-24 = 8e-6, typically ~1e-7) before the drain, so the error does not grow with
         * model size. NaN and infinity propagate into the total; a float square overflows only for |x| > 1.8e19,
         * which finish() tells apart with an exact double pass.
         */
        private void squareBlock(int n) {
            float[] b = block;
            float[] l = lanes;
            for (int j = 0; j < n; j++) {
                l[j] += b[j] * b[j];
            }
            blockFill = 0;
            if (++blocksSinceDrain == LANE_DRAIN_BLOCKS) {
                drainLanes();
            }
        }

        private void drainLanes() {
            double total = 0;
            for (int j = 0; j < BLOCK_FLOATS; j++) {
                total += lanes[j];
                lanes[j] = 0f;
            }
            sumOfSquares += total;
            blocksSinceDrain = 0;
        }

        @Override
        public AcceptedUpdate finish() {
            requireOpen();
            boolean folded = false;
            try {
                sealStaging();
                if (bytes != expectedBytes) {
                    throw new IllegalArgumentException("client " + clientId + ": update payload has " + bytes
                            + " bytes, expected " + expectedBytes + " (4 x " + parameterCount + " parameters)");
                }
                if (!vector) {
                    if (blockFill > 0) {
                        squareBlock(blockFill);
                    }
                    drainLanes();
                }
                double sumSq = sumOfSquares;
                if (!Double.isFinite(sumSq)) {
                    sumSq = exactSumOfSquares(segments);
                }
                if (!Double.isFinite(sumSq)) {
                    float[] value = new float[1];
                    long bad = firstNonFinite(segments, value);
                    throw new IllegalArgumentException("client " + clientId + ": update value " + value[0]
                            + " at index " + bad + " (" + describeIndex(bad) + ") is not finite");
                }
                double norm = Math.sqrt(sumSq);
                if ((double) weight * norm > MAX_WEIGHTED_NORM) {
                    throw new IllegalArgumentException("client " + clientId + ": update L2 norm " + norm + " x weight "
                            + weight + " exceeds " + MAX_WEIGHTED_NORM + ", which could overflow the float sum");
                }
                if (options.maxL2Norm().isPresent() && norm > options.maxL2Norm().getAsDouble()) {
                    throw new IllegalArgumentException("client " + clientId + ": update L2 norm " + norm
                            + " exceeds the bound " + options.maxL2Norm().getAsDouble());
                }
                int index;
                Lock folding = sumGate.readLock();
                folding.lock();
                try {
                    synchronized (lock) {
                        if (generation != generationAtBegin) {
                            throw new IllegalStateException("client " + clientId
                                    + ": the aggregator was reset since this upload began; update discarded");
                        }
                    }
                    fold();
                    synchronized (lock) {
                        weightTotal += weight;
                        index = ++acceptedCount;
                    }
                } finally {
                    folding.unlock();
                }
                folded = true;
                return new AcceptedUpdate(clientId, exampleCount, weight, norm, index);
            } finally {
                close(folded);
            }
        }

        /**
         * Pass 2: decodes the segments block by block into the L1 buffer and folds each block into the sum, one
         * stripe at a time; the caller holds sumGate's read side. Only one stripe lock is held at any moment, so
         * any stripe order is deadlock-free: each fold starts at a different stripe (the golden-ratio sequence
         * over the fold number), so concurrent folds work on different stripes instead of queueing one stripe
         * behind each other when uploads finish together.
         */
        private void fold() {
            int stripes = stripeLocks.length;
            long sequence = foldSequence.getAndIncrement();
            int first = (int) (((sequence * 0x9E3779B97F4A7C15L) >>> 32) * stripes >>> 32);
            for (int step = 0; step < stripes; step++) {
                int k = first + step < stripes ? first + step : first + step - stripes;
                int firstBlock = k * BLOCKS_PER_STRIPE;
                int endBlock = Math.min(sum.length, firstBlock + BLOCKS_PER_STRIPE);
                if (firstBlock >= endBlock) {
                    continue;
                }
                int position = firstBlock * BLOCK_FLOATS;
                int segment = segmentContaining(position);
                int offset = position - segmentStarts[segment];
                synchronized (stripeLocks[k]) {
                    for (int b = firstBlock; b < endBlock; b++) {
                        float[] s = sum[b];
                        float[] c = compensation[b];
                        int length = s.length;
                        for (int filled = 0; filled < length; ) {
                            ByteBuffer seg = segments.get(segment);
                            int segmentFloats = seg.limit() >>> 2;
                            int n = Math.min(length - filled, segmentFloats - offset);
                            if (vector) {
                                VectorFold.fold(seg, offset, s, c, filled, n, weight);
                            } else {
                                seg.asFloatBuffer().get(offset, block, filled, n);
                            }
                            filled += n;
                            offset += n;
                            if (offset == segmentFloats) {
                                segment++;
                                offset = 0;
                            }
                        }
                        if (!vector) {
                            foldBlock(s, c, block, weight, length);
                        }
                    }
                }
            }
        }

        /** The segment holding the float at this payload index (segments are never empty). */
        private int segmentContaining(int position) {
            int lo = 0;
            int hi = segments.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (segmentStarts[mid] <= position) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        @Override
        public void abort() {
            if (segments != null) {
                close(false);
            }
        }

        @Override
        public long bytesReceived() {
            return bytes;
        }

        private void requireOpen() {
            if (segments == null) {
                throw new IllegalStateException("upload of client " + clientId + " is already finished or aborted");
            }
        }

        /** Drops the retained chunks and frees the upload slot; a client whose update was not folded may retry. */
        private void close(boolean folded) {
            segments = null;
            staging = null;
            uploadSlots.release();
            if (!folded) {
                clients.remove(clientId);
            }
        }
    }
}
