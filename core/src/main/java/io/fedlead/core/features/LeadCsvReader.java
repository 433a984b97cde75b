package io.fedlead.core.features;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a leads CSV (header row, RFC 4180 quotes, the schema's delimiter) into a {@link LeadTable}, checking the
 * header against the schema and the column count of every row.
 *
 * <p>Parsing is done by Apache commons-csv. The whole text is first streamed through one parser (fast). A streaming
 * parser cannot resume after broken quotes, so if it hits one the text is parsed again one logical record at a
 * time: physical lines are joined while a quote is open (an odd number of quote characters) and each record is
 * parsed on its own, which lets a malformed row be reported with its line, or skipped and counted, without losing
 * the rest of the file. Both passes give identical results on well-formed input.
 */
public final class LeadCsvReader {
    /** A quoted field spanning more physical lines than this is taken to be an unterminated quote. */
    static final int MAX_LINES_PER_RECORD = 100;

    private LeadCsvReader() {
    }

    /** Reads {@code csv} (UTF-8); see {@link #read(Reader, String, FeatureSchema, boolean)}. */
    public static LeadTable read(Path csv, FeatureSchema schema, boolean skipBadRows) {
        Objects.requireNonNull(csv, "csv");
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return read(reader, csv.toString(), schema, skipBadRows);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("leads file " + csv + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read leads file " + csv + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads CSV text. The header must contain every feature column of the schema and nothing that is not a
     * feature, the target, the id or ignored. A row with the wrong column count or broken quotes throws
     * {@code "<source> line N: expected 21 columns, got 20"}, or with {@code skipBadRows} is skipped and counted.
     */
    public static LeadTable read(Reader reader, String sourceName, FeatureSchema schema, boolean skipBadRows) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(schema, "schema");
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(schema.delimiter())
                .setQuote('"')
                .setTrim(true)
                .setIgnoreSurroundingSpaces(true)
                .get();
        String text;
        try {
            StringBuilder sb = new StringBuilder();
            char[] buffer = new char[1 << 16];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                sb.append(buffer, 0, n);
            }
            text = sb.length() > 0 && sb.charAt(0) == '\uFEFF' ? sb.substring(1) : sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(sourceName + ": " + e.getMessage(), e);
        }
        try {
            return streamingRead(text, sourceName, schema, skipBadRows, format);
        } catch (BrokenQuotes e) {
            return recordByRecordRead(text, sourceName, schema, skipBadRows, format);
        }
    }

    /** Thrown by the streaming pass when commons-csv cannot tokenise the text. */
    private static final class BrokenQuotes extends RuntimeException {
        BrokenQuotes(Throwable cause) {
            super(cause);
        }
    }

    private static LeadTable streamingRead(String text, String sourceName, FeatureSchema schema, boolean skipBadRows,
                                           CSVFormat format) {
        int[] lineStarts = lineStarts(text);
        List<List<String>> rows = new ArrayList<>();
        List<Long> lineNumbers = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int skipped = 0;
        List<String> header = null;
        try (CSVParser parser = CSVParser.parse(text, format)) {
            java.util.Iterator<CSVRecord> records = parser.iterator();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                if (isBlankRecord(record.values())) {
                    continue;
                }
                long line = lineOf(text, lineStarts, record.getCharacterPosition());
                if (header == null) {
                    header = List.of(record.values());
                    checkHeader(header, schema, sourceName);
                    continue;
                }
                if (record.size() == header.size()) {
                    rows.add(List.of(record.values()));
                    lineNumbers.add(line);
                    continue;
                }
                String message = sourceName + " line " + line + ": expected " + header.size() + " columns, got "
                        + record.size();
                if (!skipBadRows) {
                    throw new IllegalArgumentException(message);
                }
                skipped++;
                if (reasons.size() < LeadTable.MAX_REASONS) {
                    reasons.add(message);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BrokenQuotes(e);
        }
        if (header == null) {
            throw new IllegalArgumentException(sourceName + ": is empty, expected a header row");
        }
        return new LeadTable(sourceName, header, rows, lineNumbers, skipped, reasons);
    }

    /** A line holding nothing (or only spaces) parses to one empty value; both passes skip it. */
    private static boolean isBlankRecord(String[] values) {
        return values.length == 1 && values[0].isEmpty();
    }

    private static int[] lineStarts(String text) {
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        int[] starts = new int[count];
        int k = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return starts;
    }

    /**
     * 1-based line of the first visible character at or after {@code position}: commons-csv reports a record's
     * position before the blank lines it skipped.
     */
    private static long lineOf(String text, int[] lineStarts, long position) {
        int p = (int) position;
        while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
            p++;
        }
        int i = java.util.Arrays.binarySearch(lineStarts, p);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private static LeadTable recordByRecordRead(String text, String sourceName, FeatureSchema schema,
                                                boolean skipBadRows, CSVFormat format) {
        try {
            LineSource lines = new LineSource(new BufferedReader(new java.io.StringReader(text)));
            String headerLine = lines.nextNonBlank();
            if (headerLine == null) {
                throw new IllegalArgumentException(sourceName + ": is empty, expected a header row");
            }
            long headerLineNr = lines.lineNumber;
            List<String> header;
            try {
                header = parseRecord(headerLine, format);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(sourceName + " line " + headerLineNr + ": unreadable header: "
                        + e.getMessage(), e);
            }
            checkHeader(header, schema, sourceName);

            List<List<String>> rows = new ArrayList<>();
            List<Long> lineNumbers = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            int skipped = 0;
            String line;
            while ((line = lines.nextNonBlank()) != null) {
                long start = lines.lineNumber;
                String problem;
                List<String> values = null;
                String record = completeRecord(line, lines);
                if (record == null) {
                    problem = "unterminated quote (no closing '\"' within " + MAX_LINES_PER_RECORD + " lines)";
                } else {
                    try {
                        values = parseRecord(record, format);
                        if (isBlankRecord(values.toArray(String[]::new))) {
                            continue;
                        }
                        problem = values.size() == header.size() ? null
                                : "expected " + header.size() + " columns, got " + values.size();
                    } catch (IllegalArgumentException e) {
                        problem = "malformed quotes: " + e.getMessage();
                    }
                }
                if (problem == null) {
                    rows.add(values);
                    lineNumbers.add(start);
                    continue;
                }
                String message = sourceName + " line " + start + ": " + problem;
                if (!skipBadRows) {
                    throw new IllegalArgumentException(message);
                }
                skipped++;
                if (reasons.size() < LeadTable.MAX_REASONS) {
                    reasons.add(message);
                }
            }
            return new LeadTable(sourceName, header, rows, lineNumbers, skipped, reasons);
        } catch (IOException e) {
            throw new UncheckedIOException(sourceName + ": " + e.getMessage(), e);
        }
    }

    private static void checkHeader(List<String> header, FeatureSchema schema, String source) {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (String h : header) {
            if (!seen.add(h)) {
                duplicates.add(h);
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException(source + ": header repeats columns " + duplicates);
        }
        Set<String> known = schema.knownColumnNames();
        List<String> undeclared = header.stream().filter(h -> !known.contains(h)).toList();
        if (!undeclared.isEmpty()) {
            throw new IllegalArgumentException(source + ": columns " + undeclared + " are not declared in the schema;"
                    + " declare them as features or list them under 'ignore'");
        }
        List<String> absent = schema.featureColumnNames().stream().filter(c -> !seen.contains(c)).toList();
        if (!absent.isEmpty()) {
            throw new IllegalArgumentException(source + ": header lacks declared columns " + absent
                    + "; header is " + header);
        }
    }

    /**
     * Joins physical lines while a quote is open; returns null if no closing quote appears within the limit (the
     * following lines are then left unread, so the reader resumes right after the bad line). Quotes are escaped by
     * doubling, so a record is closed exactly when its quote count is even.
     */
    private static String completeRecord(String first, LineSource lines) throws IOException {
        int quotes = countQuotes(first);
        if (quotes % 2 == 0) {
            return first;
        }
        StringBuilder sb = new StringBuilder(first);
        List<String> taken = new ArrayList<>();
        while (taken.size() < MAX_LINES_PER_RECORD) {
            String next = lines.next();
            if (next == null) {
                break;
            }
            taken.add(next);
            sb.append('\n').append(next);
            quotes += countQuotes(next);
            if (quotes % 2 == 0) {
                return sb.toString();
            }
        }
        lines.pushBack(taken);
        return null;
    }

    private static int countQuotes(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                n++;
            }
        }
        return n;
    }

    private static List<String> parseRecord(String record, CSVFormat format) {
        try (CSVParser parser = CSVParser.parse(record, format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new IllegalArgumentException("expected one record, found " + records.size());
            }
            return List.of(records.get(0).values());
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            // commons-csv counts lines within the single record; the caller names the file line instead.
            String message = String.valueOf(cause.getMessage()).replaceAll(" at line: \\d+, position: \\d+", "");
            throw new IllegalArgumentException(message.toLowerCase(java.util.Locale.ROOT), e);
        }
    }

    /** Physical lines with their 1-based numbers and a push-back for lines read ahead. */
    private static final class LineSource {
        private final BufferedReader reader;
        private final java.util.ArrayDeque<String> pushedBack = new java.util.ArrayDeque<>();
        long lineNumber;

        LineSource(BufferedReader reader) {
            this.reader = reader;
        }

        String next() throws IOException {
            String line = pushedBack.isEmpty() ? reader.readLine() : pushedBack.pollFirst();
            if (line != null) {
                lineNumber++;
            }
            return line;
        }

        String nextNonBlank() throws IOException {
            String line;
            while ((line = next()) != null) {
                if (!line.isBlank()) {
                    return line;
                }
            }
            return null;
        }

        void pushBack(List<String> lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                pushedBack.addFirst(lines.get(i));
            }
            lineNumber -= lines.size();
        }
    }
}
