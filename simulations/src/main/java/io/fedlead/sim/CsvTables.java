package io.fedlead.sim;

import io.fedlead.core.features.LeadTable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes and combines lead tables as CSV (simulations split and pool data sets). */
public final class CsvTables {
    private CsvTables() {
    }

    public static LeadTable concat(List<LeadTable> parts) {
        List<String> header = parts.get(0).header();
        List<List<String>> rows = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        long line = 2;
        for (LeadTable t : parts) {
            if (!t.header().equals(header)) {
                throw new IllegalArgumentException(t.source() + ": header " + t.header() + " differs from " + header);
            }
            for (List<String> r : t.rows()) {
                rows.add(r);
                lines.add(line++);
            }
        }
        return new LeadTable("pooled", header, rows, lines, 0, List.of());
    }

    public static void write(Path file, LeadTable table, char delimiter) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Writer w = Files.newBufferedWriter(file);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setDelimiter(delimiter)
                         .setHeader(table.header().toArray(String[]::new)).get())) {
                for (List<String> row : table.rows()) {
                    p.printRecord(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
