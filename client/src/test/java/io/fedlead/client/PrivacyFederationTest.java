package io.fedlead.client;

import io.fedlead.coordinator.RoundSummary;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Privacy budgets end to end over TCP with real client nodes: the coordinator stops at its target ε, and a client
 * declines once its own budget would be exceeded while the run goes on with the others; the clients' ledgers hold the
 * SHA-256 of exactly the payloads that crossed the wire.
 */
@SuppressWarnings("unchecked")
class PrivacyFederationTest {
    // Stated privacy of these runs: C = 1, z = 1, δ = 1e-5, Poisson sampling at q = fraction-fit = 1.
    static final double Z = 1.0;
    static final double DELTA = 1e-5;

    static double epsilon(int steps) {
        return RdpAccountant.withDefaultOrders().advance(1.0, Z, steps).epsilon(DELTA).epsilon();
    }

    static FederationConfig config(Path dir, String runId, int rounds, int minFit, double targetEpsilon) {
        return new FederationConfig(runId, null, 0, null, null, rounds, 2, 1.0, minFit, 60.0, 60.0, 0,
                new FederationConfig.Training(1, 64, 0.1, 1.0, Z, false, false),
                new FederationConfig.Aggregation("fixed-denominator", null, null),
                new FederationConfig.Privacy(DELTA, targetEpsilon), dir.toString(), 3L);
    }

    static LocalData data(SyntheticLeadGenerator gen, int unit) {
        return LocalData.of(gen.generate(unit, 300), gen.schema(), false, 0.2, NoiseSources.seededForSimulation(unit));
    }

    static ClientPrivacy ledgered(Path ledger, OptionalDouble max, long noiseSeed) {
        return new ClientPrivacy(Optional.of(UpdateLedger.open(ledger)), max, DELTA,
                NoiseSources.simulationDescription(noiseSeed), Clock.systemUTC());
    }

