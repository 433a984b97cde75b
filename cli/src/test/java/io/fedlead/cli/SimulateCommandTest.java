package io.fedlead.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = FedLeadCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void simulate_badSampleRate_exit2NamingTheOption() {
        Run r = run("simulate", "--sample-rate", "1.5");
        assertEquals(2, r.exit());
        assertEquals("fedlead: --sample-rate is 1.5: must be in (0, 1]", r.err().strip());
    }

    @Test
    void simulate_tinySweep_printsTableAndWritesCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sweep.csv");
        Run r = run("simulate", "--clients", "8", "--sample-rate", "0.5", "--rounds", "2", "--noise-multipliers",
                "0,1", "--min-rows", "30", "--max-rows", "40", "--holdout-rows", "200", "--local-baselines", "1",
                "--batch-size", "64", "--csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("noise: fixed seed"), r.out());
        assertTrue(r.out().contains("experiment model"), r.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size()); // header, central, local-only, z=0, z=1
        assertTrue(lines.get(3).startsWith("noise,federated,8,0.5,0.0,1.0,2,inf,"), lines.get(3));
    }
}
