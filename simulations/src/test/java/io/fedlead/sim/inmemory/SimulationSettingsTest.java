package io.fedlead.sim.inmemory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SimulationSettingsTest {
    private static String error(SimulationSettings.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void build_defaults_matchTheCommandsDocumentedDefaults() {
        SimulationSettings s = SimulationSettings.builder().build();
        assertEquals(200, s.clients());
        assertEquals(0.1, s.sampleRate());
        assertEquals(List.of(0.0, 0.5, 1.0, 2.0), s.noiseMultipliers());
        assertEquals(20.0, s.expectedCohort(), 1e-12);
    }

    @Test
    void build_badValues_messageNamesTheOptionAndValue() {
        assertEquals("--sample-rate is 1.5: must be in (0, 1]", error(SimulationSettings.builder().sampleRate(1.5)));
        assertEquals("--clients is 1: must be in [2, 1000000]", error(SimulationSettings.builder().clients(1)));
        assertEquals("--noise-multipliers is [0.5, -1.0]: value -1.0 must be finite and >= 0",
                error(SimulationSettings.builder().noiseMultipliers(List.of(0.5, -1.0))));
        assertEquals("--noise-multipliers is []: needs at least one value",
                error(SimulationSettings.builder().noiseMultipliers(List.of())));
        assertEquals("--max-rows is 100: must be >= --min-rows (200)",
                error(SimulationSettings.builder().rowsPerClient(200, 100)));
        assertEquals("--delta is 0.0: must be in (0, 1)", error(SimulationSettings.builder().delta(0)));
        assertEquals("--local-baselines is 300: must be in [0, --clients (200)]",
                error(SimulationSettings.builder().localBaselineClients(300)));
    }

    @Test
    void build_clientCountBelowExpectedCohort_rejectedNamingCohort() {
        String m = error(SimulationSettings.builder().clientCounts(List.of(10, 400)));
        assertEquals("--client-counts is [10, 400]: value 10 must be >= 2 and >= the expected cohort"
                + " --sample-rate x --clients = 20.0", m);
    }

    @Test
    void fromOption_unknownValues_messageListsChoices() {
        assertEquals("--data is 'csv', expected one of [synthetic, bank]",
                assertThrows(IllegalArgumentException.class, () -> DataSource.fromOption("csv")).getMessage());
        assertEquals(Aggregation.FIXED_DENOMINATOR, Aggregation.fromOption("fixed-denominator"));
        assertEquals("--aggregation is 'mean', expected one of [fixed-denominator, examples]",
                assertThrows(IllegalArgumentException.class, () -> Aggregation.fromOption("mean")).getMessage());
    }
}
