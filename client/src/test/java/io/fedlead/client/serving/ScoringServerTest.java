package io.fedlead.client.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedlead.client.scoring.Contribution;
import io.fedlead.client.scoring.GradeScale;
import io.fedlead.client.scoring.ScoredLead;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring service over real HTTP on loopback, with a trained model, against the batch scorer. */
class ScoringServerTest {
    private static final ObjectMapper JSON = ScoringApi.objectMapper();

    @TempDir
    static Path dir;
    static ServingFixture fixture;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ScoringServer> servers = new ArrayList<>();

    @BeforeAll
    static void trainModel() throws IOException {
        fixture = ServingFixture.create(dir, "logistic", ModelSpec.logistic(), 11);
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (ScoringServer s : servers) {
            s.stop(Duration.ZERO);
        }
    }

    private ScoringServer start(ModelSettings settings, ServerLimits limits, List<Route> extra) throws IOException {
        ModelHolder holder = new ModelHolder(new ModelLoader(settings, limits, JSON, Clock.systemUTC()));
        List<Route> routes = new ArrayList<>(new ScoringApi(holder).routes());
        routes.addAll(extra);
        ScoringServer server = new ScoringServer(new InetSocketAddress("127.0.0.1", 0), limits, routes, JSON).start();
        servers.add(server);
        return server;
    }

    private ScoringServer start(ModelSettings settings) throws IOException {
        return start(settings, new ServerLimits(1 << 20, 500, 4, 16), List.of());
    }

