package io.fedlead.wire;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Splits a payload into wire chunks. Chunk sizes are whole float32s so a value never straddles two chunks. */
public final class Chunks {
    /** Default chunk size: 1 MiB, far under gRPC's 4 MiB message limit. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    /** Largest chunk the server hands out, whatever the client asks for. */
    public static final int MAX_CHUNK_BYTES = 2 << 20;
    public static final int MIN_CHUNK_BYTES = 4 << 10;

    private Chunks() {
    }

    /** Normalises a requested chunk size: 0 means default; otherwise clamp to [MIN, MAX] and round down to a multiple of 4. */
    public static int chunkSize(int requested) {
        int size = requested <= 0 ? DEFAULT_CHUNK_BYTES : Math.max(MIN_CHUNK_BYTES, Math.min(MAX_CHUNK_BYTES, requested));
        return size & ~3;
    }

    /** Zero-copy slices of {@code payload} of at most {@code chunkBytes} each. */
    public static List<ByteString> split(ByteString payload, int chunkBytes) {
        int size = chunkSize(chunkBytes);
        List<ByteString> out = new ArrayList<>(payload.size() / size + 1);
        for (int off = 0; off < payload.size(); off += size) {
            out.add(payload.substring(off, Math.min(payload.size(), off + size)));
        }
        return out;
    }

    /**
     * The bytes of {@code data}, in order, as ByteBuffers over its own backing arrays, without copying: one buffer
     * for a flat ByteString (what a parsed message holds), one per piece for a rope. {@link ByteString} itself
     * only hands out read-only buffers, which hide their array; the coordinator's aggregator loads vectors from
     * the array. The buffers are writable views of immutable bytes: callers must not write to them. A piece that
     * protobuf passes as a transient (non-lazy) write is copied, since its array may be reused.
     */
    public static List<ByteBuffer> arrayBuffers(ByteString data) {
        List<ByteBuffer> out = new ArrayList<>(1);
        try {
            UnsafeByteOperations.unsafeWriteTo(data, new ByteOutput() {
                @Override
                public void write(byte value) {
                    out.add(ByteBuffer.wrap(new byte[]{value}));
                }

                @Override
                public void write(byte[] value, int offset, int length) {
                    out.add(ByteBuffer.wrap(java.util.Arrays.copyOfRange(value, offset, offset + length)));
                }

                @Override
                public void writeLazy(byte[] value, int offset, int length) {
                    out.add(ByteBuffer.wrap(value, offset, length).slice());
                }

                @Override
                public void write(ByteBuffer value) {
                    ByteBuffer copy = ByteBuffer.allocate(value.remaining());
                    copy.put(value).flip();
                    out.add(copy);
                }

                @Override
                public void writeLazy(ByteBuffer value) {
                    if (value.hasArray()) {
                        out.add(ByteBuffer.wrap(value.array(), value.arrayOffset() + value.position(),
                                value.remaining()).slice());
                    } else {
                        out.add(value.slice());
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading a ByteString's own buffers", e);
        }
        return out;
    }
}
