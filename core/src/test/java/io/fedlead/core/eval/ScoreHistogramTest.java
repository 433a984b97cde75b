package io.fedlead.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreHistogramTest {
    private static final float[] SCORES = {0.1f, 0.3f, 0.3f, 0.9f, 0.6f, 1.0f};
    private static final float[] LABELS = {1, 0, 1, 1, 0, 0};

    @Test
    void of_fourBins_countsPerBinAndOneInLastBin() {
        ScoreHistogram h = ScoreHistogram.of(SCORES, LABELS, 4);
        assertArrayEquals(new long[] {1, 1, 0, 1}, h.positive());
        assertArrayEquals(new long[] {0, 1, 1, 1}, h.negative());
        assertEquals(3, h.positives());
        assertEquals(3, h.negatives());
    }

    @Test
    void auc_handExample_sameBinPairsCountHalf() {
        // positive in bin 0 beats nothing; positive in bin 1 ties the bin-1 negative (0.5);
        // positive in bin 3 beats bins 1 and 2 and ties bin 3 (2.5): (0 + 0.5 + 2.5) / 9.
        assertEquals(3.0 / 9, ScoreHistogram.of(SCORES, LABELS, 4).auc(), 1e-12);
    }

    @Test
    void auc_oneClass_nan() {
        assertTrue(Double.isNaN(ScoreHistogram.of(new float[] {0.2f, 0.7f}, new float[] {1, 1}, 10).auc()));
    }

    @Test
    void merge_addsBinsAndPooledAucMatchesHistogramOfAllRows() {
        ScoreHistogram a = ScoreHistogram.of(new float[] {0.1f, 0.3f, 0.3f}, new float[] {1, 0, 1}, 4);
        ScoreHistogram b = ScoreHistogram.of(new float[] {0.9f, 0.6f, 1.0f}, new float[] {1, 0, 0}, 4);

        ScoreHistogram merged = a.merge(b);

        assertEquals(ScoreHistogram.of(SCORES, LABELS, 4), merged);
        assertEquals(3.0 / 9, merged.auc(), 1e-12);
    }

    @Test
    void merge_differentBinCounts_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoreHistogram.empty(10).merge(ScoreHistogram.empty(1000)));
        assertEquals("cannot merge a histogram of 1000 bins into one of 10", e.getMessage());
    }

    @Test
    void auc_thousandBinsOnRandomData_withinTwoThousandthsOfExact() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 5000;
        float[] s = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextDouble() < 0.3 ? 1 : 0;
            // Overlapping classes squeezed towards 0, where lead-scoring probabilities crowd.
            double z = r.nextDouble() + (y[i] == 1 ? 0.4 : 0);
            s[i] = (float) (z * z * z / 3.0);
        }
        double exact = BinaryMetrics.auc(s, y);
        double approx = ScoreHistogram.of(s, y).auc();
        assertTrue(exact > 0.6 && exact < 0.9, "a non-trivial AUC: " + exact);
        assertEquals(exact, approx, 0.002);
    }

    @Test
    void of_scoreOutsideUnitInterval_rejectedNamingIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoreHistogram.of(new float[] {0.5f, 1.5f}, new float[] {0, 1}, 10));
        assertEquals("score 1 is 1.5, expected a probability in [0, 1]", e.getMessage());
    }

    @Test
    void of_unlabeledRow_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoreHistogram.of(new float[] {0.5f}, new float[] {Float.NaN}, 10));
        assertEquals("label 0 is NaN, expected 0 or 1", e.getMessage());
    }

    @Test
    void positive_returnsCopy_histogramStaysUnchanged() {
        ScoreHistogram h = ScoreHistogram.of(SCORES, LABELS, 4);
        h.positive()[0] = 100;
        assertEquals(3, h.positives());
    }
}
