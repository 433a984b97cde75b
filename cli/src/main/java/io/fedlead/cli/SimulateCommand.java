package io.fedlead.cli;

import io.fedlead.sim.inmemory.Aggregation;
import io.fedlead.sim.inmemory.DataSource;
import io.fedlead.sim.inmemory.PrivacySweep;
import io.fedlead.sim.inmemory.SimulationSettings;
import io.fedlead.sim.inmemory.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** In-memory DP-FedAvg over many virtual clients: a sweep over the noise multiplier (and optionally N). */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate DP-FedAvg over many virtual clients in memory (no network): the same training, "
                + "clipping, noise, aggregation and RDP accounting as a real federation, swept over the noise "
                + "multiplier z, next to central (pooled, no privacy) and local-only baselines.",
                "Noise comes from fixed seeds (simulation only). Run with OMP_NUM_THREADS=1 (bin/fedlead sets it)."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "synthetic", description = "synthetic | bank (default ${DEFAULT-VALUE})")
    String data;
    @Option(names = "--bank-csv", description = "bank-additional-full.csv (default: found from the working directory"
            + " upwards as " + SimulationSettings.Builder.BANK_CSV + ")")
    Path bankCsv;
    @Option(names = "--bank-schema", description = "bank schema YAML (default: found upwards as "
            + SimulationSettings.Builder.BANK_SCHEMA + ")")
    Path bankSchema;
    @Option(names = "--clients", defaultValue = "200", description = "N, virtual clients (default ${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--sample-rate", defaultValue = "0.1", description = "q, Poisson sampling rate per round (default ${DEFAULT-VALUE})")
    double sampleRate;
    @Option(names = "--rounds", defaultValue = "30", description = "R (default ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--noise-multipliers", defaultValue = "0,0.5,1,2", split = ",",
            description = "z values to sweep (default ${DEFAULT-VALUE})")
    List<Double> noiseMultipliers;
    @Option(names = "--clip-norm", defaultValue = "1.0", description = "C (default ${DEFAULT-VALUE})")
    double clipNorm;
    @Option(names = "--local-epochs", defaultValue = "1", description = "(default ${DEFAULT-VALUE})")
    int localEpochs;
    @Option(names = "--batch-size", defaultValue = "32", description = "rows per fit() call, ~2.5 ms each (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--learning-rate", defaultValue = "0.2", description = "local SGD rate (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--server-learning-rate", defaultValue = "1.0", description = "(default ${DEFAULT-VALUE})")
    double serverLearningRate;
    @Option(names = "--aggregation", defaultValue = "fixed-denominator",
            description = "fixed-denominator (DP-FedAvg, uniform, sum / qN) | examples (default ${DEFAULT-VALUE})")
    String aggregation;
    @Option(names = "--delta", defaultValue = "1e-5", description = "(default ${DEFAULT-VALUE})")
    double delta;
    @Option(names = "--seed", defaultValue = "1", description = "data, sampling, training and noise seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--min-rows", defaultValue = "200", description = "synthetic: fewest leads per client (default ${DEFAULT-VALUE})")
    int minRows;
    @Option(names = "--max-rows", defaultValue = "300", description = "synthetic: most leads per client (default ${DEFAULT-VALUE})")
    int maxRows;
    @Option(names = "--holdout-rows", defaultValue = "6000", description = "synthetic: pooled holdout leads (default ${DEFAULT-VALUE})")
    int holdoutRows;
    @Option(names = "--unit-profiles", defaultValue = "12", description = "synthetic: business-unit profiles (default ${DEFAULT-VALUE})")
    int unitProfiles;
    @Option(names = "--local-baselines", defaultValue = "20",
            description = "clients trained alone for the local-only baseline, 0 = skip (default ${DEFAULT-VALUE})")
    int localBaselines;
    @Option(names = "--hidden", split = ",", description = "hidden layer widths for an MLP (default: logistic regression)")
    List<Integer> hidden;
    @Option(names = "--client-counts", split = ",",
            description = "also sweep N at the first nonzero z, keeping q x N fixed (e.g. 50,100,200,400)")
    List<Integer> clientCounts;
    @Option(names = "--csv", description = "also write the rows to this CSV file")
    Path csv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SimulationSettings settings = SimulationSettings.builder()
                .data(DataSource.fromOption(data))
                .bankCsv(bankCsv != null ? bankCsv : find(SimulationSettings.Builder.BANK_CSV))
                .bankSchema(bankSchema != null ? bankSchema : find(SimulationSettings.Builder.BANK_SCHEMA))
                .clients(clients).sampleRate(sampleRate).rounds(rounds).noiseMultipliers(noiseMultipliers)
                .clipNorm(clipNorm).localEpochs(localEpochs).batchSize(batchSize).learningRate(learningRate)
                .serverLearningRate(serverLearningRate).aggregation(Aggregation.fromOption(aggregation))
                .delta(delta).seed(seed).rowsPerClient(minRows, maxRows).holdoutRows(holdoutRows)
                .unitProfiles(unitProfiles).localBaselineClients(localBaselines)
                .hiddenSizes(hidden == null ? List.of() : hidden)
                .clientCounts(clientCounts == null ? List.of() : clientCounts)
                .build();
        PrivacySweep.Result result = new PrivacySweep(settings, out).run();
        out.println();
        SweepReport.printTable(result.rows(), out);
        out.printf(Locale.ROOT, "epsilon at delta %.0e; inf = no formal privacy. noise: %s. total %.1f s%n",
                settings.delta(), result.noiseDescription(), result.seconds());
        if (csv != null) {
            SweepReport.writeCsv(result.rows(), csv);
            out.println("csv: " + csv.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    /** The relative path under the working directory or the nearest ancestor that has it (else as given). */
    static Path find(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        return Path.of(relative);
    }
}
