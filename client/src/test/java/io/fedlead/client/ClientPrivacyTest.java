package io.fedlead.client;

import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.PrivatizedUpdate;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientPrivacyTest {
    static final String SHA = "ab".repeat(32);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    static double epsilonOfSteps(double z, int steps) {
        return RdpAccountant.withDefaultOrders().advance(1.0, z, steps).epsilon(1e-5).epsilon();
    }

    private static ClientPrivacy privacy(Path ledger, OptionalDouble max) {
        return new ClientPrivacy(Optional.of(UpdateLedger.open(ledger)), max, 1e-5,
                NoiseSources.simulationDescription(6), CLOCK);
    }

    private static LedgerEntry send(ClientPrivacy p, int round, double z) {
        return p.record("run-1", round, "r" + (round - 1), new PrivatizedUpdate(new float[2], 2.5, true, 1.0, z), 0,
                SHA, 120);
    }

    @Test
    void record_twoUpdates_epsilonComposesWithoutSamplingAmplification(@TempDir Path dir) {
        ClientPrivacy p = privacy(dir.resolve("a.ledger.jsonl"), OptionalDouble.empty());
        LedgerEntry first = send(p, 1, 1.0);
        LedgerEntry second = send(p, 2, 2.0);
        assertEquals(epsilonOfSteps(1.0, 1), first.epsilon(), 1e-12);
        double both = RdpAccountant.withDefaultOrders().advance(1.0, 1.0, 1).advance(1.0, 2.0, 1).epsilon(1e-5).epsilon();
        assertEquals(both, second.epsilon(), 1e-12);
        assertEquals(both, p.epsilon(), 1e-12);
        assertEquals("fixed seed 6 (simulation)", second.noise());
        assertEquals("2026-01-02T03:04:05Z", second.time());
    }

    @Test
    void refusal_taskNoiseBelowClientFloor_declinedNamingBoth(@TempDir Path dir) {
        ClientPrivacy p = new ClientPrivacy(Optional.of(UpdateLedger.open(dir.resolve("f.ledger.jsonl"))),
                OptionalDouble.empty(), 1e-5, NoiseSources.simulationDescription(6), CLOCK, 0.8);
        String why = p.refusal(0.5, 0).orElseThrow();
        assertTrue(why.contains("0.5000") && why.contains("min-noise-multiplier 0.8000"), why);
        assertTrue(p.refusal(0.0, 0).isPresent(), "no noise is below any positive floor");
        assertTrue(p.refusal(0.8, 0).isEmpty());
        assertTrue(p.refusal(1.5, 0).isEmpty());
    }

    @Test
    void open_afterRestart_readsLinesBackAndKeepsTheBudget(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.ledger.jsonl");
        send(privacy(file, OptionalDouble.empty()), 1, 1.0);
        assertEquals(1, Files.readAllLines(file).size());
        String line = Files.readAllLines(file).get(0);
        assertTrue(line.contains("\"payload-sha256\":\"" + SHA + "\"") && line.contains("\"noise-multiplier\":1.0"), line);

        // A new process: the ledger is read back, ε is that of one participation, and a budget that fits exactly one
        // participation refuses the next.
        double max = (epsilonOfSteps(1.0, 1) + epsilonOfSteps(1.0, 2)) / 2;
        ClientPrivacy restarted = privacy(file, OptionalDouble.of(max));
        assertEquals(1, restarted.ledger().orElseThrow().entries().size());
        assertEquals(epsilonOfSteps(1.0, 1), restarted.epsilon(), 1e-12);
        String reason = restarted.refusal(1.0, 0).orElseThrow();
        assertTrue(reason.contains(String.format(java.util.Locale.ROOT, "%.4f", epsilonOfSteps(1.0, 1)))
                && reason.contains(String.format(java.util.Locale.ROOT, "%.4f", epsilonOfSteps(1.0, 2)))
                && reason.contains(String.format(java.util.Locale.ROOT, "max-epsilon %.4f", max)), reason);
        // More noise fits: z = 3 adds less than the remaining budget.
        assertFalse(restarted.refusal(3.0, 0).isPresent());
        send(restarted, 2, 1.0);
        assertEquals(2, UpdateLedger.read(file).size());
    }

    @Test
    void open_corruptLine_errorNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.ledger.jsonl");
        send(privacy(file, OptionalDouble.empty()), 1, 1.0);
        Files.writeString(file, "{\"run\": \"x\", \"round\": 2, truncat\n", java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpdateLedger.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("line 2"), e.getMessage());

        Files.writeString(file, "not json\n");
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> UpdateLedger.open(file));
        assertTrue(e2.getMessage().contains("line 1") && e2.getMessage().contains("not json"), e2.getMessage());
    }

    @Test
    void refusal_adaptiveClippingTask_chargedAtCombinedNoise(@TempDir Path dir) {
        ClientPrivacy p = privacy(dir.resolve("b.ledger.jsonl"), OptionalDouble.empty());
        // z_Δ = 2/√3 with σ_b = 1 costs what z = 1 costs.
        assertEquals(epsilonOfSteps(1.0, 1), p.epsilonAfter(2 / Math.sqrt(3), 1.0), 1e-9);
        assertEquals(List.of(), p.ledger().orElseThrow().entries());
    }
}
