package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.UpdateChunk;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transient upload failures (no free upload slot, an upload the client abandons) are not the client's answer for the
 * round: it may upload again before the deadline, and the round aggregates both clients.
 */
class UploadSlotsTest {
    @Test
    void submitUpdate_slotBusyThenAbandonedUpload_bothClientsRetryAndAreAggregated(@TempDir Path dir) throws Exception {
        // One upload slot; both clients needed. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("slots", null, 0, null, null, 1, 2, 1.0, 2, 20.0, 30.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false),
                new FederationConfig.Aggregation("examples", null, 1), null, dir.toString(), 5L);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(config)) {
            CoordinatorServer server = coordinator.server;
            ManagedChannel channel = coordinator.channel;
            List<FakeClient> ab = coordinator.joinAndEvaluateInitial("unit-a", "unit-b");
            FakeClient a = ab.get(0);
            FakeClient b = ab.get(1);
            Task ta = a.nextTask();
            Task tb = b.nextTask();
            ModelLayout layout = server.run().global().weights().layout();

            // unit-a opens an upload and holds the only slot (header sent, no payload yet).
            CompletableFuture<SubmitUpdateResponse> stalled = new CompletableFuture<>();
            StreamObserver<UpdateChunk> held = a.startUpload(stalled);
            held.onNext(UpdateChunk.newBuilder().setHeader(a.header(ta, layout)
                    .setPayloadSha256("0".repeat(64))).build());

            Exception busy = assertThrows(Exception.class, () -> b.upload(b.header(tb, layout), layout, 0.3f));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, ((StatusRuntimeException) busy).getStatus().getCode());

            // unit-a abandons its upload; the slot frees and neither client has "answered" the round.
            held.onError(new RuntimeException("client gave up"));
            assertTrue(b.upload(b.header(tb, layout), layout, 0.3f).getAccepted());
            assertTrue(a.upload(a.header(ta, layout), layout, 0.1f).getAccepted());

            a.evaluate(a.nextTask());
            b.evaluate(b.nextTask());
            RunResult result = server.run().awaitResult();
            assertEquals("completed", result.status(), result.reason());
            assertEquals(List.of("unit-a", "unit-b"), result.history().get(0).reported());
            assertTrue(result.history().get(0).failures().isEmpty(), result.history().get(0).failures().toString());
        }
    }

    @Test
    void submitUpdate_uploadStallsAfterHeader_droppedAfterIdleTimeoutFreeingTheSlot(@TempDir Path dir) throws Exception {
        // One upload slot, a 0.5 s idle timeout. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("idle", null, 0, null, null, 1, 2, 1.0, 2, 20.0, 30.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false),
                new FederationConfig.Aggregation("examples", null, 1, 0.5), null, dir.toString(), 5L);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(config)) {
            List<FakeClient> ab = coordinator.joinAndEvaluateInitial("unit-a", "unit-b");
            FakeClient a = ab.get(0);
            FakeClient b = ab.get(1);
            Task ta = a.nextTask();
            Task tb = b.nextTask();
            ModelLayout layout = coordinator.server.run().global().weights().layout();

            CompletableFuture<SubmitUpdateResponse> stalled = new CompletableFuture<>();
            StreamObserver<UpdateChunk> held = a.startUpload(stalled);
            held.onNext(UpdateChunk.newBuilder().setHeader(a.header(ta, layout)
                    .setPayloadSha256("0".repeat(64))).build());
            // Nothing more is sent: the coordinator drops the upload on its own.
            java.util.concurrent.ExecutionException dropped = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> stalled.get(10, java.util.concurrent.TimeUnit.SECONDS));
            Status status = Status.fromThrowable(dropped.getCause());
            assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
            assertTrue(status.getDescription().contains("upload-idle-timeout-seconds"), status.getDescription());

            assertTrue(b.upload(b.header(tb, layout), layout, 0.3f).getAccepted());
            assertTrue(a.upload(a.header(ta, layout), layout, 0.1f).getAccepted());
            a.evaluate(a.nextTask());
            b.evaluate(b.nextTask());
            RunResult result = coordinator.server.run().awaitResult();
            assertEquals(List.of("unit-a", "unit-b"), result.history().get(0).reported());
        }
    }
}
