package io.fedlead.coordinator;

import io.fedlead.core.eval.ColumnAudit;
import io.fedlead.core.eval.FairnessAudit;
import io.fedlead.core.eval.GroupAudit;
import io.fedlead.core.eval.GroupMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fairness audit of one global model, with what it was computed from: written as {@code audit.json}, into the
 * model's provenance, and printed as a table ({@link AuditTable}).
 *
 * @param round          the round that produced the model (0 = the initial model)
 * @param modelVersion   the model's version
 * @param audit          the metrics
 * @param clients        clients whose evaluations were merged (names)
 * @param withoutGroups  clients among them that sent no group histograms (their leads are in the overall metrics and
 *                       the grade A cut, not in any group)
 */
record ModelAudit(int round, String modelVersion, FairnessAudit audit, List<String> clients, List<String> withoutGroups) {
    ModelAudit {
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(audit, "audit");
        clients = List.copyOf(clients);
        withoutGroups = List.copyOf(withoutGroups);
    }

    /** JSON-ready form with kebab-case keys; undefined values (an AUC of a one-class group) are null. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("model-version", modelVersion);
        m.put("clients", clients);
        m.put("clients-without-group-histograms", withoutGroups);
        m.put("bins", audit.gradeA().bins());
        m.put("min-group-size", audit.minGroupSize());
        Map<String, Object> grade = new LinkedHashMap<>();
        grade.put("rule", "top quarter of the pooled holdout scores");
        grade.put("cut-score", audit.gradeA().score());
        grade.put("cut-bin", audit.gradeA().bin());
        grade.put("fraction-of-cut-bin", audit.gradeA().fractionOfBin());
        m.put("grade-a", grade);
        m.put("mean-predicted", "from bin centres (i + 0.5) / bins: within half a bin width of the exact mean");
        m.put("overall", metrics(audit.overall()));
        List<Object> columns = new ArrayList<>();
        for (ColumnAudit c : audit.columns()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("column", c.column());
            cm.put("examples", c.examples());
            cm.put("highest-selection-group", c.highestSelectionGroup().orElse(null));
            cm.put("highest-auc-group", c.highestAucGroup().orElse(null));
            cm.put("lowest-selection-rate-ratio", c.lowestSelectionRateRatio()
                    .map(g -> pair("group", g.value(), "ratio", g.selectionRateRatio())).orElse(null));
            cm.put("largest-auc-gap", c.largestAucGap()
                    .map(g -> pair("group", g.value(), "gap", g.aucGap())).orElse(null));
            cm.put("below-four-fifths", c.belowFourFifths().stream().map(GroupAudit::value).toList());
            List<Object> groups = new ArrayList<>();
            for (GroupAudit g : c.groups()) {
                Map<String, Object> gm = new LinkedHashMap<>();
                gm.put("value", g.value());
                gm.put("examples", g.examples());
                gm.put("suppressed", g.suppressed());
                g.metrics().ifPresent(x -> {
                    gm.putAll(metrics(x)); // its "examples" is the same count
                    gm.put("selection-rate-ratio", number(g.selectionRateRatio()));
                    gm.put("auc-gap", number(g.aucGap()));
                });
                groups.add(gm);
            }
            cm.put("groups", groups);
            columns.add(cm);
        }
        m.put("columns", columns);
        m.put("privacy", "group histograms travel in clear like the pooled evaluation histograms: not covered by the "
                + "differential privacy guarantee; groups under min-group-size are reported by size only");
        return m;
    }

    private static Map<String, Object> metrics(GroupMetrics x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", x.examples());
        m.put("positives", x.positives());
        m.put("base-rate", x.baseRate());
        m.put("mean-predicted", x.meanPredicted());
        m.put("calibration-gap", x.calibrationGap());
        m.put("auc", number(x.auc()));
        m.put("auc-standard-error", number(x.aucStandardError()));
        m.put("grade-a-share", x.gradeAShare());
        m.put("converted-grade-a-share", number(x.convertedGradeAShare()));
        return m;
    }

    private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
