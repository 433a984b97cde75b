package io.fedlead.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The one loader and writer of FedLead configuration: YAML with kebab-case keys bound onto records, rejecting
 * unknown keys, with every error naming the key path, the source file and the line.
 *
 * <p><b>Defaults pattern.</b> A key missing from the YAML reaches the record's canonical constructor as
 * {@code null} (declare such components with boxed or reference types: {@code Integer}, {@code Double},
 * {@code List<String>}); the compact constructor replaces {@code null} by the default, so defaults live in one
 * place and the record never exposes {@code null}:
 * <pre>{@code
 * record Rounds(Integer count, Double clipNorm) {
 *     Rounds {
 *         count = count == null ? 10 : count;
 *         if (count <= 0) throw new IllegalArgumentException("count must be positive, got " + count);
 *         clipNorm = clipNorm == null ? 1.0 : clipNorm;
 *     }
 * }
 * }</pre>
 * A missing primitive component ({@code int}, {@code boolean}, {@code char}) arrives as 0/false/'\0'; use that
 * only when the zero value can mean "not given". An {@link IllegalArgumentException} thrown by a compact
 * constructor is reported with the key path of the record being built and the file.
 */
public final class YamlConfig {
    // Mappers are immutable once configured and thread-safe; these are constants, not mutable state.
    private static final ObjectMapper YAML_READER = configureReader(new YAMLMapper(new YAMLFactory()));
    private static final ObjectMapper YAML_WRITER = configureWriter(YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // Quote "1", "999", "yes" etc. so they read back as the strings they were.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            // Polymorphic types as a plain "type: numeric" key, not a YAML tag, so saved files read like hand-written ones.
            .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
            .disable(YAMLGenerator.Feature.USE_NATIVE_OBJECT_ID)
            .build());
    private static final ObjectMapper JSON_WRITER = configureWriter(JsonMapper.builder().build());
    private static final ObjectMapper JSON_COMPACT_WRITER = configureWriter(JsonMapper.builder().build())
            .disable(SerializationFeature.INDENT_OUTPUT);

    private static final java.util.regex.Pattern KNOWN_TYPE_IDS = java.util.regex.Pattern.compile("known type ids = \\[([^]]*)]");
    /** The key that selects a subtype in polymorphic config records (see {@code ColumnSpec}). */
    private static final String TYPE_KEY = "type";

    private YamlConfig() {
    }

