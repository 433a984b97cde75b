package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;
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
import io.fedlead.wire.Chunks;
import io.fedlead.wire.WireLayouts;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's RPC edge against hand-made requests over an in-process channel: bad input gets a status that names
 * the bad value, and never disturbs the round or what was already accepted.
 */
class FederationServiceTest {
    @TempDir
    Path dir;
    CoordinatorServer server;
    ManagedChannel channel;
    FederationGrpc.FederationBlockingStub stub;
    String schemaJson;

    InProcessCoordinator coordinator;

    @BeforeEach
    void setUp() throws Exception {
        // Two clients must join; one accepted update is enough to aggregate. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("svc", null, 0, null, null, 1, 2, 1.0, 1, 10.0, 30.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false), null, null, dir.toString(), 7L);
        coordinator = InProcessCoordinator.start(config);
        server = coordinator.server;
        channel = coordinator.channel;
        stub = FakeClient.stub(channel);
        schemaJson = new SyntheticLeadGenerator(1).schema().toCanonicalJson();
    }

    @AfterEach
    void tearDown() throws Exception {
        coordinator.close();
    }

    private final java.util.Map<String, FakeClient> clients = new java.util.HashMap<>();

    private JoinResponse join(String name) {
        FakeClient c = FakeClient.join(channel, name, schemaJson);
        clients.put(c.session.getClientId(), c);
        return c.session;
    }

    private Task nextTask(JoinResponse c) {
        return clients.get(c.getClientId()).nextTask();
    }

    private void evaluate(JoinResponse c, Task t) {
        clients.get(c.getClientId()).evaluate(t);
    }

    private SubmitUpdateResponse upload(UpdateHeader header, byte[] payload) throws Exception {
        return clients.get(header.getClientId()).upload(header.toBuilder(), payload);
    }

    private UpdateHeader.Builder header(JoinResponse c, Task t, ModelLayout layout) {
        return clients.get(c.getClientId()).header(t, layout);
    }

    private static Status.Code code(Exception e) {
        return ((StatusRuntimeException) e).getStatus().getCode();
    }

    @Test
    void join_schemaWithOtherCategory_failedPreconditionNamesTheDifference() {
        String changed = schemaJson.replace("\"retail\"", "\"shops\"");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.join(
                JoinRequest.newBuilder().setClientName("unit-x").setSchemaJson(changed).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("retail"), e.getStatus().getDescription());
    }

    @Test
    void join_layoutOfOtherModel_failedPrecondition() {
        ModelLayout other = new ModelLayout(List.of(new TensorSpec("0_W", List.of(3L, 1L)), new TensorSpec("0_b", List.of(1L, 1L))));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.join(JoinRequest.newBuilder()
                .setClientName("unit-y").setSchemaJson(schemaJson).setLayout(WireLayouts.toProto(other)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("0_W"), e.getStatus().getDescription());
    }

    @Test
    void join_otherModelSpec_failedPreconditionNamesTheFields() {
        String spec = io.fedlead.core.config.YamlConfig.toJson(io.fedlead.core.model.ModelSpec.mlp(List.of(8)));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.join(JoinRequest.newBuilder()
                .setClientName("unit-z").setSchemaJson(schemaJson).setModelSpecJson(spec).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(d.contains("type: coordinator logistic, client mlp") && d.contains("hidden-sizes: coordinator [], client [8]"), d);
    }

    @Test
    void pollTask_wrongToken_unauthenticated() {
        JoinResponse a = join("unit-a");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.pollTask(
                PollTaskRequest.newBuilder().setClientId(a.getClientId()).setSessionToken("forged").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }

    @Test
    void submitUpdate_badUpdates_rejectedWithReasonAndRoundAggregatesTheGoodOne() throws Exception {
        JoinResponse a = join("unit-a");
        JoinResponse b = join("unit-b");
        // Initial evaluation of r0 by both clients.
        Task ea = nextTask(a);
        Task eb = nextTask(b);
        assertEquals(TaskType.TASK_TYPE_EVALUATE, ea.getType());
        StatusRuntimeException badEval = assertThrows(StatusRuntimeException.class, () -> stub.submitEvaluation(
                EvaluationReport.newBuilder().setClientId(a.getClientId()).setSessionToken(a.getSessionToken())
                        .setRunId(ea.getRunId()).setRound(0).setModelVersion("r0").addPositiveHistogram(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badEval.getStatus().getCode());
        evaluate(a, ea);
        evaluate(b, eb);

        Task ta = nextTask(a);
        Task tb = nextTask(b);
        assertEquals(TaskType.TASK_TYPE_TRAIN, ta.getType());
        assertEquals(1, ta.getRound());
        assertEquals(1.0, ta.getSettings().getClipNorm());
        assertEquals(0.5, ta.getSettings().getNoiseMultiplier());
        GlobalModel r0 = server.run().global();
        ModelLayout layout = r0.weights().layout();
        int n = layout.parameterCount();

        float[] nan = new float[n];
        nan[3] = Float.NaN;
        Exception e1 = assertThrows(Exception.class, () -> upload(header(a, ta, layout).build(),
                new ModelWeights(layout, nan).toLittleEndianBytes()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(e1));
        assertTrue(e1.getMessage().contains("NaN") && e1.getMessage().contains(layout.tensors().get(0).name()), e1.getMessage());

        Exception stale = assertThrows(Exception.class, () -> upload(header(b, tb, layout).setRound(7).build(),
                new byte[(int) layout.byteSize()]));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(stale));
        assertTrue(stale.getMessage().contains("round 7"), stale.getMessage());

        Exception wrongSize = assertThrows(Exception.class, () -> upload(header(b, tb, layout).setTotalBytes(8).build(),
                new byte[8]));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(wrongSize));
        assertTrue(wrongSize.getMessage().contains("total_bytes is 8"), wrongSize.getMessage());

        float[] good = new float[n];
        java.util.Arrays.fill(good, 0.01f);
        SubmitUpdateResponse ok = upload(header(b, tb, layout).build(), new ModelWeights(layout, good).toLittleEndianBytes());
        assertTrue(ok.getAccepted());
        assertEquals(ModelWeights.sha256Hex(new ModelWeights(layout, good).toLittleEndianBytes()), ok.getReceivedSha256());

        // A second update from a client that already answered is refused.
        Exception again = assertThrows(Exception.class, () -> upload(header(a, ta, layout).build(),
                new ModelWeights(layout, good).toLittleEndianBytes()));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(again));

        Task ea1 = nextTask(a);
        Task eb1 = nextTask(b);
        assertEquals("r1", ea1.getModelVersion());
        evaluate(a, ea1);
        evaluate(b, eb1);
        RunResult result = server.run().awaitResult();
        assertEquals("completed", result.status(), result.reason());
        RoundSummary s = result.history().get(0);
        assertEquals(List.of("unit-b"), s.reported());
        assertTrue(s.failures().get("unit-a").contains("NaN"), s.failures().toString());
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = r0.weights().values()[i] + 0.01f;
        }
        float[] actual = result.model().weights().values();
        List<Integer> off = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (Math.abs(actual[i] - expected[i]) > 1e-6) {
                off.add(i);
            }
        }
        assertTrue(off.isEmpty(), "coordinates off: " + off);
    }
}
