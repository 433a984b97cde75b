package io.fedlead.core.features;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeadCsvReaderTest {
    @Test
    void read_quotedFields_delimiterAndNewlineInsideQuotesKept() {
        String csv = TestData.HEADER + "\n"
                + "L1,software,7,0,yes,emea,\"said \"\"hi\"\", then left\",yes\n"
                + "L2,retail,4,1,no,emea,\"two\nlines\",no\n"
                + "\n"
                + "L3,retail,4,1,no,emea,,no\n";
        LeadTable table = TestData.read(csv, false);
        assertEquals(3, table.size());
        assertEquals("said \"hi\", then left", table.rows().get(0).get(6));
        assertEquals("two\nlines", table.rows().get(1).get(6));
        // L2 starts on line 3 and spans two lines; a blank line follows, so L3 is on line 6.
        assertEquals(List.of(2L, 3L, 6L), table.lineNumbers());
    }

    @Test
    void read_brokenQuotesLater_recordByRecordPassKeepsLineNumbersAndSkipsOnlyTheBadRow() {
        String csv = TestData.HEADER + "\n"
                + "L1,software,7,0,yes,emea,\"two\nlines\",yes\n"
                + "\n"
                + "L2,retail,4,1,no,emea,\"x\"y,no\n"
                + "L3,retail,4,1,no,emea,,no\n";
        LeadTable table = TestData.read(csv, true);
        assertEquals(List.of("L1", "L3"), table.rows().stream().map(r -> r.get(0)).toList());
        assertEquals("two\nlines", table.rows().get(0).get(6));
        assertEquals(List.of(2L, 6L), table.lineNumbers());
        assertEquals(1, table.skippedRows());
        assertTrue(table.skipReasons().get(0).startsWith("leads.csv line 5: malformed quotes"),
                table.skipReasons().get(0));
    }

    @Test
    void read_wrongColumnCount_namesLineAndCounts() {
        String csv = TestData.HEADER + "\nL1,software,7,0,yes,emea,,yes\nL2,retail,4,1,no,emea,no\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestData.read(csv, false));
        assertEquals("leads.csv line 3: expected 8 columns, got 7", e.getMessage());
    }

    @Test
    void read_malformedQuotes_namesLine() {
        String csv = TestData.HEADER + "\nL1,software,7,0,yes,emea,\"x\"y,yes\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestData.read(csv, false));
        assertEquals("leads.csv line 2: malformed quotes: invalid character between encapsulated token and"
                + " delimiter", e.getMessage());
    }

    @Test
    void read_unterminatedQuoteWithSkip_onlyThatLineSkipped() {
        String csv = TestData.HEADER + "\n"
                + "L1,software,7,0,yes,emea,\"never closed,yes\n"
                + "L2,retail,4,1,no,emea,,no\n"
                + "L3,retail,4,1,no,emea,,no\n";
        LeadTable table = TestData.read(csv, true);
        assertEquals(List.of(3L, 4L), table.lineNumbers());
        assertEquals(1, table.skippedRows());
        assertTrue(table.skipReasons().get(0).startsWith("leads.csv line 2: unterminated quote"),
                table.skipReasons().get(0));
    }

    @Test
    void read_skipBadRows_countsAllKeepsFirstTwentyReasons() {
        StringBuilder csv = new StringBuilder(TestData.HEADER).append('\n');
        for (int i = 0; i < 25; i++) {
            csv.append("bad,row\n");
            csv.append("L").append(i).append(",retail,4,1,no,emea,,no\n");
        }
        LeadTable table = TestData.read(csv.toString(), true);
        assertEquals(25, table.size());
        assertEquals(25, table.skippedRows());
        assertEquals(LeadTable.MAX_REASONS, table.skipReasons().size());
        assertEquals("leads.csv line 2: expected 8 columns, got 2", table.skipReasons().get(0));
    }

    @Test
    void read_undeclaredColumn_namesIt() {
        String csv = TestData.HEADER + ",score,colour\nL1,software,7,0,yes,emea,,yes,1,red\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestData.read(csv, false));
        assertEquals("leads.csv: columns [score, colour] are not declared in the schema; declare them as features"
                + " or list them under 'ignore'", e.getMessage());
    }

    @Test
    void read_declaredColumnMissing_namesItAndFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("leads.csv");
        Files.writeString(file, "lead_id,industry,company_size,email_opt_in,converted\nL1,retail,1,no,no\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeadCsvReader.read(file, TestData.handSchema(), false));
        assertEquals(file + ": header lacks declared columns [pages_viewed, region]; header is"
                + " [lead_id, industry, company_size, email_opt_in, converted]", e.getMessage());
    }

    @Test
    void read_duplicateHeader_rejected() {
        String csv = TestData.HEADER + ",region\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestData.read(csv, false));
        assertEquals("leads.csv: header repeats columns [region]", e.getMessage());
    }

    @Test
    void read_emptyInput_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestData.read("\n\n", false));
        assertEquals("leads.csv: is empty, expected a header row", e.getMessage());
    }

    @Test
    void read_byteOrderMarkAndSpaces_stripped() {
        String csv = "\uFEFF" + TestData.HEADER.replace(",", " , ") + "\nL1 , software,7,0,yes,emea,,yes\n";
        LeadTable table = TestData.read(csv, false);
        assertEquals("lead_id", table.header().get(0));
        assertEquals(List.of("L1", "software"), table.rows().get(0).subList(0, 2));
    }

    @Test
    void read_missingFile_namesIt(@TempDir Path dir) {
        Path file = dir.resolve("nope.csv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeadCsvReader.read(file, TestData.handSchema(), false));
        assertEquals("leads file " + file + " does not exist", e.getMessage());
    }
}
