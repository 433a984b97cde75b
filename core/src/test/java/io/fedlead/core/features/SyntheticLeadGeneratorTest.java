package io.fedlead.core.features;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticLeadGeneratorTest {
    private static final int UNITS = 6;

    @Test
    void generate_sameSeed_sameRows_otherSeed_otherRows() {
        assertEquals(new SyntheticLeadGenerator(42).generate(2, 300), new SyntheticLeadGenerator(42).generate(2, 300));
        assertNotEquals(new SyntheticLeadGenerator(42).generate(2, 300).rows(),
                new SyntheticLeadGenerator(43).generate(2, 300).rows());
    }

    @Test
    void generate_unitStreamsIndependentOfOtherUnits_andContinue() {
        SyntheticLeadGenerator a = new SyntheticLeadGenerator(5);
        a.generate(0, 100);
        LeadTable unit1 = a.generate(1, 50);
        assertEquals(unit1, new SyntheticLeadGenerator(5).generate(1, 50));
        LeadTable next = a.generate(1, 50);
        assertEquals("unit-b-000051", next.rows().get(0).get(0));
        assertNotEquals(unit1.rows(), next.rows());
    }

    @Test
    void generate_trueProbabilityMatchesLabelRate_andBaseRatesDiffer() {
        SyntheticLeadGenerator g = new SyntheticLeadGenerator(2024);
        int y = SyntheticLeadGenerator.HEADER.indexOf("converted");
        int p = SyntheticLeadGenerator.HEADER.indexOf("true_probability");
        List<Double> rates = new ArrayList<>();
        for (int unit = 0; unit < UNITS; unit++) {
            LeadTable t = g.generate(unit, 20_000);
            double labels = 0;
            double probability = 0;
            for (List<String> row : t.rows()) {
                labels += row.get(y).equals("yes") ? 1 : 0;
                probability += Double.parseDouble(row.get(p));
            }
            double rate = labels / t.size();
            double meanP = probability / t.size();
            System.out.printf("%s: label rate %.4f, mean true_probability %.4f, Bayes AUC %.4f%n",
                    SyntheticLeadGenerator.unitName(unit), rate, meanP, SyntheticLeadGenerator.bayesAuc(t));
            assertTrue(rate >= 0.05 && rate <= 0.30, "base rate of unit " + unit + " is " + rate);
            assertEquals(rate, meanP, 0.015, "unit " + unit);
            rates.add(rate);
        }
        double spread = rates.stream().mapToDouble(d -> d).max().orElseThrow()
                - rates.stream().mapToDouble(d -> d).min().orElseThrow();
        assertTrue(spread > 0.15, "units should differ in base rate, got " + rates);
    }

    @Test
    void trueProbability_recomputedFromRow_equalsColumn() {
        LeadTable t = new SyntheticLeadGenerator(1).generate(3, 200);
        for (List<String> row : t.rows()) {
            assertEquals(Double.parseDouble(row.get(12)), SyntheticLeadGenerator.trueProbability(3, row), 1e-6);
        }
    }

    @Test
    void defaultSchema_centerScaleStillMatchTheGenerator() {
        SyntheticLeadGenerator g = new SyntheticLeadGenerator(99);
        FeatureSchema schema = g.schema();
        List<LeadTable> tables = new ArrayList<>();
        for (int unit = 0; unit < UNITS; unit++) {
            tables.add(g.generate(unit, 5_000));
        }
        for (ColumnSpec c : schema.columns()) {
            if (c instanceof NumericColumn num) {
                int at = SyntheticLeadGenerator.HEADER.indexOf(num.name());
                double sum = 0;
                double sq = 0;
                int n = 0;
                for (LeadTable t : tables) {
                    for (List<String> row : t.rows()) {
                        double z = num.standardize(Double.parseDouble(row.get(at)));
                        sum += z;
                        sq += z * z;
                        n++;
                    }
                }
                double mean = sum / n;
                assertEquals(0, mean, 0.05, num.name() + " standardised mean");
                assertEquals(1, Math.sqrt(sq / n - mean * mean), 0.05, num.name() + " standardised sd");
            }
        }
    }

    @Test
    void writeCsv_readAndEncode_noErrorsAndExpectedWidth(@TempDir Path dir) {
        SyntheticLeadGenerator g = new SyntheticLeadGenerator(3);
        Path file = dir.resolve("unit-a.csv");
        g.writeCsv(file, 0, 500);
        LeadTable table = LeadCsvReader.read(file, g.schema(), false);
        EncodedLeads leads = new FeatureEncoder(g.schema()).encode(table, true, false);
        assertEquals(500, leads.rows());
        assertEquals(0, leads.skippedRows());
        assertEquals(34, leads.width());
        assertEquals("unit-a-000001", leads.ids().get(0));
        assertEquals(new SyntheticLeadGenerator(3).generate(0, 500).rows(), table.rows());
    }

    @Test
    void logisticRegression_reachesAucAbove080_andPooledBeatsEveryLocalModel() {
        SyntheticLeadGenerator g = new SyntheticLeadGenerator(11);
        FeatureEncoder encoder = new FeatureEncoder(g.schema());
        int units = 5;
        List<EncodedLeads> train = new ArrayList<>();
        List<EncodedLeads> holdout = new ArrayList<>();
        List<LeadTable> holdoutTables = new ArrayList<>();
        for (int unit = 0; unit < units; unit++) {
            train.add(encoder.encode(g.generate(unit, 1500), true, false));
            LeadTable t = g.generate(unit, 1000);
            holdoutTables.add(t);
            holdout.add(encoder.encode(t, true, false));
        }
        EncodedLeads pooledHoldout = EncodedLeads.concat(holdout);
        TinyLogisticRegression pooled = TinyLogisticRegression.fit(EncodedLeads.concat(train), 8, 0.02, 1e-4);
        double pooledAuc = pooled.auc(pooledHoldout);
        double[] bayes = new double[pooledHoldout.rows()];
        int k = 0;
        for (LeadTable t : holdoutTables) {
            for (List<String> row : t.rows()) {
                bayes[k++] = Double.parseDouble(row.get(12));
            }
        }
        double bayesAuc = SyntheticLeadGenerator.aucOf(bayes, pooledHoldout.labels());
        System.out.printf("pooled holdout: Bayes AUC %.4f, pooled logistic AUC %.4f%n", bayesAuc, pooledAuc);
        assertTrue(pooledAuc >= 0.80, "pooled logistic AUC " + pooledAuc);
        for (int unit = 0; unit < units; unit++) {
            double localAuc = TinyLogisticRegression.fit(train.get(unit), 8, 0.02, 1e-4).auc(pooledHoldout);
            System.out.printf("%s local-only logistic AUC on pooled holdout %.4f%n",
                    SyntheticLeadGenerator.unitName(unit), localAuc);
            assertTrue(localAuc < pooledAuc, "unit " + unit + " local " + localAuc + " vs pooled " + pooledAuc);
        }
    }

    @Test
    void aucOf_handComputed_tiesCountHalf() {
        // Pairs (pos, neg): (0.8 > 0.3) 1, (0.8 > 0.5) 1, (0.5 = 0.5) 0.5, (0.5 > 0.3) 1 -> 3.5 / 4.
        assertEquals(0.875, SyntheticLeadGenerator.aucOf(new double[]{0.8, 0.5, 0.5, 0.3},
                new float[]{1, 1, 0, 0}), 1e-12);
        assertEquals(0.0, SyntheticLeadGenerator.aucOf(new double[]{0.1, 0.9, Double.NaN},
                new float[]{1, 0, Float.NaN}), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticLeadGenerator.aucOf(new double[]{0.1, 0.2}, new float[]{1, 1}));
    }

    @Test
    void unitName_bijectiveBase26() {
        assertEquals("unit-a", SyntheticLeadGenerator.unitName(0));
        assertEquals("unit-z", SyntheticLeadGenerator.unitName(25));
        assertEquals("unit-aa", SyntheticLeadGenerator.unitName(26));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(SyntheticLeadGenerator.unitName(i));
        }
        assertEquals(1000, names.size());
    }

    @Test
    void generate_unitsBeyondTheDesignedSix_work() {
        LeadTable t = new SyntheticLeadGenerator(1).generate(9, 2000);
        assertEquals("unit-j-000001", t.rows().get(0).get(0));
        EncodedLeads e = new FeatureEncoder(SyntheticLeadGenerator.defaultSchema()).encode(t, true, false);
        assertTrue(e.positiveRate() > 0.02 && e.positiveRate() < 0.5, "rate " + e.positiveRate());
    }
}
