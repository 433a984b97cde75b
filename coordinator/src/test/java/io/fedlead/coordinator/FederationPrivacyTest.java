package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import io.fedlead.proto.v1.DeclineTaskRequest;
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
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's DP modes against hand-driven clients over an in-process channel: the fixed-denominator aggregate,
 * adaptive clipping's clip-norm update, and accounting of redone rounds, each checked against hand-computed values.
 */
class FederationPrivacyTest {
    @TempDir
    Path dir;
    CoordinatorServer server;
    ManagedChannel channel;
    FederationGrpc.FederationBlockingStub stub;
    final String schemaJson = new SyntheticLeadGenerator(1).schema().toCanonicalJson();

    private InProcessCoordinator coordinator;

    private void start(FederationConfig config) throws Exception {
        coordinator = InProcessCoordinator.start(config);
        server = coordinator.server;
        channel = coordinator.channel;
        stub = FakeClient.stub(channel);
    }

    /** Two clients, min-fit-clients {@code minFit}, z = 1, the given aggregation and training. */
    private static FederationConfig config(Path dir, int rounds, int minFit, int retries, String weighting,
                                           FederationConfig.Training training) {
        return new FederationConfig("priv", null, 0, null, null, rounds, 2, 1.0, minFit, 10.0, 30.0, retries,
                training, new FederationConfig.Aggregation(weighting, null, null), null, dir.toString(), 7L);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private final java.util.Map<String, FakeClient> clients = new java.util.HashMap<>();

    private JoinResponse join(String name) {
        FakeClient c = FakeClient.join(channel, name, schemaJson);
        clients.put(c.session.getClientId(), c);
        return c.session;
    }

    private FakeClient client(JoinResponse c) {
        return clients.get(c.getClientId());
    }

    private Task nextTask(JoinResponse c) {
        return client(c).nextTask();
    }

    private void evaluateBoth(JoinResponse a, JoinResponse b) {
        for (JoinResponse c : List.of(a, b)) {
            Task t = nextTask(c);
            assertEquals(TaskType.TASK_TYPE_EVALUATE, t.getType());
            client(c).evaluate(t);
        }
    }

    private SubmitUpdateResponse upload(JoinResponse c, Task t, long examples, float value, double bit) throws Exception {
        ModelLayout layout = server.run().global().weights().layout();
        return client(c).upload(client(c).header(t, layout).setExampleCount(examples).setNoisedUnclippedBit(bit),
                layout, value);
    }

    private void decline(JoinResponse c, Task t, String reason) {
        assertTrue(client(c).decline(t, reason));
    }

    private static void assertAllNear(float[] expected, float[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "coordinate " + i);
        }
    }

    @Test
    void fixedDenominator_oneClientDeclines_sumDividedByExpectedClientsNotByReporters() throws Exception {
        start(config(dir, 1, 1, 0, "fixed-denominator", new FederationConfig.Training(1, 32, 0.1, 1.0, 1.0, false, false)));
        JoinResponse a = join("unit-a");
        JoinResponse b = join("unit-b");
        evaluateBoth(a, b);
        Task ta = nextTask(a);
        Task tb = nextTask(b);
        float[] r0 = server.run().global().weights().values();
        decline(a, ta, "not today");
        assertTrue(upload(b, tb, 300, 0.03f, 0).getAccepted());
        evaluateBoth(a, b);
        RunResult result = server.run().awaitResult();
        assertEquals("completed", result.status(), result.reason());
        RoundSummary s = result.history().get(0);
        assertEquals(List.of("unit-b"), s.reported());
        assertEquals("not today", s.declined().get("unit-a"));
        // q = fraction-fit = 1, N = 2 active: aggregate = 0.03 / (1 * 2) = 0.015 (a mean over reporters would be 0.03).
        float[] expected = new float[r0.length];
        for (int i = 0; i < r0.length; i++) {
            expected[i] = r0[i] + 0.015f;
        }
        assertAllNear(expected, result.model().weights().values(), 1e-6);
        // Poisson sampling at q = 1: one step of the Gaussian mechanism with z = 1.
        double eps = RdpAccountant.withDefaultOrders().advance(1.0, 1.0, 1).epsilon(1e-5).epsilon();
        assertEquals(eps, s.epsilon(), 1e-12);
    }

