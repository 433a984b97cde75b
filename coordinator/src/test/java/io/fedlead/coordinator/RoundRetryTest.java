package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.proto.v1.EvaluationReport;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.JoinRequest;
import io.fedlead.proto.v1.JoinResponse;
import io.fedlead.proto.v1.LocalMetrics;
import io.fedlead.proto.v1.PollTaskRequest;
import io.fedlead.proto.v1.PollTaskResponse;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.TaskType;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.fedlead.wire.WireLayouts;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A round whose deadline passes with fewer than min-fit-clients updates is redone, and the redo is aggregated. */
class RoundRetryTest {
    @Test
    void round_tooFewUpdatesBeforeDeadline_isRedoneAndThenAggregated(@TempDir Path dir) throws Exception {
        // Two clients, both needed; a 2 s round deadline; one retry allowed. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("retry", null, 0, null, null, 1, 2, 1.0, 2, 2.0, 30.0, 1,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false), null, null, dir.toString(), 3L);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(config)) {
            CoordinatorServer server = coordinator.server;
            ManagedChannel channel = coordinator.channel;
            List<FakeClient> ab = coordinator.joinAndEvaluateInitial("unit-a", "unit-b");
            FakeClient a = ab.get(0);
            FakeClient b = ab.get(1);

            // Attempt 1: only unit-a answers; unit-b stays silent past the deadline.
            Task first = a.nextTask();
            assertEquals(TaskType.TASK_TYPE_TRAIN, first.getType());
            ModelLayout layout = server.run().global().weights().layout();
            assertTrue(a.upload(a.header(first, layout).setExampleCount(50), layout, 0.5f).getAccepted());

            // Attempt 2 of round 1: both are asked again, from the same model version.
            Task againA = a.nextTask();
            Task againB = b.nextTask();
            assertEquals(1, againA.getRound());
            assertEquals("r0", againB.getModelVersion());
            assertTrue(a.upload(a.header(againA, layout).setExampleCount(50), layout, 0.1f).getAccepted());
            assertTrue(b.upload(b.header(againB, layout).setExampleCount(50), layout, 0.3f).getAccepted());
            a.evaluate(a.nextTask());
            b.evaluate(b.nextTask());

            RunResult result = server.run().awaitResult();
            assertEquals("completed", result.status(), result.reason());
            RoundSummary s = result.history().get(0);
            assertEquals(2, s.attempts());
            assertEquals(List.of("unit-a", "unit-b"), s.reported());
            // Only the second attempt's updates count: mean of 0.1 and 0.3 (equal example counts).
            float applied = result.model().weights().values()[5] - initial(server)[5];
            assertEquals(0.2f, applied, 1e-6);
        }
    }

    private static float[] initial(CoordinatorServer server) {
        return server.run().model("r0").orElseThrow().weights().values();
    }
}
