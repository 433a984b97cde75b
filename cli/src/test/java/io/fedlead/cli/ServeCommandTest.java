package io.fedlead.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedlead.core.features.BooleanColumn;
import io.fedlead.core.features.CategoricalColumn;
import io.fedlead.core.features.ColumnSpec;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fedlead serve} as a user runs it: its own JVM, a trained model, the leads sent over HTTP, scores compared
 * with {@code fedlead score}'s CSV for the same file, and a SIGTERM that stops it cleanly.
 */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+) ");

    @Test
    void serve_sameLeadsAsScoreCommand_sameProbabilitiesAndGrades_stopsOnSigterm(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, CliEndToEndTest.run("generate", "--units", "1", "--rows", "120", "--out", data.toString()));
        Path csv = data.resolve("unit-a.csv");
        FeatureSchema schema = FeatureSchema.load(data.resolve("schema.yaml"));
        Path model = trainedModel(dir, schema, csv);
        Path scored = dir.resolve("scored.csv");
        assertEquals(0, CliEndToEndTest.run("score", "--model", model.toString(), "--input", csv.toString(),
                "--output", scored.toString()));
        List<CSVRecord> batch;
        try (var parser = CSVFormat.DEFAULT.builder().setHeader().get().parse(Files.newBufferedReader(scored))) {
            batch = parser.getRecords();
        }

        // --reference is the scored file itself, so every lead's grade must be its batch grade.
        Process serve = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                FedLeadCli.class.getName(), "serve", "--model", model.toString(), "--port", "0",
                "--reference", csv.toString(), "--threads", "2")
                .redirectErrorStream(true).start();
        serve.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        try {
            int port = awaitPort(out, lines);
            ObjectMapper json = new ObjectMapper();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score"))
                    .POST(HttpRequest.BodyPublishers.ofString(requestBody(csv, schema, json))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode(), r.body());
            JsonNode scores = json.readTree(r.body()).get("scores");
            assertEquals(batch.size(), scores.size());
            for (int i = 0; i < batch.size(); i++) {
                JsonNode s = scores.get(i);
                assertEquals(batch.get(i).get("lead_id"), s.get("id").asText());
                // The CSV keeps 6 decimals.
                assertEquals(Double.parseDouble(batch.get(i).get("probability")), s.get("probability").asDouble(), 5e-7);
                assertEquals(batch.get(i).get("grade"), s.get("grade").asText(), "lead " + i);
                assertEquals(batch.get(i).get("rank"), s.get("rank").asText(), "one request = the whole file: same ranks");
            }

            // SIGTERM through the handle: Process.destroy() would also close our end of the child's stdout.
            assertTrue(serve.toHandle().destroy());
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve stops on SIGTERM");
            // Read the rest only now: a read racing the JDK's drain of an exited process's pipe can fail.
            out.lines().forEach(lines::add);
            assertTrue(lines.contains("stopped: every running request finished"), String.join("\n", lines));
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void serve_badOptions_exitCode2NamingTheProblem() {
        assertEquals("fedlead: give grade boundaries either from a reference CSV or as fixed cuts, not both",
                runForError("serve", "--model", "m.zip", "--reference", "r.csv", "--grade-cuts", "0.5,0.2,0.1"));
        assertEquals("fedlead: --grade-cuts takes three probabilities A,B,C (e.g. 0.5,0.25,0.1), got [0.5, 0.2]",
                runForError("serve", "--model", "m.zip", "--grade-cuts", "0.5,0.2"));
        assertEquals("fedlead: grade boundaries must satisfy 0 <= C <= B <= A <= 1, got A 0.1, B 0.2, C 0.5 (--grade-cuts)",
                runForError("serve", "--model", "m.zip", "--grade-cuts", "0.1,0.2,0.5"));
        assertEquals("fedlead: model file does-not-exist.zip does not exist",
                runForError("serve", "--model", "does-not-exist.zip", "--port", "0"));
    }

    /** Runs the command in-process, expects exit code 2, returns its one error line. */
    private static String runForError(String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        var cl = FedLeadCli.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cl.execute(args), err.toString());
        return err.toString().trim();
    }

    private static int awaitPort(BufferedReader out, List<String> lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            lines.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("serve never said where it listens:\n" + String.join("\n", lines));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path trainedModel(Path dir, FeatureSchema schema, Path csv) throws Exception {
        FeatureEncoder encoder = new FeatureEncoder(schema);
        EncodedLeads leads = encoder.encode(LeadCsvReader.read(csv, schema, false), true, false);
        var net = NetworkFactory.build(ModelSpec.logistic(), encoder.width());
        new LocalTrainer(new SplittableRandom(3)).train(net, leads.features(), leads.rows(), leads.width(),
                leads.labels(), 2, 32, 0.2);
        Path model = dir.resolve("model.zip");
        ModelCheckpoint.save(model, net, Map.of("schema-json", schema.toCanonicalJson(), "round", 2,
                "model-version", "r2", "feature-names", encoder.featureNames()));
        return model;
    }

    /** The CSV's rows as a request: numbers as JSON numbers, booleans as JSON booleans, the rest as strings. */
    private static String requestBody(Path csv, FeatureSchema schema, ObjectMapper json) {
        LeadTable table = LeadCsvReader.read(csv, schema, false);
        ObjectNode root = json.createObjectNode();
        ArrayNode leads = root.putArray("leads");
        for (List<String> row : table.rows()) {
            ObjectNode lead = leads.addObject();
            for (int c = 0; c < row.size(); c++) {
                String column = table.header().get(c);
                String value = row.get(c);
                ColumnSpec spec = schema.columns().stream().filter(s -> s.name().equals(column)).findFirst().orElse(null);
                if (spec == null || spec instanceof CategoricalColumn) {
                    lead.put(column, value);
                } else if (spec instanceof BooleanColumn b) {
                    lead.put(column, b.trueValues().contains(value.toLowerCase(java.util.Locale.ROOT)));
                } else {
                    lead.put(column, Double.parseDouble(value));
                }
            }
        }
        return root.toString();
    }
}
