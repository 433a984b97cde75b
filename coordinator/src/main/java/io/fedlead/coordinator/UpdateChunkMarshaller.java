package io.fedlead.coordinator;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlead.proto.v1.UpdateChunk;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Request marshaller for {@code SubmitUpdate}: parses each {@link UpdateChunk} off the wire with one copy of its
 * payload instead of two, so the coordinator's ingest is not bound by parsing.
 *
 * <p>grpc-java's own protobuf marshaller (1.85.1 {@code ProtoLiteUtils}) reads a message into a reused
 * thread-local buffer and parses it without aliasing, so every payload byte is copied twice (stream -> buffer ->
 * new ByteString). This one reads a {@link KnownLength} stream once into a fresh {@code byte[]} and parses it with
 * aliasing on, so the {@code data} ByteString is a view of that array: one copy, and the array belongs to the
 * message alone (never reused, so aliasing is safe). Streams backed by an unserialised message (the in-process
 * transport's {@link Drainable} stream) and streams of unknown length go to grpc's marshaller, which has its own
 * fast paths for them.
 *
 * <p>Not done: zero-copy via {@code io.grpc.Detachable} / {@code HasByteBuffer} (parse straight out of the
 * transport's buffers). It would save the remaining copy, but the detached buffers must then be released after the
 * aggregator has consumed the chunk, outside the marshaller's contract; one copy was chosen for safety.
 */
public final class UpdateChunkMarshaller implements MethodDescriptor.Marshaller<UpdateChunk> {
    private static final MethodDescriptor.Marshaller<UpdateChunk> GRPC =
            ProtoUtils.marshaller(UpdateChunk.getDefaultInstance());

    @Override
    public InputStream stream(UpdateChunk value) {
        return GRPC.stream(value);
    }

    @Override
    public UpdateChunk parse(InputStream stream) {
        if (stream instanceof Drainable || !(stream instanceof KnownLength)) {
            return GRPC.parse(stream);
        }
        try {
            int size = stream.available();
            if (size == 0) {
                return UpdateChunk.getDefaultInstance();
            }
            byte[] bytes = new byte[size];
            int read = 0;
            while (read < size) {
                int n = stream.read(bytes, read, size - read);
                if (n < 0) {
                    throw Status.INTERNAL.withDescription("UpdateChunk stream ended after " + read + " of its "
                            + size + " bytes").asRuntimeException();
                }
                read += n;
            }
            // unsafeWrap marks the input immutable, which protobuf requires before it aliases (newInstance(byte[])
            // would still copy); the array is ours alone, so that is true.
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            in.enableAliasing(true);
            UpdateChunk chunk = UpdateChunk.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
            in.checkLastTagWas(0);
            return chunk;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("could not read an UpdateChunk: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        }
    }

    /**
     * The service definition with {@code method}'s request marshaller replaced by this one; the handler, the
     * other methods and the schema descriptor (for reflection) are kept.
     */
    public static ServerServiceDefinition install(ServerServiceDefinition service,
                                                  MethodDescriptor<UpdateChunk, ?> method) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        // Descriptor and definition must share MethodDescriptor instances, so build both lists together.
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        boolean found = false;
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            if (m.getMethodDescriptor().getFullMethodName().equals(method.getFullMethodName())) {
                methods.add(replaced(m));
                found = true;
            } else {
                methods.add(m);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("service " + original.getName() + " has no method "
                    + method.getFullMethodName());
        }
        for (ServerMethodDefinition<?, ?> m : methods) {
            descriptor.addMethod(m.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> m : methods) {
            builder.addMethod(m);
        }
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static <RespT> ServerMethodDefinition<UpdateChunk, RespT> replaced(ServerMethodDefinition<?, ?> m) {
        ServerMethodDefinition<UpdateChunk, RespT> typed = (ServerMethodDefinition<UpdateChunk, RespT>) m;
        MethodDescriptor<UpdateChunk, RespT> descriptor = typed.getMethodDescriptor().toBuilder()
                .setRequestMarshaller(new UpdateChunkMarshaller()).build();
        return ServerMethodDefinition.create(descriptor, typed.getServerCallHandler());
    }
}
