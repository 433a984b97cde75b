package io.fedlead.client.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.client.scoring.Contribution;
import io.fedlead.client.scoring.GradeScale;
import io.fedlead.client.scoring.ScoredLead;
import io.fedlead.core.features.ColumnSpec;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.MissingPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One loaded model as the service uses it: parser, scorers and grade boundaries built for its schema, and its
 * provenance. Immutable; a reload builds a new one (see {@link ModelHolder}), and a request keeps the one it started
 * with.
 */
public final class ServingModel {
    private final Path file;
    private final String fileSha256;
    private final Map<String, Object> provenance;
    private final FeatureSchema schema;
    private final FeatureEncoder encoder;
    private final LeadRequestParser parser;
    private final ScorerPool scorers;
    private final Optional<GradeScale> grades;
    private final boolean strictCategories;
    private final Instant loadedAt;
    private final ObjectMapper json;
    private final ScoreResponse.ModelRef ref;

    ServingModel(Path file, String fileSha256, Map<String, Object> provenance, FeatureSchema schema,
                 FeatureEncoder encoder, LeadRequestParser parser, ScorerPool scorers, Optional<GradeScale> grades,
                 boolean strictCategories, Instant loadedAt, ObjectMapper json) {
        this.file = Objects.requireNonNull(file, "file");
        this.fileSha256 = Objects.requireNonNull(fileSha256, "fileSha256");
        this.provenance = Map.copyOf(provenance.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        this.schema = Objects.requireNonNull(schema, "schema");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.scorers = Objects.requireNonNull(scorers, "scorers");
        this.grades = Objects.requireNonNull(grades, "grades");
        this.strictCategories = strictCategories;
        this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
        this.json = Objects.requireNonNull(json, "json");
        Object round = provenance.get("round");
        Object sha = provenance.get("model-sha256");
        this.ref = new ScoreResponse.ModelRef(text(provenance.get("model-version")),
                round instanceof Number n ? n.intValue() : null, sha == null ? fileSha256 : sha.toString(),
                text(provenance.get("run-id")));
    }

    public ScoreResponse.ModelRef ref() {
        return ref;
    }

    public Optional<GradeScale> grades() {
        return grades;
    }

    /** Scores one request body; bad input is an {@link ApiException} (400 or 413). */
    public ScoreResponse score(byte[] body) throws InterruptedException {
        LeadRequestParser.ParsedLeads leads = parser.parse(body);
        List<String> ids = new ArrayList<>(leads.rows());
        for (int i = 0; i < leads.rows(); i++) {
            String id = leads.ids().get(i);
            ids.add(id == null ? "leads[" + i + "]" : id);
        }
        List<ScoredLead> scored = scorers.score(leads.features(), leads.rows(), leads.width(), ids);
        List<ScoreResponse.LeadScore> out = new ArrayList<>(scored.size());
        for (int i = 0; i < scored.size(); i++) {
            ScoredLead s = scored.get(i);
            List<ScoreResponse.Reason> reasons = new ArrayList<>(s.topReasons().size());
            for (Contribution c : s.topReasons()) {
                reasons.add(new ScoreResponse.Reason(c.feature(), c.logOddsEffect()));
            }
            String grade = grades.map(g -> Character.toString(g.grade(s.probability()))).orElse(null);
            out.add(new ScoreResponse.LeadScore(i, leads.ids().get(i), s.probability(), s.rank(), grade, reasons,
                    leads.warnings().get(i)));
        }
        return new ScoreResponse(ref, out);
    }

    /**
     * What {@code GET /v1/model} shows: identity, provenance (round, clients, evaluation, privacy spent, when it was
     * made), the schema a lead must follow, and how grades are given. Fields the provenance lacks are left out.
     */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", ref);
        d.put("file", file.toAbsolutePath().toString());
        d.put("file-sha256", fileSha256);
        d.put("loaded", loadedAt.toString());
        copy(d, "created", "created");
        copy(d, "status", "status");
        copy(d, "status-reason", "status-reason");
        if (provenance.get("round-summary") instanceof Map<?, ?> summary) {
            Map<String, Object> clients = new LinkedHashMap<>();
            put(clients, "selected", summary.get("selected"));
            put(clients, "reported", summary.get("reported"));
            put(clients, "examples", summary.get("examples"));
            d.put("clients", clients);
            Map<String, Object> evaluation = new LinkedHashMap<>();
            put(evaluation, "federated-auc", summary.get("federatedAuc"));
            put(evaluation, "federated-log-loss", summary.get("federatedLogLoss"));
            put(evaluation, "holdout-leads", summary.get("evalExamples"));
            d.put("evaluation", evaluation);
        }
        if (provenance.get("privacy") instanceof Map<?, ?> privacy) {
            Map<String, Object> p = new LinkedHashMap<>();
            privacy.forEach((k, v) -> {
                if (!"steps".equals(k)) { // one entry per round: long, and in the checkpoint's provenance file
                    p.put(k.toString(), v);
                }
            });
            d.put("privacy", p);
        }
        copy(d, "model-spec", "model-spec");
        d.put("schema", schemaDescription());
        d.put("features", encoder.featureNames());
        d.put("grading", grading());
        copy(d, "versions", "versions");
        return d;
    }

    private Map<String, Object> schemaDescription() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sha256", schema.fingerprint());
        s.put("columns", schema.featureColumnNames());
        s.put("required", schema.columns().stream().filter(c -> c.missing() == MissingPolicy.ERROR)
                .map(ColumnSpec::name).toList());
        schema.idColumn().ifPresent(id -> s.put("id", id));
        List<String> unread = new ArrayList<>();
        unread.add(schema.targetColumn());
        unread.addAll(schema.ignore());
        s.put("accepted-not-read", unread);
        s.put("undeclared-categories", strictCategories ? "refused (400)" : "scored as the column's other slot, with a warning");
        try {
            s.put("definition", json.readTree(schema.toCanonicalJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the schema's own canonical JSON does not parse", e);
        }
        return s;
    }

    /** How grades are given: method, source and boundaries; also part of a reload's answer. */
    Map<String, Object> grading() {
        Map<String, Object> g = new LinkedHashMap<>();
        if (grades.isEmpty()) {
            g.put("method", "none");
            g.put("note", "no grades: start the server with --reference leads.csv or --grade-cuts A,B,C");
        } else {
            GradeScale scale = grades.get();
            g.put("method", "fixed probability boundaries");
            g.put("source", scale.source());
            Map<String, Double> min = new LinkedHashMap<>();
            min.put("A", scale.minA());
            min.put("B", scale.minB());
            min.put("C", scale.minC());
            g.put("min-probability", min);
        }
        g.put("rank", "within each request, 1 = highest probability");
        return g;
    }

    private void copy(Map<String, Object> to, String from, String as) {
        put(to, as, provenance.get(from));
    }

    private static void put(Map<String, Object> to, String key, Object value) {
        if (value != null) {
            to.put(key, value);
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