    void start(LoopbackFederation fed, String name, LocalData data, long seed, ClientPrivacy privacy) {
        fed.startNode(ClientNodeConfig.defaults(name), data, new LocalTrainer(NoiseSources.seededForSimulation(seed)),
                new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(seed + 1))),
                ClientListener.NONE, privacy);
    }

    @Test
    void run_poissonSamplingAtHalf_chargesQHalfPerAttemptThatReleasedUpdates(@TempDir Path dir) throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(23);
        // Four clients, each sampled with q = 0.5 per round (fixed-denominator mode); one update is enough.
        FederationConfig config = new FederationConfig("poisson", null, 0, null, null, 3, 4, 0.5, 1, 30.0, 60.0, 10,
                new FederationConfig.Training(1, 64, 0.1, 1.0, Z, false, false),
                new FederationConfig.Aggregation("fixed-denominator", null, null),
                new FederationConfig.Privacy(DELTA, 0.0), dir.toString(), 5L);
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config, RunListener.NONE)) {
            for (int u = 0; u < 4; u++) {
                start(fed, SyntheticLeadGenerator.unitName(u), data(gen, u), 30 + 2L * u,
                        ClientPrivacy.unrecorded(NoiseSources.simulationDescription(31 + 2L * u)));
            }
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        Map<String, Object> privacy = (Map<String, Object>) ModelCheckpoint.load(result.finalModel().orElseThrow())
                .provenance().get("privacy");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) privacy.get("steps");
        assertTrue(steps.size() >= 3, "at least one charged attempt per round: " + steps);
        for (Map<String, Object> step : steps) {
            assertEquals(0.5, ((Number) step.get("sample-rate")).doubleValue());
        }
        double expected = RdpAccountant.withDefaultOrders().advance(0.5, Z, steps.size()).epsilon(DELTA).epsilon();
        assertEquals(expected, result.history().get(2).epsilon(), 1e-9);
        assertTrue(expected < epsilon(steps.size()), "sampling at q = 0.5 costs less than q = 1");
        // Poisson sampling: the rounds' cohorts are random subsets, not always all four clients.
        assertTrue(result.history().stream().anyMatch(s -> s.selected().size() < 4)
                || result.history().stream().anyMatch(s -> s.attempts() > 1), result.history().toString());
    }

    @Test
    void run_targetEpsilonFitsTwoRounds_budgetExhaustedAfterTwo(@TempDir Path dir) throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(21);
        double target = (epsilon(2) + epsilon(3)) / 2;
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config(dir, "budget", 5, 2, target), RunListener.NONE)) {
            for (int u = 0; u < 2; u++) {
                start(fed, SyntheticLeadGenerator.unitName(u), data(gen, u), 10 + 2L * u,
                        ClientPrivacy.unrecorded(NoiseSources.simulationDescription(11 + 2L * u)));
            }
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("budget-exhausted", result.status(), result.reason());
        assertEquals(2, result.history().size());
        assertEquals(epsilon(2), result.history().get(1).epsilon(), 1e-12);
        String reason = result.reason();
        assertTrue(reason.contains("epsilon") && reason.contains(String.format(Locale.ROOT, "%.4f", epsilon(2)))
                && reason.contains(String.format(Locale.ROOT, "%.4f", epsilon(3)))
                && reason.contains(String.format(Locale.ROOT, "target-epsilon %.4f", target)), reason);
    }

    @Test
    void run_clientBudgetFitsOneUpdate_declinesRoundTwoRunGoesOnAndLedgersHashWhatCrossedTheWire(@TempDir Path dir)
            throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(22);
        FeatureSchema schema = gen.schema();
        assertEquals(schema.fingerprint(), gen.schema().fingerprint());
        Path ledgerA = dir.resolve("unit-a.ledger.jsonl");
        Path ledgerB = dir.resolve("unit-b.ledger.jsonl");
        double max = (epsilon(1) + epsilon(2)) / 2; // one participation at q = 1, z = 1 fits, two do not
        WireCaptureTest.UpdateCapture capture = new WireCaptureTest.UpdateCapture();
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config(dir, "declines", 2, 1, 0), RunListener.NONE, capture)) {
            start(fed, "unit-a", data(gen, 0), 30, ledgered(ledgerA, OptionalDouble.of(max), 31));
            start(fed, "unit-b", data(gen, 1), 40, ledgered(ledgerB, OptionalDouble.empty(), 41));
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        RoundSummary r1 = result.history().get(0);
        RoundSummary r2 = result.history().get(1);
        assertEquals(List.of("unit-a", "unit-b"), r1.reported());
        assertEquals(List.of("unit-b"), r2.reported());
        String why = r2.declined().get("unit-a");
        assertTrue(why != null && why.contains("max-epsilon") && why.contains(String.format(Locale.ROOT, "%.4f", epsilon(1)))
                && why.contains(String.format(Locale.ROOT, "%.4f", epsilon(2))), String.valueOf(r2.declined()));

        List<LedgerEntry> a = UpdateLedger.read(ledgerA);
        List<LedgerEntry> b = UpdateLedger.read(ledgerB);
        assertEquals(1, a.size());
        assertEquals(2, b.size());
        assertEquals(epsilon(1), a.get(0).epsilon(), 1e-12);
        assertEquals(epsilon(2), b.get(1).epsilon(), 1e-12);
        assertEquals("fixed seed 31 (simulation)", a.get(0).noise());
        assertEquals(List.of(1, 2), b.stream().map(LedgerEntry::round).toList());
        assertEquals("r1", b.get(1).modelVersion());
        // The ledgers' hashes are exactly the hashes of the payload bytes the coordinator received.
        Set<String> wire = capture.payloads.stream().map(ModelWeights::sha256Hex).collect(Collectors.toSet());
        Set<String> ledgers = new HashSet<>();
        a.forEach(e -> ledgers.add(e.payloadSha256()));
        b.forEach(e -> ledgers.add(e.payloadSha256()));
        assertEquals(3, capture.payloads.size());
        assertEquals(wire, ledgers);
    }
}
