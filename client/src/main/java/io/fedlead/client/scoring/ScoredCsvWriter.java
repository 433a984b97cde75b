package io.fedlead.client.scoring;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes scored leads as CSV: the input file's own columns, unchanged, followed by {@code probability},
 * {@code rank}, {@code grade} and {@code reasons} (e.g. "pages_viewed +0.82; source=event +0.41; region=emea -0.20").
 */
public final class ScoredCsvWriter {
    /** Columns appended after the original ones. */
    public static final List<String> ADDED_COLUMNS = List.of("probability", "rank", "grade", "reasons");

    // RFC 4180 quoting with Unix line ends: the files are read by people and Unix tools more than by Excel.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private ScoredCsvWriter() {
    }

    /** Writes to a file (UTF-8), replacing it. */
    public static void write(Path file, List<String> header, List<List<String>> rows, List<ScoredLead> scored) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, header, rows, scored);
        }
    }

    /**
     * Writes the header and one record per row; {@code scored.get(i)} belongs to {@code rows.get(i)}.
     *
     * @throws IllegalArgumentException if counts differ, a row's width differs from the header's, or the header
     *                                  already has one of the {@link #ADDED_COLUMNS}
     */
    public static void write(Appendable out, List<String> header, List<List<String>> rows, List<ScoredLead> scored) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(scored, "scored");
        if (rows.size() != scored.size()) {
            throw new IllegalArgumentException(rows.size() + " rows but " + scored.size() + " scored leads");
        }
        for (String added : ADDED_COLUMNS) {
            if (header.contains(added)) {
                throw new IllegalArgumentException("input already has a column '" + added + "'; rename it before scoring");
            }
        }
        CSVPrinter printer = new CSVPrinter(out, FORMAT);
        List<String> fullHeader = new ArrayList<>(header);
        fullHeader.addAll(ADDED_COLUMNS);
        printRecord(printer, fullHeader);
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row " + i + " (lead '" + scored.get(i).id() + "') has " + row.size()
                        + " values but the header has " + header.size() + " columns");
            }
            ScoredLead lead = scored.get(i);
            List<String> record = new ArrayList<>(row);
            record.add(String.format(Locale.ROOT, "%.6f", lead.probability()));
            record.add(Integer.toString(lead.rank()));
            record.add(Character.toString(lead.grade()));
            record.add(formatReasons(lead.topReasons()));
            printRecord(printer, record);
        }
        printer.flush();
    }

    // print + println rather than printRecord: in commons-csv 1.14 every printRecord overload goes through
    // commons-io's IOStream (commons-io >= 2.18), but DL4J pulls in commons-io 2.7, which wins dependency
    // mediation. Output is identical.
    private static void printRecord(CSVPrinter printer, List<String> values) throws IOException {
        for (String v : values) {
            printer.print(v);
        }
        printer.println();
    }

    /** "name +0.82; other -0.20": effects in log-odds to two decimals. */
    public static String formatReasons(List<Contribution> reasons) {
        return reasons.stream()
                .map(c -> String.format(Locale.ROOT, "%s %+.2f", c.feature(), c.logOddsEffect()))
                .collect(Collectors.joining("; "));
    }
}
