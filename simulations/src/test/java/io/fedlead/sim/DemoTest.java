package io.fedlead.sim;

import io.fedlead.core.config.FederationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's demo, small: two units, three rounds, over loopback TCP. */
class DemoTest {
    @Test
    void run_twoUnitsThreeRounds_printsRoundsComparisonAndWritesModelAndScores(@TempDir Path dir) throws Exception {
        // Stated privacy: C = 1.0, z = 0.2.
        FederationConfig config = FederationConfig.defaults().with("demo", 0, 3, 2, dir.resolve("runs").toString())
                .withTraining(new FederationConfig.Training(2, 64, 0.2, 1.0, 0.2, false, false))
                .withEvaluation(new FederationConfig.Evaluation(List.of("region", "source"), null));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Demo.Outcome outcome = new Demo(new Demo.Settings(2, 600, 600, config, dir, 5, true),
                new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals("completed", outcome.run().status());
        assertEquals(3, outcome.run().history().size());
        assertTrue(out.contains("round   3 | clients 2/2"), out);
        assertTrue(out.contains("central, pooled data, no privacy") && out.contains("local only: unit-b"), out);
        assertTrue(Files.exists(outcome.model()) && Files.exists(outcome.scored()));
        assertEquals(601, Files.readAllLines(outcome.scored()).size());
        assertTrue(outcome.federatedAuc() > outcome.initialAuc() + 0.1,
                "federated " + outcome.federatedAuc() + " vs initial " + outcome.initialAuc());
        assertTrue(outcome.centralAuc() > outcome.initialAuc() + 0.1, "central " + outcome.centralAuc());
        assertEquals(2, outcome.localOnlyAuc().size());
        assertTrue(out.contains("noise: fixed seed per node"), out);
        assertTrue(out.contains("fairness audit of model r3 (round 3): 240 holdout leads of 2 client(s)")
                && out.contains("region  north_america") && out.contains("four-fifths rule"), out);
        assertTrue(Files.exists(dir.resolve("runs/demo/audit.json")));
        List<String> ledger = Files.readAllLines(dir.resolve("ledgers/unit-a.ledger.jsonl"));
        assertEquals(3, ledger.size(), "one ledger line per update sent");
        assertTrue(ledger.get(0).contains("fixed seed") && ledger.get(0).contains("(simulation)"), ledger.get(0));
    }
}
