package io.fedlead.wire;

import com.google.protobuf.ByteString;

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
}