    private static ObjectMapper configureReader(ObjectMapper mapper) {
        return mapper
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // 1.5 for an integer key is a typo, not something to truncate silently.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private static ObjectMapper configureWriter(ObjectMapper mapper) {
        return mapper
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(SerializationFeature.INDENT_OUTPUT)
                // Record components keep their declared order; map keys are sorted so output is deterministic.
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY);
    }

    /** Reads {@code file} as YAML into {@code type}; errors name the file, line and key path. */
    public static <T> T load(Path file, Class<T> type) {
        Objects.requireNonNull(file, "file");
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(yaml, file.toString(), type);
    }

    /** Parses {@code yaml} into {@code type}; {@code sourceName} (usually a file name) appears in every error. */
    public static <T> T parse(String yaml, String sourceName, Class<T> type) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(type, "type");
        if (yaml.isBlank()) {
            throw new IllegalArgumentException(sourceName + ": is empty, expected a " + type.getSimpleName()
                    + " YAML document");
        }
        T value;
        try {
            value = YAML_READER.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw translate(e, yaml, sourceName, type);
        }
        if (value == null) {
            throw new IllegalArgumentException(sourceName + ": holds no document (null), expected a "
                    + type.getSimpleName());
        }
        return value;
    }

    /** Writes {@code value} as YAML with kebab-case keys, record components in declared order, no null keys. */
    public static String toYaml(Object value) {
        try {
            return YAML_WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as YAML: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code value} as pretty-printed JSON with the same key naming and order as {@link #toYaml}. */
    public static String toJson(Object value) {
        return writeJson(JSON_WRITER, value);
    }

    /** Writes {@code value} as single-line JSON with the same key naming and order; used for fingerprints. */
    public static String toCompactJson(Object value) {
        return writeJson(JSON_COMPACT_WRITER, value);
    }

    private static String writeJson(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A validation message that starts by naming its key, e.g. "'fraction-fit' is 1.5: must be in (0, 1]". */
    private static final java.util.regex.Pattern NAMED_KEY = java.util.regex.Pattern.compile("'([a-z0-9][a-z0-9.-]*)' is ");

    private static IllegalArgumentException translate(JsonProcessingException e, String yaml, String source,
                                                      Class<?> type) {
        String where = source + where(location(e, yaml));
        if (e instanceof UnrecognizedPropertyException u) {
            String path = path(u);
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return new IllegalArgumentException(where + ": unknown key '" + u.getPropertyName() + "' at '" + path
                    + "'; known keys there: " + known, e);
        }
        if (e instanceof InvalidTypeIdException t) {
            java.util.regex.Matcher known = KNOWN_TYPE_IDS.matcher(String.valueOf(t.getOriginalMessage()));
            String expected = known.find() ? "one of [" + known.group(1) + "]" : "a known type";
            return new IllegalArgumentException(where + ": key '" + path(t) + "." + TYPE_KEY + "' is "
                    + (t.getTypeId() == null ? "missing" : "'" + t.getTypeId() + "'") + ", expected " + expected, e);
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = rootIllegalArgument(v);
            String path = path(v);
            // Validation messages of the config records start with the full key ("'training.clip-norm' is -1: ...");
            // point at that key's line rather than at the end of the enclosing object.
            java.util.regex.Matcher named = cause == null ? null
                    : NAMED_KEY.matcher(String.valueOf(cause.getMessage()));
            if (named != null && named.lookingAt()) {
                JsonLocation keyAt = findPointer(yaml, "/" + named.group(1).replace('.', '/'));
                if (keyAt != null) {
                    return new IllegalArgumentException(source + where(keyAt) + ": " + cause.getMessage(), e);
                }
            }
            return new IllegalArgumentException(where + ": invalid value at '" + (path.isEmpty() ? "(top level)" : path)
                    + "': " + (cause != null ? cause.getMessage() : firstLine(v.getOriginalMessage())), e);
        }
        if (e instanceof InvalidFormatException f) {
            String expected = f.getTargetType() != null && f.getTargetType().isEnum()
                    ? "one of " + Arrays.stream(f.getTargetType().getEnumConstants()).map(String::valueOf)
                            .collect(Collectors.toList())
                    : "a value of type " + (f.getTargetType() == null ? "?" : f.getTargetType().getSimpleName());
            return new IllegalArgumentException(where + ": key '" + path(f) + "' is '" + f.getValue()
                    + "', expected " + expected, e);
        }
        if (e instanceof MismatchedInputException m) {
            String path = path(m);
            return new IllegalArgumentException(where + ": key '" + (path.isEmpty() ? "(top level)" : path)
                    + "': " + firstLine(m.getOriginalMessage()) + " (reading " + type.getSimpleName() + ")", e);
        }
        if (e instanceof JsonMappingException m) {
            Throwable cause = rootIllegalArgument(m);
            return new IllegalArgumentException(where + ": key '" + path(m) + "': "
                    + (cause != null ? cause.getMessage() : firstLine(m.getOriginalMessage())), e);
        }
        // Parser-level problems: YAML syntax, duplicate keys.
        return new IllegalArgumentException(where + ": " + firstLine(e.getOriginalMessage()), e);
    }

    /**
     * Where the offending key starts. Jackson reports errors of record (creator-based) objects at the END of the
     * object, which can be many lines after the key, so the key path is looked up again in a token scan.
     */
    private static JsonLocation location(JsonProcessingException e, String yaml) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder pointer = new StringBuilder();
            for (JsonMappingException.Reference ref : m.getPath()) {
                pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : ref.getIndex());
            }
            JsonLocation found = findPointer(yaml, pointer.toString());
            if (found != null) {
                return found;
            }
        }
        return e.getLocation();
    }

    private static JsonLocation findPointer(String yaml, String pointer) {
        try (JsonParser p = YAML_READER.getFactory().createParser(yaml)) {
            while (p.nextToken() != null) {
                if (p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return p.currentTokenLocation();
                }
            }
        } catch (IOException ignored) {
            // The document was readable up to the error; if the scan fails, Jackson's location is used instead.
        }
        return null;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return "";
        }
        return " line " + location.getLineNr() + (location.getColumnNr() > 0 ? " column " + location.getColumnNr() : "");
    }

    /** Renders Jackson's reference path as {@code rounds.clip-norm} or {@code columns[3].type}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static Throwable rootIllegalArgument(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && !(t instanceof JacksonException)) {
                return t;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
