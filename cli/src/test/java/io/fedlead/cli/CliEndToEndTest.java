package io.fedlead.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each part runs on its own, as the README shows: {@code generate}, then a {@code coordinator} and two {@code client}
 * processes' commands over loopback TCP (the clients start first and reconnect until the coordinator is up), then
 * {@code score} with the saved model.
 */
class CliEndToEndTest {
    static int run(String... args) {
        return FedLeadCli.commandLine().execute(args);
    }

    @Test
    void commands_generateCoordinatorClientsScore_workTogether(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("generate", "--units", "2", "--rows", "700", "--out", data.toString()));
        assertTrue(Files.exists(data.resolve("unit-a.csv")) && Files.exists(data.resolve("schema.yaml")));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("federation.yaml");
        // Stated privacy: C = 1.0, z = 0.1.
        Files.writeString(config, """
                run-id: cli
                port: %d
                rounds: 2
                min-clients: 2
                checkpoint-dir: %s
                training:
                  local-epochs: 2
                  learning-rate: 0.2
                  clip-norm: 1.0
                  noise-multiplier: 0.1
                evaluation:
                  audit-groups: [region, trial_user]
                """.formatted(port, dir.resolve("runs")));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> clients = new ArrayList<>();
            for (String unit : List.of("unit-a", "unit-b")) {
                clients.add(pool.submit(() -> run("client", "--coordinator", "127.0.0.1:" + port,
                        "--data", data.resolve(unit + ".csv").toString(), "--schema", data.resolve("schema.yaml").toString(),
                        "--name", unit)));
            }
            Future<Integer> coordinator = pool.submit(() -> run("coordinator", "--config", config.toString()));
            assertEquals(0, coordinator.get(120, TimeUnit.SECONDS));
            for (Future<Integer> c : clients) {
                assertEquals(0, c.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        Path model = dir.resolve("runs/cli/final/model.zip");
        assertTrue(Files.exists(model));
        String audit = Files.readString(dir.resolve("runs/cli/audit.json"));
        assertTrue(audit.contains("\"column\" : \"region\"") && audit.contains("\"column\" : \"trial_user\""), audit);
        Path scored = dir.resolve("scored.csv");
        assertEquals(0, run("score", "--model", model.toString(), "--input", data.resolve("unit-b.csv").toString(),
                "--output", scored.toString()));
        List<String> lines = Files.readAllLines(scored);
        assertEquals(701, lines.size());
        assertTrue(lines.get(0).endsWith("probability,rank,grade,reasons"), lines.get(0));
        java.util.Map<String, Long> grades = new java.util.TreeMap<>();
        try (var parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().get()
                .parse(Files.newBufferedReader(scored))) {
            for (var record : parser) {
                grades.merge(record.get("grade"), 1L, Long::sum);
            }
        }
        assertEquals(java.util.Map.of("A", 175L, "B", 175L, "C", 175L, "D", 175L), grades);
    }

    @Test
    void score_skipBadRows_writesOnlyScoredRowsAndCountsTheSkipped(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("generate", "--units", "1", "--rows", "40", "--out", data.toString()));
        Path csv = data.resolve("unit-a.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        int col = List.of(lines.get(0).split(",")).indexOf("pages_viewed");
        String[] cells = lines.get(5).split(",", -1);
        cells[col] = "abc";
        lines.set(5, String.join(",", cells));
        Files.write(csv, lines);
        // A model to score with: an untrained logistic model saved the way the coordinator saves one.
        Path model = dir.resolve("model.zip");
        var schema = io.fedlead.core.features.FeatureSchema.load(data.resolve("schema.yaml"));
        var net = io.fedlead.core.model.NetworkFactory.build(io.fedlead.core.model.ModelSpec.logistic(),
                new io.fedlead.core.features.FeatureEncoder(schema).width());
        io.fedlead.core.model.ModelCheckpoint.save(model, net, java.util.Map.of("schema-json", schema.toCanonicalJson()));
        Path scored = dir.resolve("scored.csv");
        assertEquals(2, run("score", "--model", model.toString(), "--input", csv.toString(), "--output", scored.toString()));
        assertEquals(0, run("score", "--model", model.toString(), "--input", csv.toString(), "--output", scored.toString(),
                "--skip-bad-rows"));
        List<String> out = Files.readAllLines(scored);
        assertEquals(40, out.size()); // header + 39 scored rows: the bad row (file line 6) is left out
        String badId = lines.get(5).split(",", -1)[0];
        assertTrue(out.stream().noneMatch(l -> l.startsWith(badId + ",")), "the skipped row is not written");
    }

    @Test
    void score_malformedNumber_exitCode2NamesFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("generate", "--units", "1", "--rows", "5", "--out", data.toString()));
        Path csv = data.resolve("unit-a.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        String header = lines.get(0);
        int col = List.of(header.split(",")).indexOf("pages_viewed");
        String[] cells = lines.get(3).split(",", -1);
        cells[col] = "abc";
        lines.set(3, String.join(",", cells));
        Files.write(csv, lines);
        StringWriter err = new StringWriter();
        var cl = FedLeadCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("client", "--coordinator", "127.0.0.1:1", "--data", csv.toString(),
                "--schema", data.resolve("schema.yaml").toString(), "--name", "unit-a");
        assertEquals(2, code);
        assertTrue(err.toString().contains("line 4") && err.toString().contains("pages_viewed")
                && err.toString().contains("abc"), err.toString());
    }
}
