package io.fedlead.core.features;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example schema against the real UCI file; skipped where the shared data set is not present. */
class BankMarketingSchemaTest {
    /**
     * Walks up from the working directory (core/ under Maven) to the first directory containing {@code relative};
     * the shared data sets sit beside the repository root, e.g. /work/shared next to /work/repo.
     */
    private static Optional<Path> findUp(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Test
    void schema_parsesAndEncodesTheRealFileWithoutErrors() {
        Path schemaFile = findUp("examples/bank-marketing/schema.yaml").orElseThrow();
        FeatureSchema schema = FeatureSchema.load(schemaFile);
        assertEquals(19, schema.columns().size());
        assertEquals(';', schema.delimiter());

        Optional<Path> csv = findUp("shared/datasets/bank-marketing/bank-additional-full.csv");
        Assumptions.assumeTrue(csv.isPresent() && Files.exists(csv.get()),
                "bank-additional-full.csv not found above " + Path.of("").toAbsolutePath());
        long start = System.nanoTime();
        LeadTable table = LeadCsvReader.read(csv.get(), schema, false);
        long read = System.nanoTime();
        FeatureEncoder encoder = new FeatureEncoder(schema);
        EncodedLeads leads = encoder.encode(table, true, false);
        long end = System.nanoTime();
        System.out.printf("bank-additional-full: %d rows, width %d, read %.0f rows/s, encode %.0f rows/s,"
                        + " read+encode %.0f rows/s%n", leads.rows(), leads.width(),
                leads.rows() / ((read - start) / 1e9), leads.rows() / ((end - read) / 1e9),
                leads.rows() / ((end - start) / 1e9));
        assertEquals(41_188, leads.rows());
        assertEquals(0, leads.skippedRows());
        assertEquals(4_640, Math.round(leads.positiveRate() * leads.rows()));
        // pdays 999 (never contacted) -> pdays:missing = 1 on all but the 1,515 previously contacted rows.
        int missingSlot = encoder.featureNames().indexOf("pdays:missing");
        int neverContacted = 0;
        for (int i = 0; i < leads.rows(); i++) {
            neverContacted += leads.features()[i * leads.width() + missingSlot] == 1f ? 1 : 0;
        }
        assertEquals(41_188 - 1_515, neverContacted);
        // Every standardised value is finite and the clip bound holds.
        for (float v : leads.features()) {
            assertTrue(Float.isFinite(v) && Math.abs(v) <= 10, "value " + v);
        }
    }
}