    @Test
    void adaptiveClipping_reportedBits_nextRoundClipNormByHand() throws Exception {
        FederationConfig.AdaptiveClippingSettings ac = new FederationConfig.AdaptiveClippingSettings(true, 0.5, 0.5, 0.2, 1.0);
        start(config(dir, 2, 2, 0, "fixed-denominator", new FederationConfig.Training(1, 32, 0.1, 1.0, 1.0, false, false, ac)));
        JoinResponse a = join("unit-a");
        JoinResponse b = join("unit-b");
        evaluateBoth(a, b);
        Task ta = nextTask(a);
        Task tb = nextTask(b);
        assertEquals(0.5, ta.getSettings().getClipNorm());
        assertEquals(1.0, ta.getSettings().getClippedBitStddev());
        // z_Δ = (1^-2 - 2^-2)^(-1/2) = 2/√3.
        assertEquals(2 / Math.sqrt(3), ta.getSettings().getNoiseMultiplier(), 1e-12);
        upload(a, ta, 10, 0.01f, 0.7);
        upload(b, tb, 10, 0.01f, 0.5);
        evaluateBoth(a, b);
        Task ta2 = nextTask(a);
        Task tb2 = nextTask(b);
        // b̄ = mean(0.7, 0.5) + 0.5 = 1.1; C = 0.5 · exp(-0.2 · (1.1 - 0.5)).
        double c2 = 0.5 * Math.exp(-0.2 * 0.6);
        assertEquals(c2, ta2.getSettings().getClipNorm(), 1e-12);
        upload(a, ta2, 10, 0.01f, -0.5);
        upload(b, tb2, 10, 0.01f, -0.5);
        evaluateBoth(a, b);
        RunResult result = server.run().awaitResult();
        assertEquals("completed", result.status(), result.reason());
        assertEquals(0.5, result.history().get(0).clipNorm());
        assertEquals(c2, result.history().get(1).clipNorm(), 1e-12);
        // The accountant is charged z = 1 per round, not z_Δ.
        double eps = RdpAccountant.withDefaultOrders().advance(1.0, 1.0, 2).epsilon(1e-5).epsilon();
        assertEquals(eps, result.history().get(1).epsilon(), 1e-12);
    }

    @Test
    void redoneRound_attemptThatReleasedUpdates_isAccounted() throws Exception {
        start(config(dir, 1, 2, 1, "fixed-denominator", new FederationConfig.Training(1, 32, 0.1, 1.0, 1.0, false, false)));
        JoinResponse a = join("unit-a");
        JoinResponse b = join("unit-b");
        evaluateBoth(a, b);
        Task ta = nextTask(a);
        Task tb = nextTask(b);
        upload(a, ta, 10, 0.01f, 0);
        decline(b, tb, "busy");
        // 1 of 2 reported, min-fit-clients 2: the round is redone.
        Task ta2 = nextTask(a);
        Task tb2 = nextTask(b);
        assertEquals(1, ta2.getRound());
        upload(a, ta2, 10, 0.01f, 0);
        upload(b, tb2, 10, 0.01f, 0);
        evaluateBoth(a, b);
        RunResult result = server.run().awaitResult();
        assertEquals("completed", result.status(), result.reason());
        RoundSummary s = result.history().get(0);
        assertEquals(2, s.attempts());
        // Both attempts released noised updates: two steps, not one.
        double two = RdpAccountant.withDefaultOrders().advance(1.0, 1.0, 2).epsilon(1e-5).epsilon();
        assertEquals(two, s.epsilon(), 1e-12);
    }
}
