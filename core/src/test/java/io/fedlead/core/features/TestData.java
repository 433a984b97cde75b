package io.fedlead.core.features;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Shared fixtures: the hand schema and CSV text helpers. */
final class TestData {
    static final String HEADER = "lead_id,industry,pages_viewed,company_size,email_opt_in,region,notes,converted";

    private TestData() {
    }

    static FeatureSchema handSchema() {
        return FeatureSchema.parse(resource("hand-schema.yaml"), "hand-schema.yaml");
    }

    static String resource(String name) {
        try (InputStream in = TestData.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LeadTable read(String csv, boolean skip) {
        return LeadCsvReader.read(new StringReader(csv), "leads.csv", handSchema(), skip);
    }
}
