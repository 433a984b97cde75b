package io.fedlead.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class YamlConfigTest {
    /** Example of the defaults pattern: boxed components, defaults applied in the compact constructor. */
    record Rounds(Integer count, Double clipNorm) {
        Rounds {
            count = count == null ? 10 : count;
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive, got " + count);
            }
            clipNorm = clipNorm == null ? 1.0 : clipNorm;
        }
    }

    record Settings(String runName, Rounds rounds, List<String> tags, Map<String, Integer> weights) {
        Settings {
            runName = runName == null ? "default-run" : runName;
            rounds = rounds == null ? new Rounds(null, null) : rounds;
            tags = tags == null ? List.of() : List.copyOf(tags);
            weights = weights == null ? Map.of() : Map.copyOf(weights);
        }
    }

    private static IllegalArgumentException parseError(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(yaml, "fed.yaml", Settings.class));
    }

    @Test
    void parse_kebabCaseKeys_boundToRecord() {
        Settings s = YamlConfig.parse("run-name: pilot\nrounds:\n  count: 3\n  clip-norm: 0.5\ntags: [a, b]\n",
                "fed.yaml", Settings.class);
        assertEquals(new Settings("pilot", new Rounds(3, 0.5), List.of("a", "b"), Map.of()), s);
    }

    @Test
    void parse_missingKeys_recordDefaultsApplied() {
        Settings s = YamlConfig.parse("rounds:\n  count: 4\n", "fed.yaml", Settings.class);
        assertEquals(new Settings("default-run", new Rounds(4, 1.0), List.of(), Map.of()), s);
    }

    @Test
    void parse_unknownNestedKey_namesKeyPathFileLineAndKnownKeys() {
        IllegalArgumentException e = parseError("run-name: pilot\nrounds:\n  count: 3\n  clip-normm: 2\ntags: [x]\n");
        assertEquals("fed.yaml line 4 column 3: unknown key 'clip-normm' at 'rounds.clip-normm'; known keys there:"
                + " [clip-norm, count]", e.getMessage());
    }

    @Test
    void parse_unknownTopLevelKey_lineOfTheKeyNotOfTheObjectEnd() {
        IllegalArgumentException e = parseError("bogus: 1\nrun-name: a\ntags: [x, y]\n");
        assertEquals("fed.yaml line 1 column 1: unknown key 'bogus' at 'bogus'; known keys there:"
                + " [rounds, run-name, tags, weights]", e.getMessage());
    }

    @Test
    void parse_wrongScalarType_namesKeyValueAndType() {
        IllegalArgumentException e = parseError("rounds:\n  count: abc\n");
        assertEquals("fed.yaml line 2 column 3: key 'rounds.count' is 'abc', expected a value of type Integer",
                e.getMessage());
    }

    @Test
    void parse_fractionForInteger_rejectedNotTruncated() {
        IllegalArgumentException e = parseError("rounds:\n  count: 1.5\n");
        assertEquals("fed.yaml line 2 column 3: key 'rounds.count' is '1.5', expected a value of type Integer",
                e.getMessage());
    }

    @Test
    void parse_compactConstructorRejects_messageCarriesPathAndFile() {
        IllegalArgumentException e = parseError("run-name: a\nrounds:\n  count: -1\n");
        assertEquals("fed.yaml line 2 column 1: invalid value at 'rounds': count must be positive, got -1",
                e.getMessage());
    }

    @Test
    void parse_wrongShape_namesKey() {
        IllegalArgumentException e = parseError("rounds: 5\n");
        assertEquals(true, e.getMessage().startsWith("fed.yaml line 1 column 1: key 'rounds': "), e.getMessage());
    }

    @Test
    void parse_duplicateKey_rejected() {
        IllegalArgumentException e = parseError("run-name: a\nrun-name: b\n");
        assertEquals("fed.yaml line 2 column 9: Duplicate field 'run-name'", e.getMessage());
    }

    @Test
    void parse_emptyDocument_rejected() {
        assertEquals("fed.yaml: is empty, expected a Settings YAML document", parseError("  \n").getMessage());
        assertEquals("fed.yaml: holds no document (null), expected a Settings", parseError("---\n").getMessage());
    }

    @Test
    void load_file_sourceNameIsThePath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fed.yaml");
        Files.writeString(file, "rounds:\n  cout: 3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> YamlConfig.load(file, Settings.class));
        assertEquals(file + " line 2 column 3: unknown key 'cout' at 'rounds.cout'; known keys there:"
                + " [clip-norm, count]", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> YamlConfig.load(dir.resolve("nope.yaml"), Settings.class));
        assertEquals("config file " + dir.resolve("nope.yaml") + " does not exist", missing.getMessage());
    }

    @Test
    void toYaml_roundTripsIncludingStringsThatLookLikeOtherTypes() {
        Settings s = new Settings("run", new Rounds(3, 0.25), List.of("yes", "no", "1", "999", "", "true"),
                Map.of("b", 2, "a", 1));
        String yaml = YamlConfig.toYaml(s);
        assertEquals(s, YamlConfig.parse(yaml, "saved.yaml", Settings.class));
    }

    @Test
    void toYaml_kebabCaseDeclaredOrderSortedMaps() {
        Settings s = new Settings("run", new Rounds(3, 0.25), List.of("x"), Map.of("b", 2, "a", 1));
        assertEquals("""
                run-name: run
                rounds:
                  count: 3
                  clip-norm: 0.25
                tags:
                  - x
                weights:
                  a: 1
                  b: 2
                """, YamlConfig.toYaml(s));
    }

    @Test
    void toJson_prettyKebabCaseDeterministic() {
        Settings s = new Settings("run", new Rounds(3, 0.25), List.of(), Map.of("b", 2, "a", 1));
        String json = YamlConfig.toJson(s);
        assertEquals(json, YamlConfig.toJson(new Settings("run", new Rounds(3, 0.25), List.of(), Map.of("a", 1, "b", 2))));
        assertEquals("{\"run-name\":\"run\",\"rounds\":{\"count\":3,\"clip-norm\":0.25},\"tags\":[],"
                + "\"weights\":{\"a\":1,\"b\":2}}", YamlConfig.toCompactJson(s));
        assertEquals(true, json.contains("\n  \"rounds\" : {"), json);
    }
}
