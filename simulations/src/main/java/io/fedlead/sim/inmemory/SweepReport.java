package io.fedlead.sim.inmemory;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Prints sweep rows as a fixed-width table and writes them as CSV; infinite epsilon is written "inf". */
public final class SweepReport {
    public static final List<String> CSV_HEADER = List.of("experiment", "model", "clients", "sample_rate",
            "noise_multiplier", "clip_norm", "rounds", "epsilon", "delta", "auc", "log_loss", "mean_cohort", "seconds",
            "note");

    private SweepReport() {
    }

    /** "inf" for +Infinity, otherwise three significant-ish digits ("0.412", "3.87", "148.2"). */
    public static String formatEpsilon(double epsilon) {
        if (Double.isInfinite(epsilon)) {
            return "inf";
        }
        if (epsilon >= 100) {
            return String.format(Locale.ROOT, "%.1f", epsilon);
        }
        if (epsilon >= 10) {
            return String.format(Locale.ROOT, "%.2f", epsilon);
        }
        return String.format(Locale.ROOT, "%.3f", epsilon);
    }

    /** The rows as a table, one header line and one line per row. */
    public static void printTable(List<SweepRow> rows, PrintWriter out) {
        String format = "%-10s %-10s %6s %7s %5s %5s %4s %9s %7s %8s %7s %7s  %s%n";
        out.printf(Locale.ROOT, format, "experiment", "model", "N", "q", "z", "C", "R", "epsilon", "AUC", "logloss",
                "cohort", "sec", "note");
        for (SweepRow r : rows) {
            out.printf(Locale.ROOT, format, r.experiment(), r.model(), r.clients(), num(r.sampleRate(), "%.4f"),
                    num(r.noiseMultiplier(), "%.2f"), num(r.clipNorm(), "%.2f"), r.rounds() == 0 ? "-" : r.rounds(),
                    formatEpsilon(r.epsilon()), num(r.auc(), "%.4f"), num(r.logLoss(), "%.4f"),
                    num(r.meanCohort(), "%.1f"), num(r.seconds(), "%.1f"), r.note());
        }
    }

    /** Writes the rows with {@link #CSV_HEADER}; NaN is an empty cell, +Infinity is "inf". */
    public static void writeCsv(List<SweepRow> rows, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (Writer w = Files.newBufferedWriter(file);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                         .setHeader(CSV_HEADER.toArray(String[]::new)).get())) {
                for (SweepRow r : rows) {
                    p.printRecord(r.experiment(), r.model(), r.clients(), cell(r.sampleRate()),
                            cell(r.noiseMultiplier()), cell(r.clipNorm()), r.rounds(), formatEpsilonCell(r.epsilon()),
                            cell(r.delta()), cell(r.auc()), cell(r.logLoss()), cell(r.meanCohort()),
                            String.format(Locale.ROOT, "%.2f", r.seconds()), r.note());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--csv: cannot write " + file, e);
        }
    }

    private static String formatEpsilonCell(double epsilon) {
        return Double.isInfinite(epsilon) ? "inf" : Double.toString(epsilon);
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
