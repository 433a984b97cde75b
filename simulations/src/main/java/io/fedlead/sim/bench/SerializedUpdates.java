package io.fedlead.sim.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.TensorSpec;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.proto.v1.UpdateChunk;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmark fixture: client updates held as the serialized protobuf {@code UpdateChunk} data messages that would
 * arrive off the wire, plus the zero-copy parse the coordinator would do on them.
 */
public final class SerializedUpdates {
    private final ModelLayout layout;
    /** updates.get(k) is client k's data messages, each the bytes of one UpdateChunk. */
    private final List<List<byte[]>> updates;

    private SerializedUpdates(ModelLayout layout, List<List<byte[]>> updates) {
        this.layout = layout;
        this.updates = updates;
    }

    /**
     * Generates {@code count} updates of {@code parameters} floats (uniform in [-0.01, 0.01), like a clipped,
     * noised delta) from a fixed seed, cut into data messages of {@code chunkBytes} payload bytes.
     */
    public static SerializedUpdates generate(int count, int parameters, int chunkBytes, long seed) {
        if (count < 1 || parameters < 1 || chunkBytes < 1) {
            throw new IllegalArgumentException("count, parameters and chunk bytes must be >= 1, got "
                    + count + ", " + parameters + ", " + chunkBytes);
        }
        // Two tensors, like a logistic layer's W and b.
        ModelLayout layout = new ModelLayout(List.of(
                new TensorSpec("0_W", List.of((long) parameters - 1, 1L)), new TensorSpec("0_b", List.of(1L))));
        SplittableRandom rng = new SplittableRandom(seed);
        ByteBuffer payload = ByteBuffer.allocate(4 * parameters).order(ByteOrder.LITTLE_ENDIAN);
        List<List<byte[]>> updates = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            payload.clear();
            for (int i = 0; i < parameters; i++) {
                payload.putFloat((float) rng.nextDouble(-0.01, 0.01));
            }
            byte[] bytes = payload.array();
            List<byte[]> messages = new ArrayList<>();
            for (int off = 0; off < bytes.length; off += chunkBytes) {
                int len = Math.min(chunkBytes, bytes.length - off);
                messages.add(UpdateChunk.newBuilder().setData(ByteString.copyFrom(bytes, off, len)).build()
                        .toByteArray());
            }
            updates.add(List.copyOf(messages));
        }
        return new SerializedUpdates(layout, List.copyOf(updates));
    }

    public ModelLayout layout() {
        return layout;
    }

    public List<List<byte[]>> updates() {
        return updates;
    }

    /** Float payload bytes of all updates together. */
    public long payloadBytes() {
        return (long) updates.size() * layout.byteSize();
    }

    /**
     * Parses one data message without copying its payload: with aliasing on, the {@code bytes} field is a
     * ByteString over the message array, and {@link #flat} views that slice. Protobuf aliases only
     * input it may treat as immutable: {@code CodedInputStream.newInstance(byte[])} still copies, so the array
     * goes in through {@code UnsafeByteOperations.unsafeWrap(..).newCodedInput()} (gRPC does the same with
     * its own buffers).
     */
    public static ByteBuffer parseAliased(byte[] message) {
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(message).newCodedInput();
            in.enableAliasing(true);
            UpdateChunk chunk = UpdateChunk.parseFrom(in);
            if (chunk.getKindCase() != UpdateChunk.KindCase.DATA) {
                throw new IllegalArgumentException("expected a data chunk, got " + chunk.getKindCase());
            }
            return flat(chunk.getData());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final MethodDescriptor.Marshaller<UpdateChunk> GRPC_MARSHALLER =
            ProtoUtils.marshaller(UpdateChunk.getDefaultInstance());

    /** What gRPC's transport hands the marshaller: a stream that knows its length (Netty's is also KnownLength). */
    public static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        public KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }

    /**
     * Parses the way the coordinator's gRPC server does, with grpc-java's own protobuf marshaller
     * ({@code ProtoLiteUtils}, which {@code ProtoUtils.marshaller} delegates to). In grpc-java 1.85.1 a
     * KnownLength stream of at most 4 MiB is first read into a reused thread-local byte[] and then parsed with
     * {@code CodedInputStream.newInstance(byte[], 0, size)} without aliasing, so the payload is copied twice
     * (stream to buffer, buffer to a new ByteString) and 1 MiB is allocated per message.
     */
    public static ByteBuffer parseGrpc(byte[] message) {
        UpdateChunk chunk = GRPC_MARSHALLER.parse(new KnownLengthStream(message));
        return flat(chunk.getData());
    }

    /** Parses with the plain {@code parseFrom(byte[])}, which copies the payload into a new ByteString. */
    public static ByteBuffer parseCopying(byte[] message) {
        try {
            return flat(UpdateChunk.parseFrom(message).getData());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the coordinator's FederationService hands the aggregator: a view of the payload's own array
     * ({@link io.fedlead.wire.Chunks#arrayBuffers}); a parsed message's payload is one flat piece.
     */
    public static ByteBuffer flat(ByteString data) {
        List<ByteBuffer> buffers = io.fedlead.wire.Chunks.arrayBuffers(data);
        if (buffers.size() != 1) {
            throw new IllegalStateException("a parsed payload is one flat piece, got " + buffers.size());
        }
        return buffers.get(0);
    }

    /** Feeds client k's messages to a receiver, parsing each with aliasing. */
    public void feed(int k, UpdateReceiver receiver) {
        for (byte[] message : updates.get(k)) {
            receiver.accept(parseAliased(message));
        }
    }
}
