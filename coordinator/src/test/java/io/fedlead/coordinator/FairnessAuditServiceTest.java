package io.fedlead.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.proto.v1.EvaluationReport;
import io.fedlead.proto.v1.GroupHistogram;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.TaskType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fairness audit at the coordinator's RPC edge (in-process): the evaluation task names the audit columns, bad group
 * histograms are refused naming the request field, a client that sends none is audited around, and the final audit is
 * written to audit.json and the final model's provenance.
 */
class FairnessAuditServiceTest {
    static final int BINS = FederationRun.HISTOGRAM_BINS;

    @TempDir
    Path dir;
    InProcessCoordinator coordinator;

    @AfterEach
    void tearDown() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    /** One round, two clients, one update enough; audit by region and demo_requested, groups of 1 lead shown. */
    static FederationConfig config(Path dir, List<String> auditGroups, int minGroupSize) {
        // Stated privacy: C = 1, z = 0.5.
        return new FederationConfig("audit", null, 0, null, null, 1, 2, 1.0, 1, 10.0, 30.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false), null, null, dir.toString(), 7L,
                new FederationConfig.Evaluation(auditGroups, minGroupSize), null);
    }

    static GroupHistogram.Builder group(String column, String value, int positiveBin, int negativeBin) {
        GroupHistogram.Builder g = GroupHistogram.newBuilder().setColumn(column).setValue(value)
                .setExampleCount((positiveBin >= 0 ? 1 : 0) + (negativeBin >= 0 ? 1 : 0));
        for (int i = 0; i < BINS; i++) {
            g.addPositiveHistogram(i == positiveBin ? 1 : 0).addNegativeHistogram(i == negativeBin ? 1 : 0);
        }
        return g;
    }

    /**
     * FakeClient's two holdout leads (a positive at bin 900, a negative at bin 100) with their groups: the positive is
     * in emea and requested a demo, the negative is in apac and did not.
     */
    static EvaluationReport.Builder report(FakeClient c, Task t) {
        EvaluationReport.Builder b = EvaluationReport.newBuilder().setClientId(c.session.getClientId())
                .setSessionToken(c.session.getSessionToken()).setRunId(t.getRunId()).setRound(t.getRound())
                .setModelVersion(t.getModelVersion()).setExampleCount(2).setLossSum(1.2);
        for (int i = 0; i < BINS; i++) {
            b.addPositiveHistogram(i == 900 ? 1 : 0).addNegativeHistogram(i == 100 ? 1 : 0);
        }
        return b.addGroupHistograms(group("region", "emea", 900, -1))
                .addGroupHistograms(group("region", "apac", -1, 100))
                .addGroupHistograms(group("demo_requested", "true", 900, -1))
                .addGroupHistograms(group("demo_requested", "false", -1, 100));
    }

    private static void assertRefused(FakeClient c, Task t, UnaryOperator<EvaluationReport.Builder> bend,
                                      String... expected) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> c.stub.submitEvaluation(bend.apply(report(c, t)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        for (String s : expected) {
            assertTrue(e.getStatus().getDescription().contains(s), e.getStatus().getDescription());
        }
    }

    @Test
    void submitEvaluation_badGroupHistograms_invalidArgumentNamingTheField() throws Exception {
        coordinator = InProcessCoordinator.start(config(dir, List.of("region", "demo_requested"), 1));
        String schema = new io.fedlead.core.features.SyntheticLeadGenerator(1).schema().toCanonicalJson();
        FakeClient a = coordinator.join("unit-a", schema);
        coordinator.join("unit-b", schema); // round 0 starts once min-clients (2) joined
        Task t = a.nextTask();
        assertEquals(TaskType.TASK_TYPE_EVALUATE, t.getType());
        assertEquals(List.of("region", "demo_requested"), t.getEvaluation().getAuditColumnsList());

        assertRefused(a, t, r -> r.addGroupHistograms(group("industry", "retail", -1, -1).setExampleCount(0)),
                "group_histograms[4].column 'industry' was not asked for", "[region, demo_requested]");
        assertRefused(a, t, r -> r.setGroupHistograms(0, group("region", "mars", 900, -1)),
                "group_histograms[0].value 'mars' is not a group of column 'region'", "latam, other, <missing>");
        assertRefused(a, t, r -> r.setGroupHistograms(1, group("region", "emea", -1, 100)),
                "group_histograms[1]: column 'region' group 'emea' is reported twice");
        assertRefused(a, t, r -> r.setGroupHistograms(0, group("region", "emea", 900, -1).addPositiveHistogram(0)),
                "group_histograms[0] histograms must have 1000 bins, got 1001 positive");
        assertRefused(a, t, r -> r.setGroupHistograms(0, group("region", "emea", 900, -1).setNegativeHistogram(5, -1)),
                "group_histograms[0] bin 5 holds 0 positive and -1 negative");
        assertRefused(a, t, r -> r.setGroupHistograms(2, group("demo_requested", "true", 900, -1).setExampleCount(3)),
                "group_histograms[2].example_count is 3 but its histograms hold 1");
        assertRefused(a, t, r -> r.setGroupHistograms(0, group("region", "emea", 901, -1)),
                "group_histograms of column 'region' do not add up to positive_histogram/negative_histogram at bin 900");
        assertRefused(a, t, r -> r.removeGroupHistograms(3).removeGroupHistograms(2),
                "group_histograms has no group of column 'demo_requested'");
        assertRefused(a, t, r -> r.addGroupHistograms(group("region", "latam", -1, -1).setExampleCount(0)),
                "group_histograms[4] (column 'region' group 'latam') holds no examples");

        // The well-formed report is still accepted after all that.
        assertTrue(a.stub.submitEvaluation(report(a, t).build()).getAccepted());
    }

    @Test
    void run_oneClientWithGroupsOneWithout_auditWrittenToAuditJsonAndProvenance() throws Exception {
        coordinator = InProcessCoordinator.start(config(dir, List.of("region", "demo_requested"), 1));
        String schema = new io.fedlead.core.features.SyntheticLeadGenerator(1).schema().toCanonicalJson();
        FakeClient a = coordinator.join("unit-a", schema);
        FakeClient b = coordinator.join("unit-b", schema);
        a.stub.submitEvaluation(report(a, a.nextTask()).build());
        b.evaluate(b.nextTask()); // no group histograms: a client that predates the audit

        Task ta = a.nextTask();
        b.decline(b.nextTask(), "test: sits this round out");
        ModelLayout layout = coordinator.server.run().global().weights().layout();
        assertTrue(a.upload(a.header(ta, layout), layout, 0.01f).getAccepted());
        a.stub.submitEvaluation(report(a, a.nextTask()).build());
        b.evaluate(b.nextTask());
        RunResult result = coordinator.server.run().awaitResult();
        assertEquals("completed", result.status(), result.reason());

        JsonNode audit = new ObjectMapper().readTree(dir.resolve("audit").resolve("audit.json").toFile());
        assertEquals("r1", audit.get("model-version").asText());
        assertEquals(List.of("unit-b"), List.of(audit.get("clients-without-group-histograms").get(0).asText()));
        assertEquals(4, audit.get("overall").get("examples").asLong(), "both clients' leads count overall");
        JsonNode region = audit.get("columns").get(0);
        assertEquals("region", region.get("column").asText());
        assertEquals(2, region.get("examples").asLong(), "only unit-a's leads are in groups");
        // Schema order: north_america, emea, apac, latam; only the groups present are listed.
        assertEquals("emea", region.get("groups").get(0).get("value").asText());
        assertEquals("apac", region.get("groups").get(1).get("value").asText());
        assertEquals(1.0, region.get("groups").get(0).get("base-rate").asDouble());
        assertTrue(region.get("groups").get(0).get("auc").isNull(), "one class: no AUC");
        // Pooled bins: 2 leads at 900, 2 at 100; grade A = the top quarter = half of bin 900. emea's lead is there.
        assertEquals(0.5, region.get("groups").get(0).get("grade-a-share").asDouble(), 1e-12);
        assertEquals(0.0, region.get("groups").get(1).get("grade-a-share").asDouble(), 1e-12);
        assertEquals(0.0, region.get("groups").get(1).get("selection-rate-ratio").asDouble(), 1e-12);
        assertEquals("apac", region.get("below-four-fifths").get(0).asText());

        String provenance = Files.readString(dir.resolve("audit").resolve("final").resolve("model.provenance.json"));
        JsonNode p = new ObjectMapper().readTree(provenance);
        assertEquals(audit, p.get("fairness-audit"));
        assertTrue(Files.readString(dir.resolve("audit").resolve("round-001").resolve("model.provenance.json"))
                .contains("fairness-audit"));
    }

    @Test
    void run_groupSmallerThanTheMinimum_suppressedWithItsSizeOnly() throws Exception {
        coordinator = InProcessCoordinator.start(config(dir, List.of("region"), 2));
        String schema = new io.fedlead.core.features.SyntheticLeadGenerator(1).schema().toCanonicalJson();
        FakeClient a = coordinator.join("unit-a", schema);
        FakeClient b = coordinator.join("unit-b", schema);
        // Both clients: their positive in emea, their negative in apac, so each group has 2 leads overall...
        a.stub.submitEvaluation(report(a, a.nextTask()).removeGroupHistograms(3).removeGroupHistograms(2).build());
        // ...except that unit-b's negative is in latam: apac and latam then hold one lead each.
        EvaluationReport.Builder rb = report(b, b.nextTask()).removeGroupHistograms(3).removeGroupHistograms(2);
        rb.setGroupHistograms(1, group("region", "latam", -1, 100));
        b.stub.submitEvaluation(rb.build());
        coordinator.server.stop(); // ends the run during round 1: the final model is r0, audited above
        assertEquals("stopped", coordinator.server.run().awaitResult().status());

        JsonNode groups = new ObjectMapper().readTree(dir.resolve("audit").resolve("audit.json").toFile())
                .get("columns").get(0).get("groups");
        assertEquals("emea", groups.get(0).get("value").asText());
        assertEquals(false, groups.get(0).get("suppressed").asBoolean());
        assertEquals(2, groups.get(0).get("examples").asLong());
        for (int i = 1; i <= 2; i++) {
            JsonNode g = groups.get(i);
            assertTrue(g.get("suppressed").asBoolean(), g.toString());
            assertEquals(1, g.get("examples").asLong());
            assertTrue(!g.has("base-rate") && !g.has("auc") && !g.has("grade-a-share"), g.toString());
        }
    }

    @Test
    void create_numericOrUnknownAuditColumn_refusedNamingTheKeyAndColumn() {
        IllegalArgumentException numeric = assertThrows(IllegalArgumentException.class, () -> CoordinatorServer.create(
                config(dir, List.of("region", "company_size"), 30),
                InProcessServerBuilder.forName(InProcessServerBuilder.generateName()), RunListener.NONE));
        assertTrue(numeric.getMessage().startsWith("'evaluation.audit-groups': column 'company_size' is numeric"),
                numeric.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> CoordinatorServer.create(
                config(dir, List.of("country"), 30),
                InProcessServerBuilder.forName(InProcessServerBuilder.generateName()), RunListener.NONE));
        assertTrue(unknown.getMessage().contains("'evaluation.audit-groups': column 'country' is not a column of the schema")
                && unknown.getMessage().contains("region"), unknown.getMessage());
        assertTrue(Files.notExists(dir.resolve("audit")), "nothing written before the configuration is checked");
    }
}