    private HttpResponse<String> post(ScoringServer s, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(s, path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(ScoringServer s, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(s, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ScoringServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    private static JsonNode body(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Asserts an error status and message, and returns the error object. */
    private static JsonNode assertError(int status, String message, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode error = body(r).get("error");
        assertEquals(status, error.get("status").asInt());
        assertEquals(message, error.get("message").asText());
        return error;
    }

    private static String leads(String... leadObjects) {
        return "{\"leads\": [" + String.join(",", leadObjects) + "]}";
    }

    /** One valid lead of the fixture's schema as JSON, with {@code override} fields replacing or adding keys. */
    private static String lead(String override) throws IOException {
        LeadTable table = LeadCsvReader.read(fixture.leadsCsv, fixture.schema, false);
        ObjectNode lead = fixture.lead(table, 0, JSON);
        if (!override.isEmpty()) {
            ObjectNode extra = (ObjectNode) JSON.readTree("{" + override + "}");
            lead.setAll(extra);
        }
        return lead.toString();
    }

    @Test
    void score_sameRowsAsBatch_identicalProbabilitiesReasonsAndRanks() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        List<ScoredLead> batch = fixture.batchScores(fixture.leadsCsv);

        HttpResponse<String> r = post(server, "/v1/score", fixture.requestBody(fixture.leadsCsv, JSON));

        assertEquals(200, r.statusCode(), r.body());
        JsonNode scores = body(r).get("scores");
        assertEquals(batch.size(), scores.size());
        for (int i = 0; i < batch.size(); i++) {
            ScoredLead expected = batch.get(i);
            JsonNode s = scores.get(i);
            assertEquals(i, s.get("index").asInt());
            assertEquals(expected.id(), s.get("id").asText());
            assertEquals(expected.probability(), s.get("probability").asDouble(), 0.0, "lead " + i);
            assertEquals(expected.rank(), s.get("rank").asInt(), "the request is the batch: same ranks");
            assertFalse(s.has("grade"), "no grading configured");
            assertFalse(s.has("warnings"));
            List<Contribution> reasons = new ArrayList<>();
            s.get("reasons").forEach(c -> reasons.add(new Contribution(c.get("feature").asText(), c.get("effect").asDouble())));
            assertEquals(expected.topReasons(), reasons, "lead " + i);
        }
        JsonNode model = body(r).get("model");
        assertEquals("r7", model.get("version").asText());
        assertEquals(7, model.get("round").asInt());
        assertEquals("serve-test", model.get("run").asText());
        assertEquals(String.format("%064x", 7), model.get("sha256").asText());
    }

    @Test
    void score_mlpModel_matchesBatchWithinFloatRounding() throws Exception {
        ServingFixture mlp = ServingFixture.create(dir, "mlp", ModelSpec.mlp(List.of(8)), 12);
        ScoringServer server = start(ModelSettings.of(mlp.model));
        List<ScoredLead> batch = mlp.batchScores(mlp.leadsCsv);

        JsonNode scores = body(post(server, "/v1/score", mlp.requestBody(mlp.leadsCsv, JSON))).get("scores");
        // One lead alone: a different batch size in the forward pass, the same score.
        LeadTable table = LeadCsvReader.read(mlp.leadsCsv, mlp.schema, false);
        JsonNode alone = body(post(server, "/v1/score", leads(mlp.lead(table, 5, JSON).toString()))).get("scores").get(0);

        for (int i = 0; i < batch.size(); i++) {
            assertEquals(batch.get(i).probability(), scores.get(i).get("probability").asDouble(), 1e-6, "lead " + i);
        }
        assertEquals(batch.get(5).probability(), alone.get("probability").asDouble(), 1e-6);
        assertEquals(1, alone.get("rank").asInt(), "rank is within the request");
    }

    @Test
    void score_withReference_gradesAreTheBatchGradesOfTheReferenceLeads() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model).withReference(fixture.referenceCsv));
        List<ScoredLead> batch = fixture.batchScores(fixture.referenceCsv);

        JsonNode scores = body(post(server, "/v1/score", fixture.requestBody(fixture.referenceCsv, JSON))).get("scores");
        LeadTable table = LeadCsvReader.read(fixture.referenceCsv, fixture.schema, false);
        int lone = batch.indexOf(batch.stream().filter(l -> l.rank() == 60).findFirst().orElseThrow()); // a B lead
        JsonNode alone = body(post(server, "/v1/score", leads(fixture.lead(table, lone, JSON).toString())))
                .get("scores").get(0);

        for (int i = 0; i < batch.size(); i++) {
            assertEquals(Character.toString(batch.get(i).grade()), scores.get(i).get("grade").asText(), "lead " + i);
        }
        assertEquals("B", alone.get("grade").asText(), "a lead alone keeps its grade: boundaries are fixed");
    }

    @Test
    void score_fixedGradeCuts_gradeByProbability() throws Exception {
        GradeScale cuts = new GradeScale(0.5, 0.2, 0.1, "--grade-cuts");
        ScoringServer server = start(ModelSettings.of(fixture.model).withFixedGrades(cuts));

        JsonNode scores = body(post(server, "/v1/score", fixture.requestBody(fixture.leadsCsv, JSON))).get("scores");

        for (JsonNode s : scores) {
            assertEquals(Character.toString(cuts.grade(s.get("probability").asDouble())), s.get("grade").asText());
        }
    }

    @Test
    void score_wrongTypes_400NamingLeadAndField() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        JsonNode e = assertError(400, "leads[0].pages_viewed: \"abc\" is not a number",
                post(server, "/v1/score", leads(lead("\"pages_viewed\": \"abc\""))));
        assertEquals(0, e.get("problems").get(0).get("lead").asInt());
        assertEquals("pages_viewed", e.get("problems").get(0).get("field").asText());

        assertError(400, "leads[1].pages_viewed: \"12\" is a string; send numbers as JSON numbers",
                post(server, "/v1/score", leads(lead(""), lead("\"pages_viewed\": \"12\""))));
        assertError(400, "leads[0].source: 3 is not a string; expected one of [web, referral, event, paid_search, outbound, partner]",
                post(server, "/v1/score", leads(lead("\"source\": 3"))));
        assertError(400, "leads[0].demo_requested: \"maybe\" is not one of [yes, true, 1] or [no, false, 0]",
                post(server, "/v1/score", leads(lead("\"demo_requested\": \"maybe\""))));
        assertError(400, "leads[0].trial_user: 1 is not a boolean; send true or false",
                post(server, "/v1/score", leads(lead("\"trial_user\": 1"))));
        assertError(400, "leads[0].company_size: -3 must be > -1 (the column is log1p-transformed)",
                post(server, "/v1/score", leads(lead("\"company_size\": -3"))));
        assertError(400, "leads[0].lead_id: {\"a\":1} is not a string or an integer id",
                post(server, "/v1/score", leads(lead("\"lead_id\": {\"a\": 1}"))));
    }

