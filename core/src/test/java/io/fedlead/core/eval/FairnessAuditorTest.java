package io.fedlead.core.eval;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group metrics against values computed by hand on 4-bin histograms (bin centres 0.125, 0.375, 0.625, 0.875).
 *
 * <pre>
 * group a: positive [0, 0, 1, 3]  negative [2, 1, 1, 0]   8 leads, 4 converted
 * group b: positive [0, 1, 1, 0]  negative [3, 2, 1, 0]   8 leads, 2 converted
 * pooled:  positive [0, 1, 2, 3]  negative [5, 3, 2, 0]   per bin [5, 4, 4, 3], 16 leads
 * grade A = 4 leads: bin 3 (3 leads) + 1 of bin 2's 4 leads, so the cut is bin 2 with fraction 1/4 (score >= 0.5)
 * </pre>
 */
class FairnessAuditorTest {
    static final double EPS = 1e-12;

    static ScoreHistogram h(long[] pos, long[] neg) {
        return new ScoreHistogram(pos, neg);
    }

    static final ScoreHistogram A = h(new long[]{0, 0, 1, 3}, new long[]{2, 1, 1, 0});
    static final ScoreHistogram B = h(new long[]{0, 1, 1, 0}, new long[]{3, 2, 1, 0});

    static Map<String, Map<String, ScoreHistogram>> groups(Map<String, ScoreHistogram> byValue) {
        Map<String, Map<String, ScoreHistogram>> m = new LinkedHashMap<>();
        m.put("region", byValue);
        return m;
    }

    static Map<String, ScoreHistogram> ab() {
        Map<String, ScoreHistogram> m = new LinkedHashMap<>();
        m.put("a", A);
        m.put("b", B);
        return m;
    }

    @Test
    void topQuarter_cutFallsInsideABin_takesTheFractionThatMakesAQuarter() {
        GradeCut cut = GradeCut.topQuarter(A.merge(B));
        assertEquals(2, cut.bin());
        assertEquals(0.25, cut.fractionOfBin(), EPS);
        assertEquals(0.5, cut.score(), EPS);
        assertEquals(0.25, cut.shareOf(A.merge(B)), EPS);
    }

    @Test
    void topQuarter_emptyHistogram_refused() {
        assertThrows(IllegalArgumentException.class, () -> GradeCut.topQuarter(ScoreHistogram.empty(4)));
    }

    @Test
    void audit_twoGroups_metricsAsComputedByHand() {
        FairnessAudit audit = FairnessAuditor.audit(A.merge(B), groups(ab()), 8);
        ColumnAudit region = audit.columns().get(0);
        GroupAudit a = region.groups().get(0);
        GroupAudit b = region.groups().get(1);
        GroupMetrics ma = a.metrics().orElseThrow();
        GroupMetrics mb = b.metrics().orElseThrow();

        assertEquals(8, ma.examples());
        assertEquals(4, ma.positives());
        assertEquals(0.5, ma.baseRate(), EPS);
        // (2 x 0.125 + 1 x 0.375 + 2 x 0.625 + 3 x 0.875) / 8 = 4.5 / 8
        assertEquals(0.5625, ma.meanPredicted(), EPS);
        assertEquals(0.0625, ma.calibrationGap(), EPS);
        // positives in bin 2 beat 3 negatives below and tie 1: 3.5; the 3 in bin 3 beat all 4: 12; 15.5 / 16
        assertEquals(15.5 / 16, ma.auc(), EPS);
        // bin 3 (3 leads) + 1/4 of bin 2 (2 leads) = 3.5 of 8
        assertEquals(3.5 / 8, ma.gradeAShare(), EPS);
        // converted: 3 in bin 3 + 1/4 of the 1 in bin 2 = 3.25 of 4
        assertEquals(3.25 / 4, ma.convertedGradeAShare(), EPS);

        assertEquals(0.25, mb.baseRate(), EPS);
        assertEquals(2.75 / 8, mb.meanPredicted(), EPS);
        assertEquals(2.75 / 8 - 0.25, mb.calibrationGap(), EPS);
        // bin 1: 3 below + half of 2 tied = 4; bin 2: 5 below + half of 1 = 5.5; 9.5 / (2 x 6)
        assertEquals(9.5 / 12, mb.auc(), EPS);
        assertEquals(0.5 / 8, mb.gradeAShare(), EPS);
        assertEquals(0.25 / 2, mb.convertedGradeAShare(), EPS);

        // a is best served on both counts: b's selection-rate ratio and AUC gap are relative to a.
        assertEquals("a", region.highestSelectionGroup().orElseThrow());
        assertEquals("a", region.highestAucGroup().orElseThrow());
        assertEquals(1.0, a.selectionRateRatio(), EPS);
        assertEquals((0.5 / 8) / (3.5 / 8), b.selectionRateRatio(), EPS);
        assertEquals(0.0, a.aucGap(), EPS);
        assertEquals(15.5 / 16 - 9.5 / 12, b.aucGap(), EPS);
        assertEquals(List.of(b), region.belowFourFifths());
        assertEquals(b, region.lowestSelectionRateRatio().orElseThrow());

        // The overall figures: a quarter graded A by construction; 16 leads, base rate 6 / 16.
        assertEquals(16, audit.overall().examples());
        assertEquals(6.0 / 16, audit.overall().baseRate(), EPS);
        assertEquals(0.25, audit.overall().gradeAShare(), EPS);
        assertEquals(16, region.examples());
    }

