package io.fedlead.core.strategy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Coordinator-side FedAvg over streamed updates in O(model size) memory, whatever the number of clients: a
 * running weighted sum, the weight total and the count, plus at most {@code maxConcurrentUploads} scratch
 * buffers in which uploads are staged and validated before they touch the sum.
 *
 * <p>Memory: 8 bytes per parameter for the sum (two float arrays) and 4 bytes per parameter per concurrent upload
 * (allocated on first use, then pooled across rounds). For 1M parameters and 4 slots: 8 MB + 16 MB.
 *
 * <p>Decisions:
 * <ul>
 *   <li>The running sum is a Kahan-compensated pair of {@code float[]} (sum and compensation), not a
 *   {@code double[]}: Java 17's C2 does not vectorise float-to-double conversion, so a double fold measured 3-6x
 *   slower than a float one, while a plain float sum loses up to count * 2^-24 relative precision. Kahan
 *   summation keeps the error within about 2 * 2^-24 * sum|w x| whatever the count, i.e. about the final
 *   float rounding, at the same 8 bytes per parameter as double, and its loop vectorises
 *   (see BENCHMARKS-aggregation.md). Weights are applied in float ((float) exampleCount, exact below 2^24).</li>
 *   <li>Validation is fused into decoding: each chunk's sum of squares is taken right after the chunk is
 *   copied into the scratch buffer, so the work is spread over the upload and finish() only checks the
 *   total (measured about as fast as a separate pass: the loop is compute-bound).</li>
 *   <li>Chunks may have any byte length; a float split across chunk boundaries is carried over (a 3-byte
 *   carry), so the aggregator does not depend on how the transport frames data.</li>
 *   <li>{@link #begin} never blocks: when all upload slots are busy it throws {@link IllegalStateException}
 *   at once, so a gRPC thread is never parked; the coordinator answers RESOURCE_EXHAUSTED and the client
 *   retries with backoff.</li>
 *   <li>Validation (finite values, L2 bound) runs outside any lock, in parallel across uploads. The add loop
 *   is striped: the sum is cut into index ranges of {@value #STRIPE_FLOATS} floats, each with its own lock, and
 *   every fold walks the stripes in ascending order, so two concurrent folds run on both cores one stripe apart
 *   instead of queueing behind one lock (no deadlock: one lock order). Folds hold the read side of a
 *   read-write lock and {@link #mean()}, {@link #sumDividedBy} and {@link #reset()} the write side, so readers
 *   see every update wholly or not at all. Arrival order (per stripe) still changes the float result in its
 *   last bits, as any floating-point sum does.</li>
 * </ul>
 */
public final class StreamingAggregator {
    /**
     * Tuning of a {@link StreamingAggregator}.
     *
     * @param maxConcurrentUploads uploads that may be in progress at once (each holds a scratch buffer), >= 1
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
    private final int parameterCount;
    private final long expectedBytes;
    /** Start index of each tensor in the flat vector, for naming a bad value's tensor. */
    private final long[] tensorStarts;

    private final Semaphore uploadSlots;
    private final ConcurrentLinkedQueue<float[]> freeScratch = new ConcurrentLinkedQueue<>();

    /** Floats per fold stripe (256 KB of sum, 256 KB of compensation: fits the L2 cache with the input). */
    static final int STRIPE_FLOATS = 1 << 16;

    /** Read side: a fold in progress; write side: reading or clearing the sum as a whole. */
    private final ReentrantReadWriteLock sumGate = new ReentrantReadWriteLock();
    /** stripeLocks[s] guards sum and compensation in [s * STRIPE_FLOATS, (s + 1) * STRIPE_FLOATS). */
    private final Object[] stripeLocks;
    // The running sum is sum - compensation (Kahan); guarded by sumGate + stripeLocks.
    private final float[] sum;
    private final float[] compensation;
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

    public StreamingAggregator(ModelLayout layout, Weighting weighting, Options options) {
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
        this.sum = new float[parameterCount];
        this.compensation = new float[parameterCount];
        this.stripeLocks = new Object[Math.max(1, (parameterCount + STRIPE_FLOATS - 1) / STRIPE_FLOATS)];
        for (int k = 0; k < stripeLocks.length; k++) {
            stripeLocks[k] = new Object();
        }
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
        float[] scratch = freeScratch.poll();
        if (scratch == null) {
            scratch = new float[parameterCount];
        }
        float weight = weighting == Weighting.EXAMPLES ? (float) exampleCount : 1f;
        return new Receiver(clientId, exampleCount, weight, gen, clients, scratch);
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
            java.util.Arrays.fill(sum, 0f);
            java.util.Arrays.fill(compensation, 0f);
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
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (((double) sum[i] - compensation[i]) / denominator);
        }
        return out;
    }

    /** "tensor '0_W' element 17" for a flat index. */
    private String describeIndex(int index) {
        int t = tensorStarts.length - 1;
        while (t > 0 && tensorStarts[t] > index) {
            t--;
        }
        // Zero-sized tensors share a start with the next one; name the tensor that actually holds the index.
        TensorSpec spec = layout.tensors().get(t);
        return "tensor '" + spec.name() + "' element " + (index - tensorStarts[t]);
    }

    /** Floats per block of the float-accumulated sum of squares; each of 8 accumulators adds 128 squares. */
    private static final int SQUARES_BLOCK = 1024;

    /**
     * Validation pass over {@code x[from, to)}: the sum of squares. NaN and infinity propagate, so the total is
     * finite exactly when every value is, unless a float square overflowed (|x| > 1.8e19), which the exact
     * double fallback tells apart.
     *
     * <p>Why float accumulators in blocks: Java 17's C2 converts float to double one value at a time, and a
     * double-accumulated pass measured 2-3x slower than this. Eight float accumulators add 128 squares each per
     * 1024-value block (relative error at most 128 * 2^-24 = 8e-6, typically ~1e-7), then each block's total is
     * added in double, so the error does not grow with model size.
     */
    static double sumOfSquares(float[] x, int from, int to) {
        double total = 0;
        int i = from;
        while (to - i >= 8) {
            int blockEnd = Math.min(to, i + SQUARES_BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            float s4 = 0;
            float s5 = 0;
            float s6 = 0;
            float s7 = 0;
            for (; i + 7 < blockEnd; i += 8) {
                s0 += x[i] * x[i];
                s1 += x[i + 1] * x[i + 1];
                s2 += x[i + 2] * x[i + 2];
                s3 += x[i + 3] * x[i + 3];
                s4 += x[i + 4] * x[i + 4];
                s5 += x[i + 5] * x[i + 5];
                s6 += x[i + 6] * x[i + 6];
                s7 += x[i + 7] * x[i + 7];
            }
            total += ((double) s0 + s1 + s2 + s3) + ((double) s4 + s5 + s6 + s7);
        }
        for (; i < to; i++) {
            total += (double) x[i] * x[i];
        }
        return Double.isFinite(total) ? total : exactSumOfSquares(x, from, to);
    }

    /** Sum of squares accumulated in double: float squares cannot overflow it, so only NaN/infinity make it non-finite. */
    private static double exactSumOfSquares(float[] x, int from, int to) {
        double total = 0;
        for (int i = from; i < to; i++) {
            total += (double) x[i] * x[i];
        }
        return total;
    }

    private static int firstNonFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Folds x into the sum stripe by stripe, in ascending order; caller holds sumGate's read side. */
    private void fold(float[] x, float weight) {
        for (int k = 0; k < stripeLocks.length; k++) {
            int from = k * STRIPE_FLOATS;
            int to = Math.min(parameterCount, from + STRIPE_FLOATS);
            synchronized (stripeLocks[k]) {
                foldRange(sum, compensation, x, weight, from, to);
            }
        }
    }

    /**
     * Kahan-compensated {@code s += weight * x} over [from, to). Java never reassociates floating-point
     * operations, so the compensation survives JIT compilation; each loop is a plain counted loop C2 vectorises
     * (all arrays indexed alike).
     */
    private static void foldRange(float[] s, float[] c, float[] x, float weight, int from, int to) {
        if (weight == 1f) {
            for (int i = from; i < to; i++) {
                float y = x[i] - c[i];
                float t = s[i] + y;
                c[i] = (t - s[i]) - y;
                s[i] = t;
            }
        } else {
            for (int i = from; i < to; i++) {
                float y = weight * x[i] - c[i];
                float t = s[i] + y;
                c[i] = (t - s[i]) - y;
                s[i] = t;
            }
        }
    }

    private final class Receiver implements UpdateReceiver {
        private final String clientId;
        private final long exampleCount;
        private final float weight;
        private final long generationAtBegin;
        private final Set<String> clients;
        private float[] scratch;
        /** Floats fully decoded into scratch. */
        private int floats;
        private long bytes;
        /** Bytes of a float split across chunks, waiting for the rest. */
        private final byte[] carry = new byte[4];
        private int carryLength;
        /** Sum of squares of the decoded floats, accumulated chunk by chunk. */
        private double sumOfSquares;

        Receiver(String clientId, long exampleCount, float weight, long generationAtBegin, Set<String> clients,
                 float[] scratch) {
            this.clientId = clientId;
            this.exampleCount = exampleCount;
            this.weight = weight;
            this.generationAtBegin = generationAtBegin;
            this.clients = clients;
            this.scratch = scratch;
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
            // Work on a little-endian view so the caller's byte order is left alone; consume its bytes.
            ByteBuffer in = littleEndianChunk.slice().order(ByteOrder.LITTLE_ENDIAN);
            littleEndianChunk.position(littleEndianChunk.limit());
            bytes += length;
            if (carryLength > 0) {
                while (carryLength < 4 && in.hasRemaining()) {
                    carry[carryLength++] = in.get();
                }
                if (carryLength < 4) {
                    return;
                }
                float v = Float.intBitsToFloat((carry[0] & 0xff) | (carry[1] & 0xff) << 8
                        | (carry[2] & 0xff) << 16 | (carry[3] & 0xff) << 24);
                scratch[floats++] = v;
                sumOfSquares += (double) v * v;
                carryLength = 0;
            }
            int whole = in.remaining() >>> 2;
            // Bulk get of a float view: a straight copy on little-endian hardware, no per-float bounds checks.
            in.asFloatBuffer().get(scratch, floats, whole);
            sumOfSquares += StreamingAggregator.sumOfSquares(scratch, floats, floats + whole);
            floats += whole;
            in.position(in.position() + (whole << 2));
            while (in.hasRemaining()) {
                carry[carryLength++] = in.get();
            }
        }

        @Override
        public AcceptedUpdate finish() {
            requireOpen();
            boolean folded = false;
            try {
                if (bytes != expectedBytes) {
                    throw new IllegalArgumentException("client " + clientId + ": update payload has " + bytes
                            + " bytes, expected " + expectedBytes + " (4 x " + parameterCount + " parameters)");
                }
                double sumSq = sumOfSquares;
                if (!Double.isFinite(sumSq)) {
                    int bad = firstNonFinite(scratch);
                    throw new IllegalArgumentException("client " + clientId + ": update value " + scratch[bad]
                            + " at index " + bad + " (" + describeIndex(bad) + ") is not finite");
                }
                double norm = Math.sqrt(sumSq);
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
                    fold(scratch, weight);
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

        @Override
        public void abort() {
            if (scratch != null) {
                close(false);
            }
        }

        @Override
        public long bytesReceived() {
            return bytes;
        }

        private void requireOpen() {
            if (scratch == null) {
                throw new IllegalStateException("upload of client " + clientId + " is already finished or aborted");
            }
        }

        /** Returns the scratch buffer to the pool; a client whose update was not folded may try again. */
        private void close(boolean folded) {
            freeScratch.offer(scratch);
            scratch = null;
            uploadSlots.release();
            if (!folded) {
                clients.remove(clientId);
            }
        }
    }
}