    @Test
    void score_unknownAndMissingColumns_400() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        assertError(400, "leads[0].pages_veiwed: unknown column; the model's columns are [source, industry, company_size,"
                        + " region, seniority, pages_viewed, email_opens, days_since_last_touch, demo_requested,"
                        + " trial_user, webinar_attended]",
                post(server, "/v1/score", leads(lead("\"pages_veiwed\": 3"))));
        String withoutPages = lead("").replaceFirst("\"pages_viewed\":[^,]*,", "");
        assertError(400, "leads[0].pages_viewed: required column is absent (its missing policy is error)",
                post(server, "/v1/score", leads(withoutPages)));
        assertError(400, "leads[0].pages_viewed: null is missing, and the column's missing policy is error",
                post(server, "/v1/score", leads(lead("\"pages_viewed\": null"))));
    }

    @Test
    void score_missingOptionalValues_scoredLikeEmptyCsvCells() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        // A lead with only the required column: every other value is missing, as an all-empty CSV row would be.
        Path csv = fixture.dir.resolve("sparse.csv");
        Files.writeString(csv, "lead_id,source,industry,company_size,region,seniority,pages_viewed,email_opens,"
                + "days_since_last_touch,demo_requested,trial_user,webinar_attended\nS1,,,,,,4,,,,,\n");
        double batch = fixture.batchScores(csv).get(0).probability();

        HttpResponse<String> r = post(server, "/v1/score", leads("{\"lead_id\": \"S1\", \"pages_viewed\": 4, \"source\": null}"));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(batch, body(r).get("scores").get(0).get("probability").asDouble(), 0.0);
    }

    @Test
    void score_undeclaredCategory_otherSlotWithWarning_orRefusedWhenStrict() throws Exception {
        ScoringServer lenient = start(ModelSettings.of(fixture.model));
        ScoringServer strict = start(ModelSettings.of(fixture.model).withStrictCategories(true));
        String body = leads(lead("\"industry\": \"shipbuilding\""));

        HttpResponse<String> ok = post(lenient, "/v1/score", body);

        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("industry: \"shipbuilding\" is not a declared category; scored as industry=other",
                body(ok).get("scores").get(0).get("warnings").get(0).asText());
        assertError(400, "leads[0].industry: \"shipbuilding\" is not one of the declared categories [software, finance,"
                + " healthcare, retail, manufacturing, education, logistics, public_sector]", post(strict, "/v1/score", body));
    }

    @Test
    void score_manyBadLeads_everyProblemListed() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        JsonNode e = assertError(400, "leads[1].pages_viewed: \"x\" is not a number (and 2 more)",
                post(server, "/v1/score", leads(lead(""), lead("\"pages_viewed\": \"x\""), "[1]", lead("\"region\": false"))));
        JsonNode problems = e.get("problems");
        assertEquals(3, problems.size());
        assertEquals("leads[2]: is an array; expected an object of column values", problems.get(1).get("message").asText());
        assertEquals(3, problems.get(2).get("lead").asInt());
        assertEquals("region", problems.get(2).get("field").asText());
    }

    @Test
    void score_malformedBodies_400() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        HttpResponse<String> r = post(server, "/v1/score", "{\"leads\": [");
        assertEquals(400, r.statusCode());
        assertTrue(body(r).get("error").get("message").asText().startsWith("invalid JSON at line 1, column 12: "), r.body());
        assertError(400, "request body is empty; expected {\"leads\": [{...}, ...]}", post(server, "/v1/score", ""));
        assertError(400, "request body is an array; expected {\"leads\": [{...}, ...]}", post(server, "/v1/score", "[]"));
        assertError(400, "missing field 'leads'; the body is {\"leads\": [{...}, ...]}", post(server, "/v1/score", "{}"));
        assertError(400, "unknown field 'lead'; the body is {\"leads\": [{...}, ...]}",
                post(server, "/v1/score", "{\"lead\": {}}"));
        assertError(400, "'leads' is an object; expected an array of lead objects",
                post(server, "/v1/score", "{\"leads\": {}}"));
        assertError(400, "'leads' is empty; send at least one lead", post(server, "/v1/score", "{\"leads\": []}"));
        HttpResponse<String> dup = post(server, "/v1/score", "{\"leads\": [{\"pages_viewed\": 1, \"pages_viewed\": 2}]}");
        assertEquals(400, dup.statusCode());
        assertTrue(body(dup).get("error").get("message").asText().contains("Duplicate field 'pages_viewed'"), dup.body());
        HttpResponse<String> trailing = post(server, "/v1/score", leads(lead("")) + " {}");
        assertEquals(400, trailing.statusCode(), trailing.body());
    }

    @Test
    void score_oversized_413() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model), new ServerLimits(4096, 3, 2, 4), List.of());
        String big = leads(lead(""), lead(""), lead(""), lead(""), lead(""), lead(""), lead(""), lead(""),
                lead(""), lead(""), lead(""), lead(""), lead(""), lead(""), lead(""), lead(""));
        assertTrue(big.length() > 4096);

        assertError(413, "request body is " + big.length() + " bytes; the limit is 4096 bytes (--max-body-bytes): send"
                + " fewer leads per request", post(server, "/v1/score", big));
        // Without Content-Length (chunked): the server stops reading one byte past the limit.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri(server, "/v1/score"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(413, "request body is larger than 4096 bytes; the limit is 4096 bytes (--max-body-bytes): send"
                + " fewer leads per request", chunked);
        assertError(413, "request has 4 leads; the limit is 3 per request (--max-leads)",
                post(server, "/v1/score", leads(lead(""), lead(""), lead(""), lead(""))));
        assertEquals(200, post(server, "/v1/score", leads(lead(""), lead(""), lead(""))).statusCode());
    }

    @Test
    void routing_wrongMethodAndUnknownPath_405And404() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        HttpResponse<String> r = get(server, "/v1/score");
        assertError(405, "method GET is not allowed on /v1/score; use POST", r);
        assertEquals(Optional.of("POST"), r.headers().firstValue("Allow"));
        assertError(405, "method POST is not allowed on /v1/model; use GET", post(server, "/v1/model", "{}"));
        assertError(404, "no endpoint /v2/score; endpoints: [/healthz, /v1/admin/reload, /v1/model, /v1/score]",
                post(server, "/v2/score", "{}"));
        assertEquals(404, get(server, "/").statusCode());
    }

    @Test
    void unexpectedException_500AndServerKeepsServing() throws Exception {
        Route broken = new Route("GET", "/broken", body -> {
            throw new IllegalStateException("disk on fire");
        });
        ScoringServer server = start(ModelSettings.of(fixture.model), new ServerLimits(1 << 20, 100, 2, 4), List.of(broken));

        assertError(500, "internal error 1: IllegalStateException: disk on fire (details in the server log)",
                get(server, "/broken"));
        assertError(500, "internal error 2: IllegalStateException: disk on fire (details in the server log)",
                get(server, "/broken"));
        assertEquals(200, get(server, "/healthz").statusCode());
        assertEquals(200, post(server, "/v1/score", leads(lead(""))).statusCode());
    }

    @Test
    void concurrentRequests_allAnsweredWithTheirOwnScores() throws Exception {
        ServingFixture mlp = ServingFixture.create(dir, "mlp-concurrent", ModelSpec.mlp(List.of(8)), 13);
        ScoringServer server = start(ModelSettings.of(mlp.model), new ServerLimits(1 << 20, 500, 4, 64), List.of());
        List<ScoredLead> batch = mlp.batchScores(mlp.leadsCsv);
        LeadTable table = LeadCsvReader.read(mlp.leadsCsv, mlp.schema, false);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                done.add(clients.submit((Callable<Integer>) () -> {
                    int checked = 0;
                    for (int k = 0; k < 15; k++) {
                        int i = (first * 15 + k) % table.size();
                        int j = (i + 7) % table.size();
                        JsonNode scores = body(post(server, "/v1/score", leads(mlp.lead(table, i, JSON).toString(),
                                mlp.lead(table, j, JSON).toString()))).get("scores");
                        assertEquals(batch.get(i).probability(), scores.get(0).get("probability").asDouble(), 1e-6);
                        assertEquals(batch.get(j).probability(), scores.get(1).get("probability").asDouble(), 1e-6);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(15, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void overloaded_503WithRetryAfter_thenServesAgain() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model), new ServerLimits(1 << 20, 100, 1, 0), List.of());
        // A client that sends its headers and half its body, then stalls: it holds the only worker.
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"leads\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpResponse<String> busy = null;
            for (int attempt = 0; attempt < 200; attempt++) { // until the stalled request has taken the worker
                busy = get(server, "/healthz");
                if (busy.statusCode() == 503) {
                    break;
                }
            }
            assertError(503, "server busy: every worker is taken and the queue is full; retry shortly", busy);
            assertEquals(Optional.of("1"), busy.headers().firstValue("Retry-After"));
        }
        HttpResponse<String> after = null;
        for (int attempt = 0; attempt < 200; attempt++) { // the worker is freed once the server sees the socket close
            after = get(server, "/healthz");
            if (after.statusCode() == 200) {
                break;
            }
        }
        assertEquals(200, after.statusCode(), after.body());
    }

    @Test
    void model_showsProvenanceSchemaAndGrading() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model).withReference(fixture.referenceCsv));

        HttpResponse<String> r = get(server, "/v1/model");

        assertEquals(200, r.statusCode(), r.body());
        JsonNode m = body(r);
        assertEquals("r7", m.get("model").get("version").asText());
        assertEquals(7, m.get("model").get("round").asInt());
        assertEquals("2025-01-02T03:04:05Z", m.get("created").asText());
        assertEquals("[\"unit-a\",\"unit-b\"]", m.get("clients").get("reported").toString());
        assertEquals(1600, m.get("clients").get("examples").asInt());
        assertEquals(0.81, m.get("evaluation").get("federated-auc").asDouble());
        assertEquals(12.5, m.get("privacy").get("epsilon").asDouble());
        assertEquals(1e-5, m.get("privacy").get("delta").asDouble());
        assertFalse(m.get("privacy").has("steps"));
        assertEquals(fixture.schema.featureColumnNames().toString(),
                JSON.convertValue(m.get("schema").get("columns"), List.class).toString());
        assertEquals("[\"pages_viewed\"]", m.get("schema").get("required").toString());
        assertEquals("lead_id", m.get("schema").get("id").asText());
        assertEquals(fixture.schema.fingerprint(), m.get("schema").get("sha256").asText());
        assertEquals(34, m.get("features").size());
        assertEquals(ModelLoader.sha256(fixture.model), m.get("file-sha256").asText());
        JsonNode grading = m.get("grading");
        assertEquals("reference " + fixture.referenceCsv + " (200 leads)", grading.get("source").asText());
        List<ScoredLead> reference = fixture.batchScores(fixture.referenceCsv);
        double minA = reference.stream().filter(l -> l.grade() == 'A').mapToDouble(ScoredLead::probability).min().orElseThrow();
        assertEquals(minA, grading.get("min-probability").get("A").asDouble(), 0.0);
        assertEquals("{\"status\":\"ok\",\"model\":" + m.get("model") + "}", get(server, "/healthz").body());
    }

    @Test
    void reload_newModelFile_servedFromNextRequest_brokenFileKeepsOld() throws Exception {
        ServingFixture other = ServingFixture.create(dir, "other", ModelSpec.logistic(), 21);
        Path served = dir.resolve("served");
        Files.createDirectories(served);
        Path model = served.resolve("model.zip");
        copyModel(fixture.model, model);
        ScoringServer server = start(ModelSettings.of(model).withReference(fixture.referenceCsv));
        String request = leads(lead(""));
        JsonNode before = body(post(server, "/v1/score", request));

        // The new model's provenance says round 8; its weights differ.
        io.fedlead.core.model.ModelCheckpoint.save(model, other.net, ServingFixture.provenance(other.schema,
                new io.fedlead.core.features.FeatureEncoder(other.schema), ModelSpec.logistic(), 8, "r8"));
        HttpResponse<String> reload = post(server, "/v1/admin/reload", "");
        JsonNode after = body(post(server, "/v1/score", request));

        assertEquals(200, reload.statusCode(), reload.body());
        assertEquals("r7", body(reload).get("previous").get("version").asText());
        assertEquals("r8", body(reload).get("model").get("version").asText());
        assertEquals("r8", after.get("model").get("version").asText());
        assertNotEquals(before.get("scores").get(0).get("probability").asDouble(),
                after.get("scores").get(0).get("probability").asDouble());

        Files.writeString(model, "not a zip");
        HttpResponse<String> failed = post(server, "/v1/admin/reload", "");
        assertEquals(500, failed.statusCode(), failed.body());
        assertTrue(body(failed).get("error").get("message").asText()
                .startsWith("reload failed, still serving model r8 sha256 " + String.format("%064x", 8).substring(0, 12)), failed.body());
        assertEquals("r8", body(post(server, "/v1/score", request)).get("model").get("version").asText());
    }

    @Test
    void stop_idleServer_returnsAtOnceAndRefusesConnections() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model));
        assertEquals(200, get(server, "/healthz").statusCode());
        long t0 = System.nanoTime();

        assertTrue(server.stop(Duration.ofSeconds(10)));

        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "no waiting out the grace period when idle");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
            // Some kernels accept briefly; a request then gets no answer.
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            s.setSoTimeout(2000);
            assertEquals(-1, in.read());
        } catch (IOException refused) {
            // expected: nothing listens any more
        }
    }

    @Test
    void stop_requestInProgress_finishesWhileNewRequestsGet503() throws Exception {
        ScoringServer server = start(ModelSettings.of(fixture.model), new ServerLimits(1 << 20, 100, 1, 0), List.of());
        byte[] body = leads(lead("")).getBytes(StandardCharsets.UTF_8);
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            awaitHealthz(server, "server busy: every worker is taken and the queue is full; retry shortly");

            Future<Boolean> stopped = stopper.submit(() -> server.stop(Duration.ofSeconds(20)));
            awaitHealthz(server, "server is shutting down");
            out.write(body, 10, body.length - 10);
            out.flush();
            String statusLine = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertEquals("HTTP/1.1 200", statusLine, "the request that was running is answered");
            assertTrue(stopped.get(20, TimeUnit.SECONDS), "stop reports that every request finished");
        } finally {
            stopper.shutdownNow();
        }
    }

    /** Polls /healthz until it answers 503 with {@code message}; fails after 200 tries. */
    private void awaitHealthz(ScoringServer server, String message) throws Exception {
        String last = "";
        for (int attempt = 0; attempt < 200; attempt++) {
            HttpResponse<String> r = get(server, "/healthz");
            last = r.body();
            if (r.statusCode() == 503 && body(r).get("error").get("message").asText().equals(message)) {
                return;
            }
        }
        throw new AssertionError("/healthz never answered 503 '" + message + "'; last answer " + last);
    }

    private static void copyModel(Path zip, Path to) throws IOException {
        Files.copy(zip, to, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(io.fedlead.core.model.ModelCheckpoint.provenancePath(zip),
                io.fedlead.core.model.ModelCheckpoint.provenancePath(to), StandardCopyOption.REPLACE_EXISTING);
    }
}
