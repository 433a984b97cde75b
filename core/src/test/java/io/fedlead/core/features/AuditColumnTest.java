package io.fedlead.core.features;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Audit groups from raw values, on the hand schema (missing tokens "" and "NA"). */
class AuditColumnTest {
    private final FeatureSchema schema = TestData.handSchema();

    @Test
    void of_categorical_declaredCategoriesThenOtherThenMissing() {
        AuditColumn industry = AuditColumn.of(schema, "industry");
        assertEquals(List.of("retail", "software", "other", AuditColumn.MISSING), industry.groups());
        assertEquals(1, industry.groupOf("software"));
        assertEquals(2, industry.groupOf("shop"), "undeclared -> the encoder's catch-all");
        assertEquals(2, industry.groupOf("other"));
        assertEquals(2, industry.groupOf("<missing>"), "a raw value is never taken as the missing group's name");
        assertEquals(3, industry.groupOf("NA"));
        assertEquals(3, industry.groupOf(""));
    }

    @Test
    void of_boolean_trueFalseMissingWhateverTheSpelling() {
        AuditColumn optIn = AuditColumn.of(schema, "email_opt_in");
        assertEquals(List.of("true", "false", AuditColumn.MISSING), optIn.groups());
        assertEquals(0, optIn.groupOf("Yes"));
        assertEquals(1, optIn.groupOf("0"));
        assertEquals(2, optIn.groupOf("NA"));
        assertThrows(IllegalArgumentException.class, () -> optIn.groupOf("maybe"));
    }

    @Test
    void of_categoryCalledOther_catchAllIsAngleBracketed() {
        FeatureSchema s = FeatureSchema.parse("""
                target: y
                positive-label: "1"
                columns:
                  - {name: channel, type: categorical, categories: [web, other]}
                """, "t.yaml");
        AuditColumn channel = AuditColumn.of(s, "channel");
        assertEquals(List.of("web", "other", "<other>", AuditColumn.MISSING), channel.groups());
        assertEquals(1, channel.groupOf("other"));
        assertEquals(2, channel.groupOf("fax"));
    }

    @Test
    void of_numericColumn_refusedNamingTheColumnAndTheGroupableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuditColumn.of(schema, "pages_viewed"));
        assertTrue(e.getMessage().contains("'pages_viewed' is numeric")
                && e.getMessage().contains("[industry, email_opt_in, region]"), e.getMessage());
    }

    @Test
    void of_columnsThatAreNotFeatures_refusedSayingWhatTheyAre() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditColumn.of(schema, "notes"))
                .getMessage().contains("'notes' is an ignored column"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditColumn.of(schema, "converted"))
                .getMessage().contains("'converted' is the label column"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuditColumn.of(schema, "regoin"))
                .getMessage().contains("'regoin' is not a column of the schema"));
    }

    @Test
    void groupValues_skippedBadRow_groupsStayAlignedWithTheEncodedRows() {
        String csv = TestData.HEADER + "\n"
                + "L1,software,7,0,yes,emea,,yes\n"
                + "L2,retail,abc,1,no,apac,,no\n"     // bad number: skipped
                + "L3,shop,1,1,no,NA,,no\n"
                + "L4,retail,2,1,yes,emea,,yes\n";
        LeadTable table = TestData.read(csv, true);
        EncodedLeads encoded = new FeatureEncoder(schema).encode(table, true, true);
        assertEquals(3, encoded.rows());
        GroupValues groups = GroupValues.of(table, encoded, schema);
        assertArrayEquals(new int[]{1, 2, 0}, groups.codes("industry"));
        assertArrayEquals(new int[]{0, 2, 0}, groups.codes("region"), "emea, missing, emea");
        assertArrayEquals(new int[]{0, 1, 0}, groups.codes("email_opt_in"));
        GroupValues holdout = groups.subset(new boolean[]{false, true, true});
        assertEquals(2, holdout.rows());
        assertArrayEquals(new int[]{2, 0}, holdout.codes("industry"));
        assertTrue(holdout.column("pages_viewed").isEmpty());
    }

    @Test
    void holdoutMask_sameRngState_sameSplitAsSplit() {
        String csv = TestData.HEADER + "\n" + "L1,software,7,0,yes,emea,,yes\n".repeat(5)
                + "L2,retail,3,1,no,apac,,no\n".repeat(7);
        EncodedLeads leads = new FeatureEncoder(schema).encode(TestData.read(csv, false), true, false);
        EncodedLeads.Split a = EncodedLeads.split(leads, 0.4, new java.util.SplittableRandom(3));
        EncodedLeads.Split b = EncodedLeads.split(leads, EncodedLeads.holdoutMask(leads, 0.4,
                new java.util.SplittableRandom(3)));
        assertEquals(a, b);
    }
}
