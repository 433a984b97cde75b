package io.fedlead.sim.inmemory;

import io.fedlead.core.privacy.accounting.RdpAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivacySweepTest {
    static final double Q = 0.5;
    static final int ROUNDS = 3;

    static SimulationSettings tiny(List<Double> zs) {
        return SimulationSettings.builder().clients(20).sampleRate(Q).rounds(ROUNDS).noiseMultipliers(zs)
                .rowsPerClient(40, 60).holdoutRows(400).unitProfiles(6).localBaselineClients(2).batchSize(64)
                .seed(5).build();
    }

    @Test
    void run_tinySweep_rowsHaveFiniteAucAndEpsilonFallsAsZGrows(@TempDir Path dir) throws Exception {
        StringWriter progress = new StringWriter();
        PrivacySweep.Result result = new PrivacySweep(tiny(List.of(2.0, 0.5, 0.0)), new PrintWriter(progress)).run();
        List<SweepRow> rows = result.rows();
        assertEquals(List.of("central", "local-only", "federated", "federated", "federated"),
                rows.stream().map(SweepRow::model).toList());
        for (SweepRow r : rows) {
            assertTrue(r.auc() >= 0 && r.auc() <= 1, r.model() + " z=" + r.noiseMultiplier() + " AUC " + r.auc());
        }
        SweepRow z2 = rows.get(2);
        SweepRow zHalf = rows.get(3);
        SweepRow z0 = rows.get(4);
        // Central training learns; in 3 rounds noise z = 2 over a cohort of ~10 costs AUC against no noise.
        assertTrue(rows.get(0).auc() > 0.7, "central AUC " + rows.get(0).auc());
        assertTrue(z0.auc() > z2.auc(), "z=0 AUC " + z0.auc() + " vs z=2 AUC " + z2.auc());
        assertTrue(z2.epsilon() > 0 && z2.epsilon() < zHalf.epsilon(), z2.epsilon() + " vs " + zHalf.epsilon());
        assertEquals(Double.POSITIVE_INFINITY, z0.epsilon());
        assertTrue(progress.toString().contains("noise: fixed seed"), progress.toString());

        // epsilon is the RDP accountant's for the same (q, z, R), composed in one call.
        for (SweepRow r : List.of(z2, zHalf)) {
            double expected = RdpAccountant.withDefaultOrders().advance(Q, r.noiseMultiplier(), ROUNDS)
                    .epsilon(1e-5).epsilon();
            assertEquals(expected, r.epsilon(), 1e-9 * expected);
        }

        StringWriter table = new StringWriter();
        SweepReport.printTable(rows, new PrintWriter(table, true));
        String z0Line = table.toString().lines().filter(l -> l.contains("clipping only")).findFirst().orElseThrow();
        assertTrue(z0Line.matches(".*\\s0\\.00\\s+1\\.00\\s+3\\s+inf\\s.*"), z0Line);

        Path csv = dir.resolve("out/sweep.csv");
        SweepReport.writeCsv(rows, csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(String.join(",", SweepReport.CSV_HEADER), lines.get(0));
        assertEquals(6, lines.size());
        assertTrue(lines.get(5).startsWith("noise,federated,20,0.5,0.0,1.0,3,inf,"), lines.get(5));
    }

    @Test
    void run_clientCounts_epsilonFallsAsSampleRateFalls() {
        SimulationSettings s = tiny(List.of(1.0)).toBuilder().clients(10).localBaselineClients(0)
                .clientCounts(List.of(10, 40)).build();
        List<SweepRow> rows = new PrivacySweep(s, new PrintWriter(new StringWriter())).run().rows();
        List<SweepRow> byN = rows.stream().filter(r -> r.experiment().equals("clients")).toList();
        assertEquals(List.of(10, 40), byN.stream().map(SweepRow::clients).toList());
        assertEquals(0.5, byN.get(0).sampleRate(), 1e-12);
        assertEquals(0.125, byN.get(1).sampleRate(), 1e-12);
        assertTrue(byN.get(1).epsilon() < byN.get(0).epsilon(), byN.get(1).epsilon() + " vs " + byN.get(0).epsilon());
    }

    @Test
    void formatEpsilon_infinityAndMagnitudes() {
        assertEquals("inf", SweepReport.formatEpsilon(Double.POSITIVE_INFINITY));
        assertEquals("0.412", SweepReport.formatEpsilon(0.41234));
        assertEquals("12.35", SweepReport.formatEpsilon(12.345));
        assertEquals("148.2", SweepReport.formatEpsilon(148.24));
    }
}
