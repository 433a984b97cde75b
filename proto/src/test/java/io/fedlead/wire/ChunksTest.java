package io.fedlead.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlead.proto.v1.UpdateChunk;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunksTest {
    private static byte[] concat(List<ByteBuffer> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void arrayBuffers_aliasedParse_viewsTheMessageArrayWithoutCopy() throws Exception {
        byte[] payload = new byte[100_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        byte[] message = UpdateChunk.newBuilder().setData(ByteString.copyFrom(payload)).build().toByteArray();
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(message).newCodedInput();
        in.enableAliasing(true);
        ByteString data = UpdateChunk.parseFrom(in).getData();

        List<ByteBuffer> buffers = Chunks.arrayBuffers(data);
        assertEquals(1, buffers.size());
        ByteBuffer b = buffers.get(0);
        assertTrue(b.hasArray(), "an accessible array, unlike ByteString.asReadOnlyByteBuffer()");
        assertSame(message, b.array(), "a view of the message's own array, not a copy");
        assertEquals(payload.length, b.remaining());
        assertArrayEquals(payload, concat(buffers));
    }

    @Test
    void arrayBuffers_ropeAndSubstring_allBytesInOrder() {
        ByteString a = ByteString.copyFrom(new byte[]{1, 2, 3, 4, 5});
        ByteString b = ByteString.copyFrom(new byte[]{6, 7, 8});
        ByteString rope = a.concat(b).concat(ByteString.copyFrom(new byte[200])).substring(2, 9);
        assertArrayEquals(rope.toByteArray(), concat(Chunks.arrayBuffers(rope)));
        assertArrayEquals(new byte[0], concat(Chunks.arrayBuffers(ByteString.EMPTY)));
        ByteString direct = UnsafeByteOperations.unsafeWrap(ByteBuffer.allocateDirect(3).put(new byte[]{9, 8, 7}).flip());
        assertArrayEquals(new byte[]{9, 8, 7}, concat(Chunks.arrayBuffers(direct)));
    }
}
