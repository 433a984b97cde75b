package io.fedlead.client.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.client.scoring.GradeScale;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.model.ModelCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads what the service serves, at start-up and on every reload: the model and its provenance
 * ({@link ModelCheckpoint}), the schema (the provenance's, as the batch {@code score} command takes it, or a file),
 * and the grade boundaries (a reference CSV scored with this very model, fixed cuts, or none). Anything wrong
 * (missing file, schema that does not fit the network, bad reference row) is an exception naming the file; a
 * failed reload leaves the model being served in place.
 */
public final class ModelLoader {
    private final ModelSettings settings;
    private final ServerLimits limits;
    private final ObjectMapper json;
    private final Clock clock;

    public ModelLoader(ModelSettings settings, ServerLimits limits, ObjectMapper json, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ModelSettings settings() {
        return settings;
    }

    public ServingModel load() throws IOException {
        Path file = settings.modelFile();
        ModelCheckpoint.LoadedModel loaded = ModelCheckpoint.load(file);
        FeatureSchema schema = schema(file, loaded);
        FeatureEncoder encoder = new FeatureEncoder(schema);
        int inputs = loaded.net().layerInputSize(0);
        if (inputs != encoder.width()) {
            throw new IllegalArgumentException(file + ": the schema encodes " + encoder.width()
                    + " input slots but the network has " + inputs + " inputs; is this the model's schema?");
        }
        Object savedNames = loaded.provenance().get("feature-names");
        if (savedNames instanceof List<?> names && !names.equals(encoder.featureNames())) {
            throw new IllegalArgumentException(file + ": the schema's input slots " + encoder.featureNames()
                    + " differ from the ones the model was trained on " + names);
        }
        ScorerPool scorers = new ScorerPool(loaded.net(), encoder.featureNames(), limits.threads());
        Optional<GradeScale> grades = settings.fixedGrades();
        if (settings.reference().isPresent()) {
            grades = Optional.of(referenceGrades(settings.reference().get(), schema, encoder, scorers));
        }
        LeadRequestParser parser = new LeadRequestParser(encoder, json, limits.maxLeads(), settings.strictCategories());
        return new ServingModel(file, sha256(file), loaded.provenance(), schema, encoder, parser, scorers, grades,
                settings.strictCategories(), clock.instant(), json);
    }

    private FeatureSchema schema(Path file, ModelCheckpoint.LoadedModel loaded) {
        if (settings.schemaFile().isPresent()) {
            return FeatureSchema.load(settings.schemaFile().get());
        }
        Object schemaJson = loaded.provenance().get("schema-json");
        if (schemaJson == null) {
            throw new IllegalArgumentException(file + ": provenance has no 'schema-json'; pass --schema");
        }
        return FeatureSchema.parse(schemaJson.toString(), file + " provenance schema-json");
    }

    // The reference is scored exactly as the batch command scores a file, so the boundaries are batch grades.
    private static GradeScale referenceGrades(Path csv, FeatureSchema schema, FeatureEncoder encoder, ScorerPool scorers)
            throws IOException {
        EncodedLeads leads = encoder.encode(LeadCsvReader.read(csv, schema, false), false, false);
        try {
            return GradeScale.fromReference(scorers.score(leads.features(), leads.rows(), leads.width(), leads.ids()),
                    "reference " + csv);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scoring the reference " + csv, e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
