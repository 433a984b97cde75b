package io.fedlead.core.features;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureEncoderTest {
    private static final String CSV = TestData.HEADER + "\n"
            + "L1,software,7,0,Yes,emea,,yes\n"
            + "L2,retail,4,1000000,no,apac,\"a, b\",no\n"
            + "L3,shop,0,NA,,,,maybe\n";

    private final FeatureEncoder encoder = new FeatureEncoder(TestData.handSchema());

    @Test
    void featureNames_handSchema_oneNamePerSlotInColumnOrder() {
        assertEquals(List.of("industry=retail", "industry=software", "industry=other", "pages_viewed",
                "company_size", "company_size:missing", "email_opt_in", "region=emea", "region=other",
                "region:missing"), encoder.featureNames());
        assertEquals(10, encoder.width());
    }

    @Test
    void encode_handRows_exactVectors() {
        EncodedLeads leads = encoder.encode(TestData.read(CSV, false), true, false);
        assertEquals(3, leads.rows());
        // pages (7-4)/2 = 1.5; company_size log1p(0)=0 -> (0-1)/0.5 = -2; Yes -> 1; emea -> first slot.
        assertArrayEquals(new float[]{0, 1, 0, 1.5f, -2, 0, 1, 1, 0, 0}, leads.row(0));
        // company_size log1p(1e6)=13.8 -> 25.6, clipped to 3; apac is not declared -> region=other.
        assertArrayEquals(new float[]{1, 0, 0, 0, 3, 0, 0, 0, 1, 0}, leads.row(1));
        // shop -> other; NA -> center (0) + missing flag; "" boolean -> false; "" region -> other + missing.
        assertArrayEquals(new float[]{0, 0, 1, -2, 0, 1, 0, 0, 1, 1}, leads.row(2));
        assertArrayEquals(new float[]{1, 0, 0}, leads.labels());
        assertEquals(List.of("L1", "L2", "L3"), leads.ids());
        assertEquals(List.of(2L, 3L, 4L), leads.lineNumbers());
    }

    @Test
    void encode_badNumber_namesSourceLineColumnAndValue() {
        String csv = TestData.HEADER + "\nL1,software,7,0,yes,emea,,yes\nL2,retail,abc,1,no,emea,,no\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(TestData.read(csv, false), true, false));
        assertEquals("leads.csv line 3: column 'pages_viewed' is 'abc', expected a number", e.getMessage());
    }

    @Test
    void encode_javaOnlyNumberSyntax_rejected() {
        for (String bad : List.of("1d", "NaN", "Infinity", "0x10")) {
            String csv = TestData.HEADER + "\nL1,software," + bad + ",0,yes,emea,,yes\n";
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(TestData.read(csv, false), true, false),
                    bad);
        }
    }

    @Test
    void encode_unknownBoolean_namesAcceptedValues() {
        String csv = TestData.HEADER + "\nL1,software,7,0,maybe,emea,,yes\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(TestData.read(csv, false), true, false));
        assertEquals("leads.csv line 2: column 'email_opt_in' is 'maybe', expected one of [yes, true, 1] or"
                + " [no, false, 0]", e.getMessage());
    }

    @Test
    void encode_log1pOfValueBelowMinusOne_rejected() {
        String csv = TestData.HEADER + "\nL1,software,7,-2,yes,emea,,yes\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(TestData.read(csv, false), true, false));
        assertEquals("leads.csv line 2: column 'company_size' is '-2', log1p needs a number > -1", e.getMessage());
    }

    @Test
    void encode_missingLabelWhenRequired_namesLine() {
        String csv = TestData.HEADER + "\nL1,software,7,0,yes,emea,,\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(TestData.read(csv, false), true, false));
        assertEquals("leads.csv line 2: label column 'converted' is empty ('')", e.getMessage());
        EncodedLeads unlabeled = encoder.encode(TestData.read(csv, false), false, false);
        assertTrue(Float.isNaN(unlabeled.labels()[0]));
    }

    @Test
    void encode_targetAbsent_labelsNaNUnlessRequired() {
        String csv = "lead_id,industry,pages_viewed,company_size,email_opt_in,region\nL1,software,7,0,yes,emea\n";
        LeadTable table = TestData.read(csv, false);
        EncodedLeads leads = encoder.encode(table, false, false);
        assertTrue(Float.isNaN(leads.labels()[0]));
        assertTrue(Double.isNaN(leads.positiveRate()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(table, true, false));
        assertTrue(e.getMessage().startsWith("leads.csv: label column 'converted' is not in the header"), e.getMessage());
    }

    @Test
    void encode_noIdColumn_idsAreLineNumbers() {
        String csv = "industry,pages_viewed,company_size,email_opt_in,region,converted\nretail,4,0,no,emea,no\n";
        EncodedLeads leads = encoder.encode(TestData.read(csv, false), true, false);
        assertEquals(List.of("line 2"), leads.ids());
    }

    @Test
    void encode_skipBadRows_countsAndKeepsReasons() {
        String csv = TestData.HEADER + "\n"
                + "L1,software,7,0,yes,emea,,yes\n"
                + "L2,retail,abc,1,no,emea,,no\n"
                + "L3,retail,4,1,no,emea,no\n"          // wrong column count: dropped by the reader
                + "L4,retail,4,1,no,emea,,\n"           // missing label: dropped by the encoder
                + "L5,retail,4,1,no,emea,,no\n";
        EncodedLeads leads = encoder.encode(TestData.read(csv, true), true, true);
        assertEquals(2, leads.rows());
        assertEquals(List.of("L1", "L5"), leads.ids());
        assertEquals(3, leads.skippedRows());
        assertEquals(List.of("leads.csv line 4: expected 8 columns, got 7",
                "leads.csv line 3: column 'pages_viewed' is 'abc', expected a number",
                "leads.csv line 5: label column 'converted' is empty ('')"), leads.skipReasons());
        assertArrayEquals(new float[]{1, 0}, leads.labels());
        assertEquals(2 * 10, leads.features().length);
    }

    @Test
    void encode_missingPolicyError_rejectsRow() {
        FeatureSchema schema = FeatureSchema.parse("""
                target: y
                positive-label: "1"
                columns:
                  - {name: age, type: numeric, center: 0, scale: 1, missing: error}
                """, "strict.yaml");
        LeadTable table = LeadCsvReader.read(new java.io.StringReader("age,y\n3,1\n,0\n"), "leads.csv", schema, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FeatureEncoder(schema).encode(table, true, false));
        assertEquals("leads.csv line 3: column 'age' is missing ('') and its missing policy is error", e.getMessage());
    }

    @Test
    void encode_sentinelWithIndicator_centerAndFlag() {
        FeatureSchema schema = FeatureSchema.parse("""
                target: y
                positive-label: "yes"
                delimiter: ";"
                columns:
                  - {name: pdays, type: numeric, center: 6, scale: 4, sentinels: [999], missing: indicator}
                """, "s.yaml");
        LeadTable table = LeadCsvReader.read(new java.io.StringReader("pdays;y\n999;no\n10;yes\n"), "b.csv",
                schema, false);
        EncodedLeads leads = new FeatureEncoder(schema).encode(table, true, false);
        assertEquals(List.of("pdays", "pdays:missing"), new FeatureEncoder(schema).featureNames());
        assertArrayEquals(new float[]{0, 1, 1, 0}, leads.features());
        assertArrayEquals(new float[]{0, 1}, leads.labels());
    }

    @Test
    void encodeRow_sameValuesAsCsvRows_identicalVectors() {
        EncodedLeads fromCsv = encoder.encode(TestData.read(CSV, false), true, false);
        // The feature columns of CSV's rows in schema order: industry, pages_viewed, company_size, email_opt_in, region.
        List<List<String>> rows = List.of(
                List.of("software", "7", "0", "Yes", "emea"),
                List.of("retail", "4", "1000000", "no", "apac"),
                java.util.Arrays.asList("shop", "0", "NA", "", ""));
        for (int i = 0; i < rows.size(); i++) {
            float[] dst = new float[encoder.width()];
            encoder.encodeRow(rows.get(i), dst, 0);
            assertArrayEquals(fromCsv.row(i), dst, "row " + i);
        }
    }

    @Test
    void encodeRow_nullIsMissing_sameAsMissingToken() {
        float[] fromNull = new float[encoder.width()];
        encoder.encodeRow(java.util.Arrays.asList("shop", "0", null, null, null), fromNull, 0);
        float[] fromToken = new float[encoder.width()];
        encoder.encodeRow(List.of("shop", "0", "NA", "", ""), fromToken, 0);
        assertArrayEquals(fromToken, fromNull);
        assertArrayEquals(new float[]{0, 0, 1, -2, 0, 1, 0, 0, 1, 1}, fromNull);
    }

    @Test
    void encodeRow_badValue_exceptionNamesColumnAndProblem() {
        FeatureEncoder.InvalidValueException e = assertThrows(FeatureEncoder.InvalidValueException.class,
                () -> encoder.encodeRow(List.of("software", "abc", "0", "yes", "emea"), new float[10], 0));
        assertEquals("pages_viewed", e.column());
        assertEquals("is not a number", e.problem());
        assertEquals("column 'pages_viewed' is 'abc', expected a number", e.getMessage());
    }

    @Test
    void encodeRow_nullUnderMissingPolicyError_rejected() {
        FeatureSchema schema = FeatureSchema.parse("""
                target: y
                positive-label: "1"
                columns:
                  - {name: age, type: numeric, center: 0, scale: 1, missing: error}
                """, "strict.yaml");
        FeatureEncoder.InvalidValueException e = assertThrows(FeatureEncoder.InvalidValueException.class,
                () -> new FeatureEncoder(schema).encodeRow(java.util.Collections.singletonList(null), new float[1], 0));
        assertEquals("column 'age' is missing and its missing policy is error", e.getMessage());
        assertEquals("is missing, and the column's missing policy is error", e.problem());
    }

    @Test
    void encodeRow_wrongValueCount_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encodeRow(List.of("software"), new float[10], 0));
        assertEquals("1 values given for 5 columns [industry, pages_viewed, company_size, email_opt_in, region]",
                e.getMessage());
    }
}