    @Test
    void audit_groupBelowMinimumSize_suppressedWithItsSizeOnly() {
        FairnessAudit audit = FairnessAuditor.audit(A.merge(B), groups(ab()), 9);
        for (GroupAudit g : audit.columns().get(0).groups()) {
            assertTrue(g.suppressed(), g.value());
            assertEquals(8, g.examples());
            assertTrue(Double.isNaN(g.selectionRateRatio()) && Double.isNaN(g.aucGap()));
        }
        assertTrue(audit.columns().get(0).highestSelectionGroup().isEmpty());
        assertTrue(audit.columns().get(0).belowFourFifths().isEmpty());
    }

    @Test
    void audit_tinyGroupWithTheHighestShare_isNotTheReference() {
        // c: one converted lead in the top bin, a grade A share of 1.0, but below the minimum size of 2.
        ScoreHistogram c = h(new long[]{0, 0, 0, 1}, new long[]{0, 0, 0, 0});
        Map<String, ScoreHistogram> byValue = ab();
        byValue.put("c", c);
        FairnessAudit audit = FairnessAuditor.audit(A.merge(B).merge(c), groups(byValue), 2);
        ColumnAudit region = audit.columns().get(0);
        assertTrue(region.groups().get(2).suppressed());
        assertEquals(1, region.groups().get(2).examples());
        assertEquals("a", region.highestSelectionGroup().orElseThrow());
        assertEquals(1.0, region.groups().get(0).selectionRateRatio(), EPS);
        assertFalse(region.groups().get(0).suppressed());
    }

    @Test
    void audit_oneClassGroup_aucUndefinedAndNoGap() {
        ScoreHistogram negativesOnly = h(new long[]{0, 0, 0, 0}, new long[]{1, 1, 1, 1});
        Map<String, ScoreHistogram> byValue = ab();
        byValue.put("none-converted", negativesOnly);
        FairnessAudit audit = FairnessAuditor.audit(A.merge(B).merge(negativesOnly), groups(byValue), 1);
        GroupAudit g = audit.columns().get(0).groups().get(2);
        GroupMetrics m = g.metrics().orElseThrow();
        assertTrue(Double.isNaN(m.auc()) && Double.isNaN(m.aucStandardError()) && Double.isNaN(g.aucGap()));
        assertTrue(Double.isNaN(m.convertedGradeAShare()));
        assertEquals(0.5, m.meanPredicted(), EPS); // bins 0..3 once each: (0.125+0.375+0.625+0.875) / 4
        assertEquals(0.5, m.calibrationGap(), EPS);
    }

    @Test
    void audit_groupWithOtherBinCount_refused() {
        Map<String, ScoreHistogram> byValue = new LinkedHashMap<>();
        byValue.put("a", ScoreHistogram.empty(3));
        assertThrows(IllegalArgumentException.class, () -> FairnessAuditor.audit(A, groups(byValue), 1));
    }

    @Test
    void hanleyMcNeil_handValue() {
        // A = 0.8, 10 and 10: Q1 = 2/3, Q2 = 1.28/1.8; (0.16 + 9 x 0.02667 + 9 x 0.07111) / 100 = 0.0104
        double q1 = 0.8 / 1.2;
        double q2 = 1.28 / 1.8;
        double expected = Math.sqrt((0.16 + 9 * (q1 - 0.64) + 9 * (q2 - 0.64)) / 100);
        assertEquals(expected, GroupMetrics.hanleyMcNeil(0.8, 10, 10), EPS);
        assertEquals(0.10198, GroupMetrics.hanleyMcNeil(0.8, 10, 10), 1e-4);
        assertTrue(Double.isNaN(GroupMetrics.hanleyMcNeil(0.8, 0, 10)));
    }

    @Test
    void groupHistograms_splitRowsByGroup_addUpToThePooledHistogram() {
        float[] scores = {0.1f, 0.9f, 0.6f, 0.3f, 1.0f};
        float[] labels = {0, 1, 1, 0, 1};
        int[] codes = {0, 0, 2, 2, 2};
        Map<String, ScoreHistogram> byGroup = GroupHistograms.of(scores, labels, codes, List.of("x", "y", "z"), 4);
        assertEquals(List.of("x", "z"), List.copyOf(byGroup.keySet()), "only groups with rows");
        assertEquals(h(new long[]{0, 0, 0, 1}, new long[]{1, 0, 0, 0}), byGroup.get("x"));
        assertEquals(h(new long[]{0, 0, 1, 1}, new long[]{0, 1, 0, 0}), byGroup.get("z"));
        assertEquals(ScoreHistogram.of(scores, labels, 4), byGroup.get("x").merge(byGroup.get("z")));
    }

    @Test
    void meanScore_binCentres_withinHalfABinOfTheExactMean() {
        float[] scores = {0.01f, 0.33f, 0.5f, 0.77f, 0.999f};
        float[] labels = {0, 1, 0, 1, 1};
        double exact = (0.01 + 0.33 + 0.5 + 0.77 + 0.999) / 5;
        assertEquals(exact, ScoreHistogram.of(scores, labels).meanScore(), 0.0005);
    }
}
