package io.fedlead.core.strategy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * Coordinator-side FedAvg over streamed updates in O(model size) memory, whatever the number of clients: a
 * running weighted sum, the weight total and the count, plus at most {@code maxConcurrentUploads} scratch
 * buffers in which uploads are staged and validated before they touch the sum.
 *
 * <p>Memory: 8 bytes per parameter for the sum (two float arrays) and 4 bytes per parameter plus 16 KiB per
 * concurrent upload (allocated on first use, then pooled across rounds). For 1M parameters and 4 slots: 8 MB + 16 MB.
 *
 * <p>Decisions (numbers in BENCHMARKS-aggregation.md):
 * <ul>
 *   <li>The running sum is a Kahan-compensated pair of {@code float[]} (sum and compensation), not a
 *   {@code double[]}: Java 17's C2 does not vectorise float-to-double conversion, so a double fold measured 3-5x
 *   slower than a float one, while a plain float sum loses up to count * 2^-24 relative precision. Kahan
 *   summation keeps the error within about 2 * 2^-24 * sum|w x| whatever the count, i.e. about the final
 *   float rounding, at the same 8 bytes per parameter as double, and its loop vectorises. It costs about 2x a
 *   plain float fold, but the fold is not the bottleneck (decoding is). Weights are applied in float
 *   ((float) exampleCount, exact below 2^24).</li>
 *   <li>Decoding and validation are one pass over the wire bytes: each chunk is decoded 2048 floats at a time
 *   into an L1-resident block, whose squares are added element-wise into 2048 float lanes (a loop C2
 *   vectorises, unlike a scalar sum of squares) before the block is copied on into the upload's scratch
 *   buffer. The lanes are drained into a double every 64 blocks, so the norm's float rounding stays below
 *   64 * 2^-24 relative whatever the model size. NaN and infinity propagate into the sum of squares, so
 *   finish() checks one number; only if it is not finite (a non-finite value, or a float square overflowing
 *   above |x| = 1.8e19) does it rescan in double to tell the two apart and name the bad index.</li>
 *   <li>Chunks may have any byte length; a float split across chunk boundaries is carried over (a 3-byte
 *   carry), so the aggregator does not depend on how the transport frames data.</li>
 *   <li>{@link #begin} never blocks: when all upload slots are busy it throws {@link IllegalStateException}
 *   at once, so a gRPC thread is never parked; the coordinator answers RESOURCE_EXHAUSTED and the client
 *   retries with backoff.</li>
 *   <li>Validation (finite values, L2 bound) runs outside the lock, in parallel across uploads; only the add
 *   loop is serialised under one lock, so every fold is atomic. Arrival order still changes the float result
 *   in its last bits, as any floating-point sum does.</li>
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
    private final ConcurrentLinkedQueue<UploadBuffers> freeBuffers = new ConcurrentLinkedQueue<>();

    private final Object lock = new Object();
    // Guarded by lock. The running sum is sum - compensation (Kahan).
    private final float[] sum;
    private final float[] compensation;
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
        UploadBuffers buffers = freeBuffers.poll();
        if (buffers == null) {
            buffers = new UploadBuffers(parameterCount);
        }
        float weight = weighting == Weighting.EXAMPLES ? (float) exampleCount : 1f;
        return new Receiver(clientId, exampleCount, weight, gen, clients, buffers);
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
        synchronized (lock) {
            if (acceptedCount == 0) {
                throw new IllegalStateException("no update accepted yet; the mean is undefined");
            }
            return divide(weightTotal);
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
        synchronized (lock) {
            return divide(denominator);
        }
    }

    /**
     * Clears the sum, weight total, count and client set for the next round. Uploads begun before the reset
     * can no longer be folded in: their {@code finish()} throws {@link IllegalStateException}.
     */
    public void reset() {
        synchronized (lock) {
            java.util.Arrays.fill(sum, 0f);
            java.util.Arrays.fill(compensation, 0f);
            weightTotal = 0;
            acceptedCount = 0;
            generation++;
            clientsThisRound = ConcurrentHashMap.newKeySet();
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

    /** One upload's working memory, pooled across uploads and rounds. */
    private static final class UploadBuffers {
        /** The whole decoded payload, validated before any of it touches the sum. */
        final float[] scratch;
        /** L1-sized staging block the wire bytes are decoded into. */
        final float[] block = new float[FloatKernels.BLOCK];
        /** Element-wise partial sums of squares; zero between uploads. */
        final float[] lanes = new float[FloatKernels.BLOCK];

        UploadBuffers(int parameterCount) {
            scratch = new float[parameterCount];
        }
    }

    private final class Receiver implements UpdateReceiver {
        private final String clientId;
        private final long exampleCount;
        private final float weight;
        private final long generationAtBegin;
        private final Set<String> clients;
        private UploadBuffers buffers;
        /** Floats fully decoded into the scratch buffer. */
        private int floats;
        private long bytes;
        /** Bytes of a float split across chunks, waiting for the rest. */
        private final byte[] carry = new byte[4];
        private int carryLength;
        /** Sum of squares of the decoded floats drained from the lanes so far (see FloatKernels). */
        private double sumOfSquares;
        /** Blocks added into the lanes since they were last drained. */
        private int blocksInLanes;

        Receiver(String clientId, long exampleCount, float weight, long generationAtBegin, Set<String> clients,
                 UploadBuffers buffers) {
            this.clientId = clientId;
            this.exampleCount = exampleCount;
            this.weight = weight;
            this.generationAtBegin = generationAtBegin;
            this.clients = clients;
            this.buffers = buffers;
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
            float[] scratch = buffers.scratch;
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
            // One pass over the wire bytes, an L1-sized block at a time: bulk-decode the block (a plain copy on
            // little-endian hardware), add its squares element-wise into the lanes while it is in L1, then copy
            // it on into the scratch buffer. Decoding straight into the scratch buffer and squaring it there
            // cannot vectorise (see FloatKernels) and measured slower.
            FloatBuffer source = in.asFloatBuffer();
            float[] block = buffers.block;
            float[] lanes = buffers.lanes;
            for (int left = whole; left > 0; ) {
                int n = Math.min(FloatKernels.BLOCK, left);
                source.get(block, 0, n);
                FloatKernels.accumulateSquares(block, lanes, n);
                System.arraycopy(block, 0, scratch, floats, n);
                floats += n;
                left -= n;
                if (++blocksInLanes == FloatKernels.BLOCKS_PER_DRAIN) {
                    sumOfSquares += FloatKernels.drain(lanes);
                    blocksInLanes = 0;
                }
            }
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
                float[] scratch = buffers.scratch;
                double sumSq = sumOfSquares + FloatKernels.drain(buffers.lanes);
                blocksInLanes = 0;
                if (!Double.isFinite(sumSq)) {
                    // Either a NaN/infinity, or a float square overflowed (|x| > 1.8e19): recount in double.
                    sumSq = FloatKernels.exactSumOfSquares(scratch, 0, scratch.length);
                }
                if (!Double.isFinite(sumSq)) {
                    int bad = FloatKernels.firstNonFinite(scratch);
                    throw new IllegalArgumentException("client " + clientId + ": update value " + scratch[bad]
                            + " at index " + bad + " (" + describeIndex(bad) + ") is not finite");
                }
                double norm = Math.sqrt(sumSq);
                if (options.maxL2Norm().isPresent() && norm > options.maxL2Norm().getAsDouble()) {
                    throw new IllegalArgumentException("client " + clientId + ": update L2 norm " + norm
                            + " exceeds the bound " + options.maxL2Norm().getAsDouble());
                }
                int index;
                synchronized (lock) {
                    if (generation != generationAtBegin) {
                        throw new IllegalStateException("client " + clientId
                                + ": the aggregator was reset since this upload began; update discarded");
                    }
                    FloatKernels.kahanAdd(sum, compensation, scratch, weight, 0, parameterCount);
                    weightTotal += weight;
                    index = ++acceptedCount;
                }
                folded = true;
                return new AcceptedUpdate(clientId, exampleCount, weight, norm, index);
            } finally {
                close(folded);
            }
        }

        @Override
        public void abort() {
            if (buffers != null) {
                close(false);
            }
        }

        @Override
        public long bytesReceived() {
            return bytes;
        }

        private void requireOpen() {
            if (buffers == null) {
                throw new IllegalStateException("upload of client " + clientId + " is already finished or aborted");
            }
        }

        /** Returns the buffers to the pool; a client whose update was not folded may try again. */
        private void close(boolean folded) {
            java.util.Arrays.fill(buffers.lanes, 0f); // an aborted upload may leave partial squares behind
            freeBuffers.offer(buffers);
            buffers = null;
            uploadSlots.release();
            if (!folded) {
                clients.remove(clientId);
            }
        }
    }
}
