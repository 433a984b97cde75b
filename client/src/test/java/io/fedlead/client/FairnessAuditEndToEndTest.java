package io.fedlead.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.features.AuditColumn;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.privacy.NoiseSources;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fairness audit end to end: a coordinator and two client nodes over loopback TCP, two rounds of a logistic model,
 * audit by region, source and demo_requested. The audit the coordinator writes is checked against the same figures
 * computed directly from the nodes' holdout rows and the saved final model.
 */
class FairnessAuditEndToEndTest {
    static final List<String> COLUMNS = List.of("region", "source", "demo_requested");
    static final int MIN_GROUP_SIZE = 10;

    @Test
    void run_twoNodesTwoRounds_auditJsonMatchesTheHoldoutRows(@TempDir Path dir) throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(17);
        // Stated privacy: C = 1.0, z = 0.1.
        FederationConfig config = FederationConfig.defaults().with("fair", 0, 2, 2, dir.toString())
                .withTraining(new FederationConfig.Training(1, 64, 0.3, 1.0, 0.1, false, false))
                .withEvaluation(new FederationConfig.Evaluation(COLUMNS, MIN_GROUP_SIZE));
        List<String> messages = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void onMessage(String message) {
                messages.add(message);
            }
        };
        List<LocalData> nodes = new ArrayList<>();
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config, listener)) {
            for (int u : new int[]{0, 3}) { // unit-a (mostly North America) and unit-d (mixed regions)
                LocalData data = LocalData.of(gen.generate(u, 500), gen.schema(), false, 0.2,
                        NoiseSources.seededForSimulation(u));
                nodes.add(data);
                fed.startNode(SyntheticLeadGenerator.unitName(u), data, 200 + u, ClientListener.NONE);
            }
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());

        Path runDir = dir.resolve("fair");
        JsonNode audit = new ObjectMapper().readTree(runDir.resolve("audit.json").toFile());
        long pooled = result.last().orElseThrow().evalExamples();
        assertEquals(200, pooled);
        assertEquals("r2", audit.get("model-version").asText());
        assertEquals(pooled, audit.get("overall").get("examples").asLong());
        assertEquals(0, audit.get("clients-without-group-histograms").size());

        // What the audit should say, from the rows themselves and the saved model.
        MultiLayerNetwork model = ModelCheckpoint.load(result.finalModel().orElseThrow()).net();
        List<float[]> scores = new ArrayList<>();
        for (LocalData d : nodes) {
            EncodedLeads h = d.holdout();
            scores.add(BinaryMetrics.predict(model, h.features(), h.rows(), h.width()));
        }
        assertEquals(COLUMNS.size(), audit.get("columns").size());
        int checkedAucs = 0;
        for (int c = 0; c < COLUMNS.size(); c++) {
            JsonNode column = audit.get("columns").get(c);
            assertEquals(COLUMNS.get(c), column.get("column").asText());
            long sum = 0;
            for (JsonNode g : column.get("groups")) {
                sum += g.get("examples").asLong();
                Expected e = expected(nodes, scores, COLUMNS.get(c), g.get("value").asText());
                assertEquals(e.examples(), g.get("examples").asLong(), g.toString());
                assertEquals(e.examples() < MIN_GROUP_SIZE, g.get("suppressed").asBoolean(), g.toString());
                if (g.get("suppressed").asBoolean()) {
                    assertTrue(!g.has("auc") && !g.has("positives"), g.toString());
                    continue;
                }
                assertEquals(e.positives(), g.get("positives").asLong(), g.toString());
                assertEquals(e.meanScore(), g.get("mean-predicted").asDouble(), 0.0005, g.toString());
                assertEquals(e.meanScore() - (double) e.positives() / e.examples(),
                        g.get("calibration-gap").asDouble(), 0.0005, g.toString());
                if (!Double.isNaN(e.auc())) {
                    // 1,000 bins: only scores within 0.001 of each other can be mis-ordered.
                    assertEquals(e.auc(), g.get("auc").asDouble(), 0.01, g.toString());
                    checkedAucs++;
                }
            }
            assertEquals(pooled, sum, "every holdout lead is in exactly one " + COLUMNS.get(c) + " group");
            assertEquals(pooled, column.get("examples").asLong());
        }
        assertTrue(checkedAucs >= 5, "AUCs compared: " + checkedAucs);

        JsonNode provenance = new ObjectMapper().readTree(runDir.resolve("final").resolve("model.provenance.json").toFile());
        assertEquals(audit, provenance.get("fairness-audit"));
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("fairness audit of model r2 (round 2): 200 holdout leads")
                && m.contains("north_america")), messages.toString());
    }

    record Expected(long examples, long positives, double meanScore, double auc) {
    }

    /** The group's figures computed from the nodes' holdout rows and the final model's scores. */
    static Expected expected(List<LocalData> nodes, List<float[]> scores, String column, String value) {
        List<Float> s = new ArrayList<>();
        List<Float> y = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            AuditColumn grouping = nodes.get(n).holdoutGroups().column(column).orElseThrow();
            int[] codes = nodes.get(n).holdoutGroups().codes(column);
            for (int i = 0; i < codes.length; i++) {
                if (grouping.groups().get(codes[i]).equals(value)) {
                    s.add(scores.get(n)[i]);
                    y.add(nodes.get(n).holdout().labels()[i]);
                }
            }
        }
        float[] sa = new float[s.size()];
        float[] ya = new float[y.size()];
        double mean = 0;
        long positives = 0;
        for (int i = 0; i < sa.length; i++) {
            sa[i] = s.get(i);
            ya[i] = y.get(i);
            mean += sa[i];
            positives += ya[i] == 1f ? 1 : 0;
        }
        return new Expected(sa.length, positives, sa.length == 0 ? Double.NaN : mean / sa.length,
                sa.length == 0 ? Double.NaN : BinaryMetrics.auc(sa, ya));
    }
}
