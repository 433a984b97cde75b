package io.fedlead.client.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedlead.client.scoring.LeadScorer;
import io.fedlead.client.scoring.ScoredLead;
import io.fedlead.core.features.BooleanColumn;
import io.fedlead.core.features.CategoricalColumn;
import io.fedlead.core.features.ColumnSpec;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A real model to serve: trained with {@link LocalTrainer} on synthetic leads and saved with a provenance like the
 * coordinator's, plus CSVs of other leads to score. The schema is the synthetic one with {@code pages_viewed}
 * made required ({@code missing: error}), so the "required column" rule has something to bite on.
 */
final class ServingFixture {
    final Path dir;
    final Path model;
    final Path leadsCsv;
    final Path referenceCsv;
    final FeatureSchema schema;
    final MultiLayerNetwork net;

    private ServingFixture(Path dir, Path model, Path leadsCsv, Path referenceCsv, FeatureSchema schema,
                           MultiLayerNetwork net) {
        this.dir = dir;
        this.model = model;
        this.leadsCsv = leadsCsv;
        this.referenceCsv = referenceCsv;
        this.schema = schema;
        this.net = net;
    }

    static FeatureSchema schema() {
        String yaml;
        try (InputStream in = SyntheticLeadGenerator.class.getResourceAsStream(SyntheticLeadGenerator.SCHEMA_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String marker = "  - name: pages_viewed\n    type: numeric\n";
        if (!yaml.contains(marker)) {
            throw new IllegalStateException("synthetic schema changed; update ServingFixture");
        }
        return FeatureSchema.parse(yaml.replace(marker, marker + "    missing: error\n"), "serving-fixture schema");
    }

    /** Trains a model of {@code spec} for 3 epochs on 800 leads and saves it as {@code dir/<name>/model.zip}. */
    static ServingFixture create(Path dir, String name, ModelSpec spec, long seed) throws IOException {
        FeatureSchema schema = schema();
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(seed);
        Path sub = dir.resolve(name);
        java.nio.file.Files.createDirectories(sub);
        Path train = sub.resolve("train.csv");
        Path reference = sub.resolve("reference.csv");
        Path leads = sub.resolve("leads.csv");
        gen.writeCsv(train, 0, 800);
        gen.writeCsv(reference, 1, 200);
        gen.writeCsv(leads, 2, 60);
        FeatureEncoder encoder = new FeatureEncoder(schema);
        EncodedLeads data = encoder.encode(LeadCsvReader.read(train, schema, false), true, false);
        MultiLayerNetwork net = NetworkFactory.build(spec, encoder.width());
        new LocalTrainer(new SplittableRandom(seed)).train(net, data.features(), data.rows(), data.width(),
                data.labels(), 3, 64, 0.2);
        Path model = sub.resolve("model.zip");
        ModelCheckpoint.save(model, net, provenance(schema, encoder, spec, 7, "r7"));
        return new ServingFixture(sub, model, leads, reference, schema, net);
    }

    /** Provenance with the keys the coordinator writes (FederationRun.provenance and CoordinatorServer). */
    static Map<String, Object> provenance(FeatureSchema schema, FeatureEncoder encoder, ModelSpec spec, int round,
                                          String version) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("schema-sha256", schema.fingerprint());
        p.put("schema-json", schema.toCanonicalJson());
        p.put("model-spec", spec);
        p.put("inputs", encoder.width());
        p.put("feature-names", encoder.featureNames());
        p.put("versions", ModelCheckpoint.versions());
        p.put("run-id", "serve-test");
        p.put("round", round);
        p.put("model-version", version);
        p.put("model-sha256", String.format(Locale.ROOT, "%064x", round));
        p.put("created", "2025-01-02T03:04:05Z");
        p.put("round-summary", Map.of("round", round, "selected", List.of("unit-a", "unit-b", "unit-c"),
                "reported", List.of("unit-a", "unit-b"), "examples", 1600, "federatedAuc", 0.81,
                "federatedLogLoss", 0.4, "evalExamples", 400));
        p.put("privacy", Map.of("accountant", "RDP, Poisson-subsampled Gaussian mechanism, client level",
                "clip-norm", 1.0, "noise-multiplier", 0.5, "delta", 1e-5, "epsilon", 12.5,
                "steps", List.of(Map.of("sample-rate", 1.0))));
        p.put("status", "completed");
        return p;
    }

    /** The batch scores of a CSV: what {@code fedlead score} computes, rows scored together. */
    List<ScoredLead> batchScores(Path csv) {
        FeatureEncoder encoder = new FeatureEncoder(schema);
        EncodedLeads leads = encoder.encode(LeadCsvReader.read(csv, schema, false), false, false);
        return new LeadScorer(net, encoder.featureNames()).score(leads.features(), leads.rows(), leads.width(),
                leads.ids());
    }

    /**
     * The CSV's rows as a {@code {"leads": [...]}} body with JSON types: numbers as numbers, booleans as JSON
     * booleans on even rows and as the CSV's own strings on odd rows, everything else as strings (the target and
     * ignored columns included: the service accepts and ignores them).
     */
    String requestBody(Path csv, ObjectMapper json) {
        LeadTable table = LeadCsvReader.read(csv, schema, false);
        ObjectNode root = json.createObjectNode();
        ArrayNode leads = root.putArray("leads");
        for (int r = 0; r < table.size(); r++) {
            leads.add(lead(table, r, json));
        }
        return root.toString();
    }

    ObjectNode lead(LeadTable table, int r, ObjectMapper json) {
        ObjectNode lead = json.createObjectNode();
        List<String> row = table.rows().get(r);
        for (int c = 0; c < table.header().size(); c++) {
            String column = table.header().get(c);
            String value = row.get(c);
            ColumnSpec spec = schema.columns().stream().filter(s -> s.name().equals(column)).findFirst().orElse(null);
            if (spec == null || spec instanceof CategoricalColumn) {
                lead.put(column, value);
            } else if (spec instanceof BooleanColumn b && r % 2 == 0) {
                lead.put(column, b.trueValues().contains(value.toLowerCase(Locale.ROOT)));
            } else if (spec instanceof BooleanColumn) {
                lead.put(column, value);
            } else {
                lead.put(column, Double.parseDouble(value));
            }
        }
        return lead;
    }
}
