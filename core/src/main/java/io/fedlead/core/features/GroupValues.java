package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fairness-audit group of every row of some {@link EncodedLeads}, for every categorical and boolean column of the
 * schema, taken from the rows' raw values (see {@link AuditColumn}). Kept beside a node's holdout so an evaluation
 * task can split the holdout by any column the coordinator asks for; only group names, never raw values, are kept.
 */
public final class GroupValues {
    private final int rows;
    private final Map<String, AuditColumn> columns;
    private final Map<String, int[]> codes;

    private GroupValues(int rows, Map<String, AuditColumn> columns, Map<String, int[]> codes) {
        this.rows = rows;
        this.columns = columns;
        this.codes = codes;
    }

    /**
     * The groups of the rows {@code encoded} kept from {@code table} (the encoder drops bad rows only when told to
     * skip them; the kept rows are matched to the table's rows by source line, in order).
     *
     * @throws IllegalArgumentException when {@code encoded} is not an in-order subset of {@code table}'s rows
     */
    public static GroupValues of(LeadTable table, EncodedLeads encoded, FeatureSchema schema) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(encoded, "encoded");
        int[] tableRow = new int[encoded.rows()];
        int t = 0;
        for (int r = 0; r < encoded.rows(); r++) {
            long line = encoded.lineNumbers().get(r);
            while (t < table.size() && table.lineNumbers().get(t) != line) {
                t++;
            }
            if (t == table.size()) {
                throw new IllegalArgumentException(encoded.source() + ": encoded row " + r + " (line " + line
                        + ") is not a row of " + table.source());
            }
            tableRow[r] = t++;
        }
        Map<String, AuditColumn> columns = new LinkedHashMap<>();
        Map<String, int[]> codes = new LinkedHashMap<>();
        for (AuditColumn column : AuditColumn.allOf(schema)) {
            int at = table.columnIndex(column.name());
            if (at < 0) {
                throw new IllegalArgumentException(table.source() + ": header lacks declared column '" + column.name() + "'");
            }
            int[] c = new int[encoded.rows()];
            for (int r = 0; r < c.length; r++) {
                try {
                    c[r] = column.groupOf(table.rows().get(tableRow[r]).get(at));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(table.source() + " line " + encoded.lineNumbers().get(r) + ": "
                            + e.getMessage(), e);
                }
            }
            columns.put(column.name(), column);
            codes.put(column.name(), c);
        }
        return new GroupValues(encoded.rows(), Map.copyOf(columns), codes);
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** The grouping of {@code column}, when it is a categorical or boolean column of the schema. */
    public Optional<AuditColumn> column(String column) {
        return Optional.ofNullable(columns.get(column));
    }

    /** Group index (into {@link AuditColumn#groups()}) of each row for {@code column}; a copy. */
    public int[] codes(String column) {
        int[] c = codes.get(column);
        if (c == null) {
            throw new IllegalArgumentException("column '" + column + "' is not a categorical or boolean column; "
                    + "audit columns here: " + codes.keySet());
        }
        return c.clone();
    }

    /** The groups of the rows where {@code keep} is true, in order. */
    public GroupValues subset(boolean[] keep) {
        if (keep.length != rows) {
            throw new IllegalArgumentException("mask has " + keep.length + " entries for " + rows + " rows");
        }
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : codes.entrySet()) {
            int[] sub = new int[n];
            int j = 0;
            for (int i = 0; i < rows; i++) {
                if (keep[i]) {
                    sub[j++] = e.getValue()[i];
                }
            }
            out.put(e.getKey(), sub);
        }
        return new GroupValues(n, columns, out);
    }

    /** Column names covered, in schema order. */
    public List<String> columnNames() {
        return new ArrayList<>(codes.keySet());
    }
}
