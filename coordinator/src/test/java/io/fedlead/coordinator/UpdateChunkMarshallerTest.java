package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UpdateChunkMarshallerTest {
    /** Like the Netty transport's stream: knows its length, is not backed by a message. */
    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }

    private final UpdateChunkMarshaller marshaller = new UpdateChunkMarshaller();

    @Test
    void parse_knownLengthDataChunk_equalsOriginalAndDataIsAView() {
        byte[] payload = new byte[1 << 16];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        UpdateChunk sent = UpdateChunk.newBuilder().setData(ByteString.copyFrom(payload)).build();

        UpdateChunk parsed = marshaller.parse(new KnownLengthStream(sent.toByteArray()));

        assertEquals(sent, parsed);
        // Aliased: the payload is a slice of the message array after 1 tag byte + 3 length bytes, not a copy
        // (a copied ByteString would start at position 0).
        ByteBuffer data = parsed.getData().asReadOnlyByteBuffer();
        assertEquals(payload.length, data.remaining());
        assertEquals(4, data.position());
    }

    @Test
    void parse_headerChunk_equalsOriginal() {
        UpdateChunk sent = UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder().setClientId("unit-a")
                .setRound(3).setTotalBytes(4096)).build();
        assertEquals(sent, marshaller.parse(new KnownLengthStream(sent.toByteArray())));
    }

    @Test
    void parse_messageBackedStream_returnsThatMessage() {
        UpdateChunk sent = UpdateChunk.newBuilder().setData(ByteString.copyFromUtf8("abcd")).build();
        // The in-process transport hands over grpc's own message-backed stream; its fast path returns the same object.
        assertSame(sent, marshaller.parse(marshaller.stream(sent)));
    }

    @Test
    void parse_truncatedBytes_internalError() {
        byte[] whole = UpdateChunk.newBuilder().setData(ByteString.copyFrom(new byte[100])).build().toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(whole, 50);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> marshaller.parse(new KnownLengthStream(truncated)));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    }

    @Test
    void install_submitUpdate_replacesOnlyItsRequestMarshaller() {
        ServerServiceDefinition original = new FederationGrpc.FederationImplBase() { }.bindService();
        MethodDescriptor<UpdateChunk, ?> submit = FederationGrpc.getSubmitUpdateMethod();

        ServerServiceDefinition installed = UpdateChunkMarshaller.install(original, submit);

        assertEquals(original.getMethods().size(), installed.getMethods().size());
        assertInstanceOf(UpdateChunkMarshaller.class,
                installed.getMethod(submit.getFullMethodName()).getMethodDescriptor().getRequestMarshaller());
        assertFalse(original.getMethod(submit.getFullMethodName()).getMethodDescriptor().getRequestMarshaller()
                instanceof UpdateChunkMarshaller);
        assertSame(original.getServiceDescriptor().getSchemaDescriptor(),
                installed.getServiceDescriptor().getSchemaDescriptor());
        assertSame(original.getMethod(submit.getFullMethodName()).getServerCallHandler(),
                installed.getMethod(submit.getFullMethodName()).getServerCallHandler());
    }
}
