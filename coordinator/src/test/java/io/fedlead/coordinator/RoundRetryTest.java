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
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
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
        String name = InProcessServerBuilder.generateName();
        // Two clients, both needed; a 2 s round deadline; one retry allowed. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("retry", null, 0, null, null, 1, 2, 1.0, 2, 2.0, 30.0, 1,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false), null, null, dir.toString(), 3L);
        CoordinatorServer server = CoordinatorServer.create(config,
                InProcessServerBuilder.forName(name).directExecutor(), RunListener.NONE).start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            String schema = new SyntheticLeadGenerator(1).schema().toCanonicalJson();
            JoinResponse a = stub.join(JoinRequest.newBuilder().setClientName("unit-a").setSchemaJson(schema).build());
            JoinResponse b = stub.join(JoinRequest.newBuilder().setClientName("unit-b").setSchemaJson(schema).build());
            evaluate(stub, a, next(stub, a));
            evaluate(stub, b, next(stub, b));

            // Attempt 1: only unit-a answers; unit-b stays silent past the deadline.
            Task first = next(stub, a);
            assertEquals(TaskType.TASK_TYPE_TRAIN, first.getType());
            ModelLayout layout = server.run().global().weights().layout();
            assertTrue(upload(channel, a, first, layout, 0.5f).getAccepted());

            // Attempt 2 of round 1: both are asked again, from the same model version.
            Task againA = next(stub, a);
            Task againB = next(stub, b);
            assertEquals(1, againA.getRound());
            assertEquals("r0", againB.getModelVersion());
            assertTrue(upload(channel, a, againA, layout, 0.1f).getAccepted());
            assertTrue(upload(channel, b, againB, layout, 0.3f).getAccepted());
            evaluate(stub, a, next(stub, a));
            evaluate(stub, b, next(stub, b));

            RunResult result = server.run().awaitResult();
            assertEquals("completed", result.status(), result.reason());
            RoundSummary s = result.history().get(0);
            assertEquals(2, s.attempts());
            assertEquals(List.of("unit-a", "unit-b"), s.reported());
            // Only the second attempt's updates count: mean of 0.1 and 0.3 (equal example counts).
            float applied = result.model().weights().values()[5] - initial(server)[5];
            assertEquals(0.2f, applied, 1e-6);
        } finally {
            channel.shutdownNow();
            server.stop();
        }
    }

    private static float[] initial(CoordinatorServer server) {
        return server.run().model("r0").orElseThrow().weights().values();
    }

    private static Task next(FederationGrpc.FederationBlockingStub stub, JoinResponse c) {
        for (int i = 0; i < 50; i++) {
            PollTaskResponse r = stub.pollTask(PollTaskRequest.newBuilder().setClientId(c.getClientId())
                    .setSessionToken(c.getSessionToken()).setMaxWaitMillis(2_000).build());
            if (r.hasTask()) {
                return r.getTask();
            }
        }
        throw new AssertionError("no task");
    }

    private static void evaluate(FederationGrpc.FederationBlockingStub stub, JoinResponse c, Task t) {
        EvaluationReport.Builder b = EvaluationReport.newBuilder().setClientId(c.getClientId())
                .setSessionToken(c.getSessionToken()).setRunId(t.getRunId()).setRound(t.getRound())
                .setModelVersion(t.getModelVersion()).setExampleCount(0).setLossSum(0);
        for (int i = 0; i < FederationRun.HISTOGRAM_BINS; i++) {
            b.addPositiveHistogram(0).addNegativeHistogram(0);
        }
        stub.submitEvaluation(b.build());
    }

    private static SubmitUpdateResponse upload(ManagedChannel channel, JoinResponse c, Task t, ModelLayout layout,
                                               float value) throws Exception {
        float[] v = new float[layout.parameterCount()];
        java.util.Arrays.fill(v, value);
        CompletableFuture<SubmitUpdateResponse> done = new CompletableFuture<>();
        StreamObserver<UpdateChunk> out = FederationGrpc.newStub(channel).submitUpdate(new StreamObserver<>() {
            public void onNext(SubmitUpdateResponse r) {
                done.complete(r);
            }

            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }

            public void onCompleted() {
            }
        });
        out.onNext(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder().setClientId(c.getClientId())
                .setSessionToken(c.getSessionToken()).setRunId(t.getRunId()).setRound(t.getRound())
                .setModelVersion(t.getModelVersion()).setExampleCount(50).setLayout(WireLayouts.toProto(layout))
                .setTotalBytes(layout.byteSize()).setMetrics(LocalMetrics.newBuilder().setMeanLoss(0.3))).build());
        out.onNext(UpdateChunk.newBuilder().setData(ByteString.copyFrom(new ModelWeights(layout, v).toLittleEndianBytes()))
                .build());
        out.onCompleted();
        return done.get(30, TimeUnit.SECONDS);
    }
}
