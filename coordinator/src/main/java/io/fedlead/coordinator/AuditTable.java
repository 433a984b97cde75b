package io.fedlead.coordinator;

import io.fedlead.core.eval.ColumnAudit;
import io.fedlead.core.eval.FairnessAudit;
import io.fedlead.core.eval.GroupAudit;
import io.fedlead.core.eval.GroupMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link ModelAudit} as the fixed-width table printed at the end of a run. */
final class AuditTable {
    private AuditTable() {
    }

    static String render(ModelAudit m) {
        FairnessAudit a = m.audit();
        GroupMetrics o = a.overall();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "fairness audit of model %s (round %d): %d holdout leads of %d client(s), base rate %.3f, mean predicted %.3f, AUC %s%n",
                m.modelVersion(), m.round(), o.examples(), m.clients().size(), o.baseRate(), o.meanPredicted(),
                fixed(o.auc(), 4)));
        sb.append(String.format(Locale.ROOT,
                "grade A = top quarter of the pooled scores (score >= %.3f, taking %.0f%% of the leads in the bin at the cut); "
                        + "groups under %d leads suppressed%n", a.gradeA().score(), 100 * a.gradeA().fractionOfBin(),
                a.minGroupSize()));
        if (!m.withoutGroups().isEmpty()) {
            sb.append("no group histograms from ").append(m.withoutGroups())
                    .append(": their leads count overall but in no group\n");
        }
        int w = "group".length();
        int cw = "column".length();
        for (ColumnAudit c : a.columns()) {
            cw = Math.max(cw, c.column().length());
            for (GroupAudit g : c.groups()) {
                w = Math.max(w, g.value().length());
            }
        }
        String row = "%-" + cw + "s  %-" + w + "s %6s %5s %6s %7s %7s %13s %8s %8s %10s %8s%n";
        sb.append(String.format(Locale.ROOT, row, "column", "group", "leads", "conv", "base", "mean p", "gap",
                "AUC +- se", "A share", "A ratio", "conv in A", "AUC gap"));
        sb.append(String.format(Locale.ROOT, row, "(all)", "", o.examples(), o.positives(), fixed(o.baseRate(), 3),
                fixed(o.meanPredicted(), 3), signed(o.calibrationGap()), auc(o), fixed(o.gradeAShare(), 3), "",
                fixed(o.convertedGradeAShare(), 3), ""));
        List<String> flagged = new ArrayList<>();
        for (ColumnAudit c : a.columns()) {
            for (GroupAudit g : c.groups()) {
                if (g.suppressed()) {
                    sb.append(String.format(Locale.ROOT, "%-" + cw + "s  %-" + w + "s %6d   suppressed (fewer than %d leads)%n",
                            c.column(), g.value(), g.examples(), a.minGroupSize()));
                    continue;
                }
                GroupMetrics x = g.metrics().orElseThrow();
                sb.append(String.format(Locale.ROOT, row, c.column(), g.value(), x.examples(), x.positives(),
                        fixed(x.baseRate(), 3), fixed(x.meanPredicted(), 3), signed(x.calibrationGap()),
                        auc(x),
                        fixed(x.gradeAShare(), 3), fixed(g.selectionRateRatio(), 2), fixed(x.convertedGradeAShare(), 3),
                        fixed(g.aucGap(), 3)));
            }
            for (GroupAudit g : c.belowFourFifths()) {
                flagged.add(c.column() + "=" + g.value() + " " + fixed(g.selectionRateRatio(), 2));
            }
        }
        sb.append(String.format(Locale.ROOT, "A ratio = A share / the column's highest (four-fifths rule: flag < %.1f): %s",
                FairnessAudit.FOUR_FIFTHS, flagged.isEmpty() ? "none below" : "below: " + String.join(", ", flagged)));
        return sb.toString();
    }

    private static String auc(GroupMetrics x) {
        return Double.isNaN(x.auc()) ? "-" : fixed(x.auc(), 3) + " +- " + fixed(x.aucStandardError(), 3);
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.3f", v);
    }
}
