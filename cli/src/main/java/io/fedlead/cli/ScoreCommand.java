package io.fedlead.cli;

import io.fedlead.client.scoring.LeadScorer;
import io.fedlead.client.scoring.ScoredCsvWriter;
import io.fedlead.client.scoring.ScoredLead;
import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.model.ModelCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Scores a CSV of leads with a saved global model. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Add probability, rank, grade (A-D by quartile) and the top reasons to each lead of a CSV.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model.zip written by a coordinator")
    Path model;
    @Option(names = "--input", required = true, description = "leads CSV (the target column may be absent)")
    Path input;
    @Option(names = "--output", required = true, description = "scored CSV to write")
    Path output;
    @Option(names = "--schema", description = "feature schema YAML; default: the schema stored in the model's provenance")
    Path schema;
    @Option(names = "--skip-bad-rows", description = "skip malformed rows (counted) instead of stopping")
    boolean skipBadRows;

    @Override
    public Integer call() throws Exception {
        ModelCheckpoint.LoadedModel loaded = ModelCheckpoint.load(model);
        FeatureSchema featureSchema;
        if (schema != null) {
            featureSchema = FeatureSchema.load(schema);
        } else {
            Object json = loaded.provenance().get("schema-json");
            if (json == null) {
                throw new IllegalArgumentException(model + ": provenance has no 'schema-json'; pass --schema");
            }
            featureSchema = FeatureSchema.parse(json.toString(), model + " provenance schema-json");
        }
        FeatureEncoder encoder = new FeatureEncoder(featureSchema);
        LeadTable table = LeadCsvReader.read(input, featureSchema, skipBadRows);
        EncodedLeads leads = encoder.encode(table, false, skipBadRows);
        List<ScoredLead> scored = new LeadScorer(loaded.net(), encoder.featureNames())
                .score(leads.features(), leads.rows(), leads.width(), leads.ids());
        // With --skip-bad-rows the encoder may drop rows the reader kept: write only the rows that were scored.
        java.util.Set<Long> scoredLines = new java.util.HashSet<>(leads.lineNumbers());
        List<List<String>> rows = new java.util.ArrayList<>(leads.rows());
        for (int i = 0; i < table.size(); i++) {
            if (scoredLines.contains(table.lineNumbers().get(i))) {
                rows.add(table.rows().get(i));
            }
        }
        ScoredCsvWriter.write(output, table.header(), rows, scored);
        System.out.printf(Locale.ROOT, "scored %d leads (%d skipped) -> %s%n", leads.rows(),
                table.skippedRows() + leads.skippedRows(), output);
        boolean labelled = leads.rows() > 0 && !Float.isNaN(leads.labels()[0]);
        if (labelled) {
            double auc = BinaryMetrics.evaluate(loaded.net(), leads.features(), leads.rows(), leads.width(),
                    leads.labels()).auc();
            System.out.printf(Locale.ROOT, "labels present: AUC %.4f, base rate %.4f%n", auc, leads.positiveRate());
        }
        return 0;
    }
}
