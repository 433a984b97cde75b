package io.fedlead.coordinator;

import io.fedlead.core.eval.FairnessAuditor;
import io.fedlead.core.eval.ScoreHistogram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The printed audit table on the hand-computed 4-bin groups of FairnessAuditorTest, plus a suppressed group. */
class AuditTableTest {
    @Test
    void render_twoGroupsAndASuppressedOne_rowsFlagsAndSuppression() {
        ScoreHistogram a = new ScoreHistogram(new long[]{0, 0, 1, 3}, new long[]{2, 1, 1, 0});
        ScoreHistogram b = new ScoreHistogram(new long[]{0, 1, 1, 0}, new long[]{3, 2, 1, 0});
        ScoreHistogram tiny = new ScoreHistogram(new long[]{0, 0, 0, 0}, new long[]{1, 0, 0, 0});
        Map<String, ScoreHistogram> byValue = new LinkedHashMap<>();
        byValue.put("north", a);
        byValue.put("south", b);
        byValue.put("east", tiny);
        ModelAudit audit = new ModelAudit(3, "r3", FairnessAuditor.audit(a.merge(b).merge(tiny),
                Map.of("region", byValue), 8), List.of("unit-a", "unit-b"), List.of("unit-b"));
        String[] lines = AuditTable.render(audit).split("\n");
        assertTrue(lines[0].startsWith("fairness audit of model r3 (round 3): 17 holdout leads of 2 client(s)"), lines[0]);
        assertTrue(lines[2].contains("[unit-b]"), lines[2]);
        assertTrue(lines[3].startsWith("column  group  leads  conv   base  mean p"), lines[3]);
        // The overall row: 17 leads, 6 converted, a quarter graded A by construction.
        assertTrue(lines[4].matches("\\(all\\) +17 +6 +0\\.353 .* 0\\.250 +0\\.\\d{3} *"), lines[4]);
        // north: 8 leads, 4 converted, mean 0.5625 (+0.0625), AUC 15.5/16, A ratio 1.00.
        assertTrue(lines[5].matches("region  north +8 +4 +0\\.500 +0\\.563 +\\+0\\.063 +0\\.969 \\+- 0\\.\\d{3} .* 1\\.00 .*"),
                lines[5]);
        assertTrue(lines[7].matches("region  east +1 +suppressed \\(fewer than 8 leads\\)"), lines[7]);
        assertEquals(9, lines.length);
        assertTrue(lines[8].contains("below: region=south 0."), lines[8]);
    }
}
