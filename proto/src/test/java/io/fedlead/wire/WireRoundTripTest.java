package io.fedlead.wire;

import com.google.protobuf.ByteString;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireRoundTripTest {
    static final ModelLayout LAYOUT = new ModelLayout(List.of(new TensorSpec("0_W", List.of(300L, 40L)),
            new TensorSpec("0_b", List.of(1L, 40L)), new TensorSpec("1_W", List.of(40L, 1L)), new TensorSpec("1_b", List.of(1L, 1L))));

    @Test
    void weights_throughSerializedChunks_roundTripBitExact() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        float[] v = new float[LAYOUT.parameterCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-3, 3);
        }
        v[0] = Float.MIN_VALUE;
        v[1] = -0.0f;
        v[2] = Float.MAX_VALUE;
        ModelWeights w = new ModelWeights(LAYOUT, v);
        List<ByteString> chunks = Chunks.split(ByteString.copyFrom(w.toLittleEndianBytes()), 4096);
        assertTrue(chunks.size() > 10);
        // Serialize every message as it would cross the wire, parse it back, reassemble.
        UpdateHeader header = UpdateHeader.newBuilder().setLayout(WireLayouts.toProto(LAYOUT))
                .setTotalBytes(LAYOUT.byteSize()).build();
        UpdateChunk parsedHeader = UpdateChunk.parseFrom(UpdateChunk.newBuilder().setHeader(header).build().toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteString c : chunks) {
            assertEquals(0, c.size() % 4);
            out.write(UpdateChunk.parseFrom(UpdateChunk.newBuilder().setData(c).build().toByteArray()).getData().toByteArray());
        }
        ModelLayout layout = WireLayouts.fromProto(parsedHeader.getHeader().getLayout(), "header.layout");
        assertEquals(LAYOUT, layout);
        ModelWeights back = ModelWeights.fromLittleEndianBytes(layout, out.toByteArray());
        assertArrayEquals(v, back.values());
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(back.values()[1]));
        assertEquals(w.sha256(), back.sha256());
    }

    @Test
    void littleEndian_firstFloat_hasLowByteFirst() {
        ModelWeights w = new ModelWeights(new ModelLayout(List.of(new TensorSpec("b", List.of(1L)))), new float[]{1.0f});
        // 1.0f = 0x3F800000: little-endian bytes 00 00 80 3F.
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3F}, w.toLittleEndianBytes());
    }

    @Test
    void fromProto_emptyOrNegativeShape_namesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireLayouts.fromProto(io.fedlead.proto.v1.ModelLayout.getDefaultInstance(), "header.layout"));
        assertTrue(e.getMessage().contains("header.layout"));
        io.fedlead.proto.v1.ModelLayout bad = io.fedlead.proto.v1.ModelLayout.newBuilder().addTensors(
                io.fedlead.proto.v1.TensorSpec.newBuilder().setName("0_W").addShape(-2)).build();
        e = assertThrows(IllegalArgumentException.class, () -> WireLayouts.fromProto(bad, "layout"));
        assertTrue(e.getMessage().contains("layout.tensors[0]") && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void fromProto_shapeOverflowingLong_illegalArgumentNamingTheTensor() {
        io.fedlead.proto.v1.ModelLayout huge = io.fedlead.proto.v1.ModelLayout.newBuilder().addTensors(
                io.fedlead.proto.v1.TensorSpec.newBuilder().setName("0_W").addShape(1L << 40).addShape(1L << 40)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireLayouts.fromProto(huge, "layout"));
        assertTrue(e.getMessage().contains("layout.tensors[0]") && e.getMessage().contains("0_W"), e.getMessage());
        io.fedlead.proto.v1.ModelLayout big = io.fedlead.proto.v1.ModelLayout.newBuilder().addTensors(
                io.fedlead.proto.v1.TensorSpec.newBuilder().setName("0_W").addShape(1L << 20).addShape(1L << 20)).build();
        e = assertThrows(IllegalArgumentException.class, () -> WireLayouts.fromProto(big, "layout"));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
    }

    @Test
    void chunkSize_requestedValues_clampedToWholeFloats() {
        assertEquals(Chunks.DEFAULT_CHUNK_BYTES, Chunks.chunkSize(0));
        assertEquals(Chunks.MIN_CHUNK_BYTES, Chunks.chunkSize(5));
        assertEquals(Chunks.MAX_CHUNK_BYTES, Chunks.chunkSize(Integer.MAX_VALUE));
        assertEquals(8192, Chunks.chunkSize(8195));
    }
}
