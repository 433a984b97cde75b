package io.fedlead.client;

import io.fedlead.coordinator.RoundSummary;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.privacy.NoiseSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coordinator and three client nodes over real loopback TCP, real DL4J training, clipped and noised updates. */
class FederationEndToEndTest {
    // Privacy settings this test runs with (stated, as every run must): C = 1.0, z = 0.1 (a small multiplier: three clients average little noise away).
    static final double CLIP_NORM = 1.0;
    static final double NOISE_MULTIPLIER = 0.1;

    @Test
    void run_threeSyntheticUnitsOverTcp_learnsBeyondInitialModel(@TempDir Path dir) throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(11);
        FeatureSchema schema = gen.schema();
        FederationConfig config = FederationConfig.defaults().with("e2e", 0, 4, 3, dir.toString())
                .withTraining(new FederationConfig.Training(2, 64, 0.3, CLIP_NORM, NOISE_MULTIPLIER, false, false));
        List<RoundSummary> rounds = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void onInitialEvaluation(RoundSummary s) {
                System.out.println(s.line());
            }

            @Override
            public void onRound(RoundSummary s) {
                System.out.println(s.line());
                rounds.add(s);
            }
        };
        RunResult result;
        List<ClientOutcome> outcomes;
        try (LoopbackFederation fed = new LoopbackFederation(config, listener)) {
            for (int u = 0; u < 3; u++) {
                LocalData data = LocalData.of(gen.generate(u, 1500), schema, false, 0.2,
                        NoiseSources.seededForSimulation(u));
                fed.startNode(SyntheticLeadGenerator.unitName(u), data, 100 + u, ClientListener.NONE);
            }
            result = fed.coordinator.run().awaitResult();
            outcomes = fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        assertEquals(4, result.history().size());
        assertEquals(4, rounds.size());
        double initial = result.initial().federatedAuc();
        double last = result.history().get(3).federatedAuc();
        assertTrue(last > 0.75, "final federated AUC " + last);
        assertTrue(last > initial + 0.05, "final AUC " + last + " vs initial " + initial);
        for (RoundSummary s : result.history()) {
            assertEquals(3, s.reported().size(), s.line());
            assertEquals(CLIP_NORM, s.clipNorm());
            assertEquals(NOISE_MULTIPLIER, s.noiseMultiplier());
        }
        for (ClientOutcome o : outcomes) {
            assertEquals(4, o.rounds());
            assertEquals(5, o.evaluations()); // initial model + one per round
        }
        Path model = result.finalModel().orElseThrow();
        assertTrue(Files.exists(model));
        assertTrue(Files.exists(dir.resolve("e2e").resolve("round-004").resolve("model.zip")));
        ModelCheckpoint.LoadedModel loaded = ModelCheckpoint.load(model);
        Map<String, Object> p = loaded.provenance();
        assertEquals(4, ((Number) p.get("round")).intValue());
        assertEquals("e2e", p.get("run-id"));
        assertTrue(p.containsKey("config") && p.containsKey("versions") && p.containsKey("schema-json"), p.keySet().toString());
    }
}
