package io.fedlead.client.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.core.features.BooleanColumn;
import io.fedlead.core.features.CategoricalColumn;
import io.fedlead.core.features.ColumnSpec;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.MissingPolicy;
import io.fedlead.core.features.NumericColumn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a {@code POST /v1/score} body, {@code {"leads": [{"<column>": value, ...}, ...]}}, into encoded rows.
 *
 * <p>Each lead's values are checked for their JSON type and then handed to the model's own
 * {@link FeatureEncoder#encodeRow}, the code that encodes CSV rows for the batch {@code score} command, so a lead
 * sent here gets exactly the vector its CSV row would. The rules:
 * <ul>
 *   <li>numeric columns take JSON numbers (finite); categorical columns take strings; boolean columns take
 *       {@code true}/{@code false} or one of the column's true/false strings. Strings are trimmed, as CSV cells are.
 *   <li>an absent key, {@code null}, or one of the schema's missing tokens is a missing value, handled by the
 *       column's missing policy as in a CSV; a column whose policy is {@code error} is required.
 *   <li>a category the schema does not declare goes to the column's "other" slot, as in a CSV, and the lead gets a
 *       warning saying so; with {@code strictCategories} it is an error instead.
 *   <li>keys that are neither schema columns nor the id, target or ignored columns are errors; the target and
 *       ignored columns are accepted and not read.
 * </ul>
 * Every problem in the request is collected (up to {@link #MAX_PROBLEMS}), each naming the lead and the field:
 * {@code leads[3].pages_viewed: "abc" is not a number}; then the request is refused as a whole (400).
 */
final class LeadRequestParser {
    /** Problems reported per refused request; the rest are counted, not listed. */
    static final int MAX_PROBLEMS = 50;

    private final FeatureSchema schema;
    private final FeatureEncoder encoder;
    private final ObjectMapper json;
    private final int maxLeads;
    private final boolean strictCategories;
    private final List<ColumnSpec> columns;
    private final List<Set<String>> categories;
    private final Set<String> known;

    /** The leads of one request, encoded. {@code ids} holds null where a lead has no id. */
    record ParsedLeads(float[] features, int rows, int width, List<String> ids, List<List<String>> warnings) {
        ParsedLeads {
            Objects.requireNonNull(features, "features");
            ids = java.util.Collections.unmodifiableList(new ArrayList<>(ids));
            warnings = List.copyOf(warnings);
        }
    }

    LeadRequestParser(FeatureEncoder encoder, ObjectMapper json, int maxLeads, boolean strictCategories) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.schema = encoder.schema();
        this.json = Objects.requireNonNull(json, "json");
        this.maxLeads = maxLeads;
        this.strictCategories = strictCategories;
        this.columns = schema.columns();
        this.categories = columns.stream()
                .map(c -> c instanceof CategoricalColumn cat ? Set.copyOf(cat.categories()) : Set.<String>of())
                .toList();
        this.known = schema.knownColumnNames();
    }

    ParsedLeads parse(byte[] body) {
        JsonNode leads = leadsArray(body);
        int n = leads.size();
        if (n == 0) {
            throw new ApiException(400, "'leads' is empty; send at least one lead");
        }
        if (n > maxLeads) {
            throw new ApiException(413, "request has " + n + " leads; the limit is " + maxLeads
                    + " per request (--max-leads)");
        }
        int width = encoder.width();
        if ((long) n * width > Integer.MAX_VALUE - 8) { // only reachable with --max-leads raised absurdly
            throw new ApiException(413, "request has " + n + " leads; " + n + " x " + width + " inputs do not fit in"
                    + " one array");
        }
        float[] features = new float[n * width];
        List<String> ids = new ArrayList<>(n);
        List<List<String>> warnings = new ArrayList<>(n);
        Problems problems = new Problems();
        for (int i = 0; i < n; i++) {
            List<String> leadWarnings = new ArrayList<>(0);
            ids.add(readLead(i, leads.get(i), features, i * width, leadWarnings, problems));
            warnings.add(leadWarnings);
        }
        problems.throwIfAny();
        return new ParsedLeads(features, n, width, ids, warnings);
    }

    private JsonNode leadsArray(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ApiException(400, "invalid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ApiException(400, "unreadable request body: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new ApiException(400, "request body is empty; expected {\"leads\": [{...}, ...]}");
        }
        if (!root.isObject()) {
            throw new ApiException(400, "request body is " + kind(root) + "; expected {\"leads\": [{...}, ...]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("leads")) {
                throw new ApiException(400, "unknown field '" + name + "'; the body is {\"leads\": [{...}, ...]}");
            }
        }
        JsonNode leads = root.get("leads");
        if (leads == null) {
            throw new ApiException(400, "missing field 'leads'; the body is {\"leads\": [{...}, ...]}");
        }
        if (!leads.isArray()) {
            throw new ApiException(400, "'leads' is " + kind(leads) + "; expected an array of lead objects");
        }
        return leads;
    }

    /** Encodes lead {@code i} into {@code dst} at {@code at}; returns its id (or null). Problems are collected. */
    private String readLead(int i, JsonNode lead, float[] dst, int at, List<String> warnings, Problems problems) {
        String prefix = "leads[" + i + "]";
        if (!lead.isObject()) {
            problems.add(i, null, prefix + ": is " + kind(lead) + "; expected an object of column values");
            return null;
        }
        int before = problems.count();
        for (Iterator<String> it = lead.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.add(i, name, prefix + "." + name + ": unknown column; the model's columns are "
                        + schema.featureColumnNames());
            }
        }
        String id = schema.idColumn().map(c -> readId(i, c, lead.get(c), problems)).orElse(null);
        List<String> raw = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            raw.add(rawValue(i, c, lead, warnings, problems));
        }
        if (problems.count() > before) {
            return id;
        }
        try {
            encoder.encodeRow(raw, dst, at);
        } catch (FeatureEncoder.InvalidValueException e) {
            JsonNode value = lead.get(e.column());
            problems.add(i, e.column(), prefix + "." + e.column() + ": "
                    + (value == null ? "absent value" : render(value)) + " " + e.problem());
        }
        return id;
    }

    /** The CSV-cell form of a column's JSON value (null = missing), or null after recording a problem. */
    private String rawValue(int i, int c, JsonNode lead, List<String> warnings, Problems problems) {
        ColumnSpec column = columns.get(c);
        String name = column.name();
        String where = "leads[" + i + "]." + name + ": ";
        JsonNode v = lead.get(name);
        if (v == null) {
            if (column.missing() == MissingPolicy.ERROR) {
                problems.add(i, name, where + "required column is absent (its missing policy is error)");
            }
            return null;
        }
        if (v.isNull()) {
            return null;
        }
        if (v.isTextual() && schema.isMissingToken(v.textValue().trim())) {
            return v.textValue().trim();
        }
        if (column instanceof NumericColumn) {
            if (v.isNumber()) {
                double d = v.doubleValue();
                if (!Double.isFinite(d)) {
                    problems.add(i, name, where + render(v) + " is not a finite number");
                    return null;
                }
                // Double.toString round-trips exactly: the encoder parses back the very same double.
                return Double.toString(d);
            }
            if (v.isTextual() && looksNumeric(v.textValue())) {
                problems.add(i, name, where + render(v) + " is a string; send numbers as JSON numbers");
            } else {
                problems.add(i, name, where + render(v) + " is not a number");
            }
            return null;
        }
        if (column instanceof CategoricalColumn cat) {
            if (!v.isTextual()) {
                problems.add(i, name, where + render(v) + " is not a string; expected one of " + cat.categories());
                return null;
            }
            String value = v.textValue().trim();
            if (!categories.get(c).contains(value)) {
                if (strictCategories) {
                    problems.add(i, name, where + render(v) + " is not one of the declared categories "
                            + cat.categories());
                    return null;
                }
                warnings.add(name + ": " + render(v) + " is not a declared category; scored as " + cat.otherSlotName());
            }
            return value;
        }
        BooleanColumn bool = (BooleanColumn) column;
        if (v.isBoolean()) {
            return v.booleanValue() ? bool.trueValues().get(0) : bool.falseValues().get(0);
        }
        if (v.isTextual()) {
            return v.textValue().trim(); // the encoder checks it against the true and false values
        }
        problems.add(i, name, where + render(v) + " is not a boolean; send true or false");
        return null;
    }

    private String readId(int i, String column, JsonNode v, Problems problems) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue().trim();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        problems.add(i, column, "leads[" + i + "]." + column + ": " + render(v) + " is not a string or an integer id");
        return null;
    }

    private static boolean looksNumeric(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A value as JSON text, cut short: {@code "abc"}, {@code -2.5}, {@code [1,2]}. */
    private static String render(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Problems of one request, the first {@link #MAX_PROBLEMS} kept. */
    private static final class Problems {
        private final List<ApiException.Problem> kept = new ArrayList<>();
        private int count;

        void add(int lead, String field, String message) {
            count++;
            if (kept.size() < MAX_PROBLEMS) {
                kept.add(new ApiException.Problem(lead, field, message));
            }
        }

        int count() {
            return count;
        }

        void throwIfAny() {
            if (count == 0) {
                return;
            }
            List<ApiException.Problem> list = new ArrayList<>(kept);
            if (count > kept.size()) {
                list.add(new ApiException.Problem(null, null, (count - kept.size()) + " more problems not listed"));
            }
            throw new ApiException(400, list);
        }
    }
}
