package io.fedlead.client.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoredCsvWriterTest {
    private static final List<String> HEADER = List.of("lead_id", "company");
    private static final List<List<String>> ROWS = List.of(List.of("L1", "Acme"), List.of("L2", "Globex, Inc."));
    private static final List<ScoredLead> SCORED = List.of(
            new ScoredLead("L1", 0.25, 2, 'C', List.of(new Contribution("region=emea", -0.2))),
            new ScoredLead("L2", 0.8123456789, 1, 'A', List.of(
                    new Contribution("pages_viewed", 0.8161), new Contribution("source=event", 0.41),
                    new Contribution("region=emea", -0.204))));

    @Test
    void write_appendsScoreColumnsAndQuotesWhereNeeded() throws IOException {
        StringBuilder out = new StringBuilder();

        ScoredCsvWriter.write(out, HEADER, ROWS, SCORED);

        assertEquals("""
                lead_id,company,probability,rank,grade,reasons
                L1,Acme,0.250000,2,C,region=emea -0.20
                L2,"Globex, Inc.",0.812346,1,A,pages_viewed +0.82; source=event +0.41; region=emea -0.20
                """, out.toString());
    }

    @Test
    void write_toFile_sameBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("scored.csv");
        ScoredCsvWriter.write(file, HEADER, ROWS, SCORED);
        StringBuilder expected = new StringBuilder();
        ScoredCsvWriter.write(expected, HEADER, ROWS, SCORED);
        assertEquals(expected.toString(), Files.readString(file));
    }

    @Test
    void write_rowWidthDiffers_rejectedNamingRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoredCsvWriter.write(new StringBuilder(), HEADER, List.of(List.of("L1", "Acme"), List.of("L2")), SCORED));
        assertEquals("row 1 (lead 'L2') has 1 values but the header has 2 columns", e.getMessage());
    }

    @Test
    void write_headerAlreadyHasScoreColumn_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoredCsvWriter.write(new StringBuilder(), List.of("id", "rank"), List.of(), List.of()));
        assertEquals("input already has a column 'rank'; rename it before scoring", e.getMessage());
    }
}
