package io.fedlead.core.features;

import io.fedlead.core.config.YamlConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureSchemaTest {
    private static final String BASE = """
            target: converted
            positive-label: "yes"
            columns:
              - name: industry
                type: categorical
                categories: [retail, software]
              - name: pages_viewed
                type: numeric
                center: 4
                scale: 2
            """;

    private static IllegalArgumentException parseError(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> FeatureSchema.parse(yaml, "schema.yaml"));
    }

    @Test
    void parse_minimal_defaults() {
        FeatureSchema s = FeatureSchema.parse(BASE, "schema.yaml");
        assertEquals(',', s.delimiter());
        assertEquals(List.of(""), s.missingTokens());
        assertEquals("converted", s.targetColumn());
        assertEquals("yes", s.positiveLabel());
        assertEquals(Optional.empty(), s.idColumn());
        assertEquals(List.of(), s.ignore());
        assertEquals(MissingPolicy.DEFAULT, s.columns().get(0).missing());
        NumericColumn pages = (NumericColumn) s.columns().get(1);
        assertEquals(0.0, pages.clip());
        assertEquals(false, pages.log1p());
    }

    @Test
    void parse_handSchema_allOptions() {
        FeatureSchema s = TestData.handSchema();
        assertEquals(Optional.of("lead_id"), s.idColumn());
        assertEquals(List.of("", "NA"), s.missingTokens());
        assertEquals(List.of("notes"), s.ignore());
        assertEquals(new NumericColumn("company_size", MissingPolicy.INDICATOR, 1.0, 0.5, true, 3, List.of()),
                s.columns().get(2));
        assertEquals(new BooleanColumn("email_opt_in", MissingPolicy.DEFAULT, List.of("yes", "true", "1"),
                List.of("no", "false", "0")), s.columns().get(3));
    }

    @Test
    void parse_unknownColumnKey_namesKeyPathAndKnownKeys() {
        IllegalArgumentException e = parseError(BASE + "    log1p: true\n    scael: 3\n");
        assertEquals("schema.yaml line 12 column 5: unknown key 'scael' at 'columns[1].scael'; known keys there:"
                + " [center, clip, log1p, missing, name, scale, sentinels]", e.getMessage());
    }

    @Test
    void parse_unknownColumnType_listsTypes() {
        IllegalArgumentException e = parseError(BASE.replace("type: numeric", "type: nmeric"));
        assertEquals("schema.yaml line 7 column 5: key 'columns[1].type' is 'nmeric', expected one of"
                + " [boolean, categorical, numeric]", e.getMessage());
    }

    @Test
    void parse_numericWithoutScale_pathAndReason() {
        IllegalArgumentException e = parseError(BASE.replace("    scale: 2\n", ""));
        assertEquals("schema.yaml line 7 column 5: invalid value at 'columns[1]': column 'pages_viewed': numeric"
                + " columns need 'center' and 'scale' (shared standardisation, identical on every client), got center"
                + " 4.0, scale null", e.getMessage());
    }

    @Test
    void parse_badMissingPolicy_listsPolicies() {
        IllegalArgumentException e = parseError(BASE + "    missing: sometimes\n");
        assertEquals("schema.yaml line 11 column 5: key 'columns[1].missing' is 'sometimes', expected one of"
                + " [error, default, indicator]", e.getMessage());
    }

    @Test
    void parse_inconsistentSchemas_rejected() {
        assertTrue(parseError(BASE.replace("target: converted", "target: industry")).getMessage()
                .endsWith("target 'industry' must not also be a feature column"));
        assertTrue(parseError(BASE.replace("[retail, software]", "[retail, retail]")).getMessage()
                .endsWith("column 'industry': category 'retail' is declared twice"));
        assertTrue(parseError(BASE + "ignore: [industry]\n").getMessage()
                .endsWith("ignored column 'industry' is also declared as a feature, target or id"));
        assertTrue(parseError(BASE.replace("scale: 2", "scale: 0")).getMessage()
                .endsWith("column 'pages_viewed': scale must be positive and finite, got 0.0"));
        assertTrue(parseError(BASE.replace("positive-label: \"yes\"\n", "")).getMessage()
                .endsWith("'positive-label' (the label value meaning converted) is required"));
    }

    @Test
    void toCanonicalJson_equivalentYamlSpellings_identical() {
        String flow = """
                # comments and layout do not matter
                positive-label: "yes"
                target: converted
                delimiter: ","
                missing-tokens: [""]
                columns:
                  - {type: categorical, name: industry, categories: [retail, software], missing: default}
                  - {name: pages_viewed, type: numeric, scale: 2.0, center: 4.0, clip: 0}
                """;
        FeatureSchema a = FeatureSchema.parse(BASE, "a.yaml");
        FeatureSchema b = FeatureSchema.parse(flow, "b.yaml");
        assertEquals(a.toCanonicalJson(), b.toCanonicalJson());
        assertEquals(a.fingerprint(), b.fingerprint());
        assertEquals(64, a.fingerprint().length());
        assertEquals("", a.describeDifference(b));
        assertEquals("{\"delimiter\":\",\",\"missing-tokens\":[\"\"],\"target\":\"converted\",\"positive-label\":"
                + "\"yes\",\"ignore\":[],\"columns\":[{\"type\":\"categorical\",\"name\":\"industry\",\"missing\":"
                + "\"default\",\"categories\":[\"retail\",\"software\"]},{\"type\":\"numeric\",\"name\":"
                + "\"pages_viewed\",\"missing\":\"default\",\"center\":4.0,\"scale\":2.0,\"log1p\":false,\"clip\":0.0,"
                + "\"sentinels\":[]}]}", a.toCanonicalJson());
    }

    @Test
    void describeDifference_categoriesAndNumbers_named() {
        FeatureSchema coordinator = FeatureSchema.parse(BASE, "a.yaml");
        FeatureSchema client = FeatureSchema.parse(BASE.replace("[retail, software]", "[shop, software]")
                .replace("scale: 2", "scale: 3"), "b.yaml");
        assertNotEquals(coordinator.fingerprint(), client.fingerprint());
        assertEquals("column 'industry': categories differ: missing [retail], extra [shop]; column 'pages_viewed':"
                + " scale 2.0 vs 3.0", coordinator.describeDifference(client));
    }

    @Test
    void describeDifference_columnsAndHeaderFields_named() {
        FeatureSchema a = FeatureSchema.parse(BASE, "a.yaml");
        FeatureSchema b = FeatureSchema.parse(BASE.replace("positive-label: \"yes\"", "positive-label: \"1\"")
                + "  - {name: email_opt_in, type: boolean}\n", "b.yaml");
        assertEquals("positive-label yes vs 1; columns differ: missing [], extra [email_opt_in]",
                a.describeDifference(b));
        FeatureSchema reordered = FeatureSchema.parse(BASE.replace("[retail, software]", "[software, retail]"), "c");
        assertEquals("column 'industry': categories order differs: [retail, software] vs [software, retail]",
                a.describeDifference(reordered));
    }

    @Test
    void toYaml_roundTrip_sameSchema() {
        FeatureSchema s = SyntheticLeadGenerator.defaultSchema();
        String yaml = YamlConfig.toYaml(s);
        assertTrue(yaml.contains("type: numeric"), yaml);
        assertEquals(s, FeatureSchema.parse(yaml, "saved.yaml"));
        FeatureSchema hand = TestData.handSchema();
        assertEquals(hand, FeatureSchema.parse(YamlConfig.toYaml(hand), "saved.yaml"));
    }

    @Test
    void otherSlotName_categoryCalledOther_noCollision() {
        FeatureSchema s = FeatureSchema.parse(BASE.replace("[retail, software]", "[retail, other]"), "s.yaml");
        assertEquals(List.of("industry=retail", "industry=other", "industry=<other>", "pages_viewed"),
                new FeatureEncoder(s).featureNames());
    }
}
