package io.fedlead.core.features;

import java.util.List;
import java.util.Objects;

/**
 * The raw rows of one leads CSV after structural checks (header matches the schema, every row has the header's
 * column count), with the 1-based file line each row started on for error messages.
 *
 * @param source      where the rows came from (a file name), used in messages
 * @param header      the CSV header, trimmed
 * @param rows        the rows, each with {@code header.size()} trimmed values
 * @param lineNumbers 1-based line of each row in the source
 * @param skippedRows rows dropped as malformed (only with skip-bad-rows)
 * @param skipReasons the first {@link #MAX_REASONS} reasons for skipping
 */
public record LeadTable(String source, List<String> header, List<List<String>> rows, List<Long> lineNumbers,
                        int skippedRows, List<String> skipReasons) {
    /** How many skip reasons are kept; the count keeps counting past it. */
    public static final int MAX_REASONS = 20;

    public LeadTable {
        Objects.requireNonNull(source, "source");
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        lineNumbers = List.copyOf(lineNumbers);
        skipReasons = List.copyOf(skipReasons);
        if (rows.size() != lineNumbers.size()) {
            throw new IllegalArgumentException(source + ": " + rows.size() + " rows but " + lineNumbers.size()
                    + " line numbers");
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != header.size()) {
                throw new IllegalArgumentException(source + " line " + lineNumbers.get(i) + ": expected "
                        + header.size() + " columns, got " + rows.get(i).size());
            }
        }
        if (skippedRows < 0 || skipReasons.size() > Math.min(skippedRows, MAX_REASONS)) {
            throw new IllegalArgumentException(source + ": skippedRows " + skippedRows + " inconsistent with "
                    + skipReasons.size() + " reasons");
        }
    }

    /** Number of rows. */
    public int size() {
        return rows.size();
    }

    /** Position of {@code column} in the header, or -1. */
    public int columnIndex(String column) {
        return header.indexOf(column);
    }
}
