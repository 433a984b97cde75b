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

/**
 * Coordinator-side FedAvg over streamed updates in O(model size) memory, whatever the number of clients: a
 * running weighted sum, the weight total and the count, plus at most {@code maxConcurrentUploads} scratch
 * buffers in which uploads are staged and validated before they touch the sum.
 *
 * <p>Memory: 8 bytes per parameter for the sum and 4 bytes per parameter per concurrent upload (allocated on
 * first use, then pooled across rounds). For 1M parameters and 4 slots: 8 MB + 16 MB.
 *
 * <p>Decisions:
 * <ul>
 *   <li>The running sum is a {@code double[]}: adding thousands of float updates into a float sum loses up to
 *   ~count * 2^-24 relative precision and makes the result depend on arrival order; double keeps the sum exact
 *   to ~1e-16 and costs little, because the fold runs from cache (see BENCHMARKS-aggregation.md).</li>
 *   <li>Chunks may have any byte length; a float split across chunk boundaries is carried over (a 3-byte
 *   carry), so the aggregator does not depend on how the transport frames data.</li>
 *   <li>{@link #begin} never blocks: when all upload slots are busy it throws {@link IllegalStateException}
 *   at once, so a gRPC thread is never parked; the coordinator answers RESOURCE_EXHAUSTED and the client
 *   retries with backoff.</li>
 *   <li>Validation (finite values, L2 bound) runs outside the lock, in parallel across uploads; only the add
 *   loop is serialised under one lock, which keeps the sum independent of concurrency.</li>
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

    private final Object lock = new Object();
    // Guarded by lock.
    private final double[] sum;
    private double weightTotal;
    private int acceptedCount;
    private long generation;
    /** Clients with an upload in progress or accepted in the current generation; replaced on reset. */
    private volatile Set<String> clientsThisRound = ConcurrentHashMap.newKeySet();

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
        this.sum = new double[parameterCount];
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
        double weight = weighting == Weighting.EXAMPLES ? exampleCount : 1.0;
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
            java.util.Arrays.fill(sum, 0.0);
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
        double inv = 1.0 / denominator;
        // Multiplying by the reciprocal differs from dividing by at most 1 ulp of double, far below float's.
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sum[i] * inv);
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

    /** Fused validation pass: sum of squares in double; NaN/infinity propagate, so one check covers both. */
    private static double sumOfSquares(float[] x) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = x.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double a = x[i];
            double b = x[i + 1];
            double c = x[i + 2];
            double d = x[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = x[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static int firstNonFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Caller holds the lock. Separate loops so each is a plain counted loop C2 vectorises. */
    private void fold(float[] x, double weight) {
        double[] s = sum;
        if (weight == 1.0) {
            for (int i = 0; i < s.length; i++) {
                s[i] += x[i];
            }
        } else {
            for (int i = 0; i < s.length; i++) {
                s[i] += weight * x[i];
            }
        }
    }

    private final class Receiver implements UpdateReceiver {
        private final String clientId;
        private final long exampleCount;
        private final double weight;
        private final long generationAtBegin;
        private final Set<String> clients;
        private float[] scratch;
        /** Floats fully decoded into scratch. */
        private int floats;
        private long bytes;
        /** Bytes of a float split across chunks, waiting for the rest. */
        private final byte[] carry = new byte[4];
        private int carryLength;

        Receiver(String clientId, long exampleCount, double weight, long generationAtBegin, Set<String> clients,
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
                scratch[floats++] = Float.intBitsToFloat((carry[0] & 0xff) | (carry[1] & 0xff) << 8
                        | (carry[2] & 0xff) << 16 | (carry[3] & 0xff) << 24);
                carryLength = 0;
            }
            int whole = in.remaining() >>> 2;
            // Bulk get of a float view: a straight copy on little-endian hardware, no per-float bounds checks.
            in.asFloatBuffer().get(scratch, floats, whole);
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
                double sumSq = sumOfSquares(scratch);
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
                synchronized (lock) {
                    if (generation != generationAtBegin) {
                        throw new IllegalStateException("client " + clientId
                                + ": the aggregator was reset since this upload began; update discarded");
                    }
                    fold(scratch, weight);
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
