package io.fedlead.sim.inmemory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one {@link PrivacySweep} needs, validated on construction. Messages name the command-line option of
 * the bad value ({@code fedlead simulate --help} lists them), e.g. "--sample-rate is 1.5: must be in (0, 1]".
 *
 * @param data                 where client data comes from
 * @param bankCsv              bank-additional-full.csv (used when data is BANK)
 * @param bankSchema           the bank marketing feature schema YAML (used when data is BANK)
 * @param clients              N, virtual clients
 * @param sampleRate           q, each client's chance of joining a round (Poisson sampling)
 * @param rounds               R, federated rounds
 * @param noiseMultipliers     the z values swept; 0 means clipping only (epsilon is infinite)
 * @param clipNorm             C, the L2 bound of every client update
 * @param localEpochs          epochs per client per round
 * @param batchSize            rows per minibatch (one DL4J fit() call each, ~2.5 ms fixed cost)
 * @param learningRate         local SGD learning rate
 * @param serverLearningRate   step applied to the aggregated update
 * @param delta                delta at which epsilon is reported
 * @param seed                 seed of data, sampling, training and noise (noise is reproducible: simulation only)
 * @param minRows              fewest training leads per synthetic client
 * @param maxRows              most training leads per synthetic client
 * @param holdoutRows          pooled synthetic holdout leads (bank: 20% of the file)
 * @param unitProfiles         synthetic business-unit profiles; client i draws from profile i mod this
 * @param localBaselineClients clients trained alone for the local-only baseline (0 = skip that baseline)
 * @param aggregation          how the server combines updates
 * @param hiddenSizes          hidden layer widths; empty = logistic regression
 * @param clientCounts         optional second sweep: N values at the first nonzero z, with q = sampleRate*clients/N
 */
public record SimulationSettings(DataSource data, Path bankCsv, Path bankSchema, int clients, double sampleRate,
                                 int rounds, List<Double> noiseMultipliers, double clipNorm, int localEpochs,
                                 int batchSize, double learningRate, double serverLearningRate, double delta,
                                 long seed, int minRows, int maxRows, int holdoutRows, int unitProfiles,
                                 int localBaselineClients, Aggregation aggregation, List<Integer> hiddenSizes,
                                 List<Integer> clientCounts) {
    public SimulationSettings {
        Objects.requireNonNull(data, "--data");
        Objects.requireNonNull(bankCsv, "--bank-csv");
        Objects.requireNonNull(bankSchema, "--bank-schema");
        Objects.requireNonNull(aggregation, "--aggregation");
        check(clients >= 2 && clients <= 1_000_000, "--clients", clients, "must be in [2, 1000000]");
        check(sampleRate > 0 && sampleRate <= 1, "--sample-rate", sampleRate, "must be in (0, 1]");
        check(rounds >= 1 && rounds <= 100_000, "--rounds", rounds, "must be in [1, 100000]");
        noiseMultipliers = List.copyOf(Objects.requireNonNull(noiseMultipliers, "--noise-multipliers"));
        check(!noiseMultipliers.isEmpty(), "--noise-multipliers", noiseMultipliers, "needs at least one value");
        for (double z : noiseMultipliers) {
            check(z >= 0 && Double.isFinite(z), "--noise-multipliers", noiseMultipliers,
                    "value " + z + " must be finite and >= 0");
        }
        check(clipNorm > 0 && Double.isFinite(clipNorm), "--clip-norm", clipNorm, "must be finite and > 0");
        check(localEpochs >= 1 && localEpochs <= 1000, "--local-epochs", localEpochs, "must be in [1, 1000]");
        check(batchSize >= 1, "--batch-size", batchSize, "must be >= 1");
        check(learningRate > 0 && learningRate < 100, "--learning-rate", learningRate, "must be in (0, 100)");
        check(serverLearningRate > 0 && serverLearningRate <= 10, "--server-learning-rate", serverLearningRate,
                "must be in (0, 10]");
        check(delta > 0 && delta < 1, "--delta", delta, "must be in (0, 1)");
        check(minRows >= 10, "--min-rows", minRows, "must be >= 10");
        check(maxRows >= minRows, "--max-rows", maxRows, "must be >= --min-rows (" + minRows + ")");
        check(holdoutRows >= 100, "--holdout-rows", holdoutRows, "must be >= 100");
        check(unitProfiles >= 1, "--unit-profiles", unitProfiles, "must be >= 1");
        check(localBaselineClients >= 0 && localBaselineClients <= clients, "--local-baselines", localBaselineClients,
                "must be in [0, --clients (" + clients + ")]");
        hiddenSizes = List.copyOf(Objects.requireNonNull(hiddenSizes, "--hidden"));
        for (int h : hiddenSizes) {
            check(h >= 1, "--hidden", hiddenSizes, "layer width " + h + " must be >= 1");
        }
        clientCounts = List.copyOf(Objects.requireNonNull(clientCounts, "--client-counts"));
        double cohort = sampleRate * clients;
        for (int n : clientCounts) {
            check(n >= 2 && n >= cohort, "--client-counts", clientCounts, "value " + n
                    + " must be >= 2 and >= the expected cohort --sample-rate x --clients = " + cohort);
        }
        if (!clientCounts.isEmpty()) {
            check(noiseMultipliers.stream().anyMatch(z -> z > 0), "--client-counts", clientCounts,
                    "needs a nonzero value in --noise-multipliers to sweep at");
        }
    }

    /** The expected cohort size q*N, the fixed denominator of DP-FedAvg. */
    public double expectedCohort() {
        return sampleRate * clients;
    }

    /** A builder holding the command's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.data = data;
        b.bankCsv = bankCsv;
        b.bankSchema = bankSchema;
        b.clients = clients;
        b.sampleRate = sampleRate;
        b.rounds = rounds;
        b.noiseMultipliers = noiseMultipliers;
        b.clipNorm = clipNorm;
        b.localEpochs = localEpochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.serverLearningRate = serverLearningRate;
        b.delta = delta;
        b.seed = seed;
        b.minRows = minRows;
        b.maxRows = maxRows;
        b.holdoutRows = holdoutRows;
        b.unitProfiles = unitProfiles;
        b.localBaselineClients = localBaselineClients;
        b.aggregation = aggregation;
        b.hiddenSizes = hiddenSizes;
        b.clientCounts = clientCounts;
        return b;
    }

    private static void check(boolean ok, String option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(option + " is " + value + ": " + rule);
        }
    }

    /** Mutable holder of the defaults (the one place they live); {@link #build()} validates. */
    public static final class Builder {
        public static final String BANK_CSV = "shared/datasets/bank-marketing/bank-additional-full.csv";
        public static final String BANK_SCHEMA = "examples/bank-marketing/schema.yaml";

        DataSource data = DataSource.SYNTHETIC;
        Path bankCsv = Path.of(BANK_CSV);
        Path bankSchema = Path.of(BANK_SCHEMA);
        int clients = 200;
        double sampleRate = 0.1;
        int rounds = 30;
        List<Double> noiseMultipliers = List.of(0.0, 0.5, 1.0, 2.0);
        double clipNorm = 1.0;
        int localEpochs = 1;
        int batchSize = 32;
        double learningRate = 0.2;
        double serverLearningRate = 1.0;
        double delta = 1e-5;
        long seed = 1;
        int minRows = 200;
        int maxRows = 300;
        int holdoutRows = 6000;
        int unitProfiles = 12;
        int localBaselineClients = 20;
        Aggregation aggregation = Aggregation.FIXED_DENOMINATOR;
        List<Integer> hiddenSizes = List.of();
        List<Integer> clientCounts = List.of();

        private Builder() {
        }

        public Builder data(DataSource v) { data = v; return this; }
        public Builder bankCsv(Path v) { bankCsv = v; return this; }
        public Builder bankSchema(Path v) { bankSchema = v; return this; }
        public Builder clients(int v) { clients = v; return this; }
        public Builder sampleRate(double v) { sampleRate = v; return this; }
        public Builder rounds(int v) { rounds = v; return this; }
        public Builder noiseMultipliers(List<Double> v) { noiseMultipliers = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder localEpochs(int v) { localEpochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder serverLearningRate(double v) { serverLearningRate = v; return this; }
        public Builder delta(double v) { delta = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder rowsPerClient(int min, int max) { minRows = min; maxRows = max; return this; }
        public Builder holdoutRows(int v) { holdoutRows = v; return this; }
        public Builder unitProfiles(int v) { unitProfiles = v; return this; }
        public Builder localBaselineClients(int v) { localBaselineClients = v; return this; }
        public Builder aggregation(Aggregation v) { aggregation = v; return this; }
        public Builder hiddenSizes(List<Integer> v) { hiddenSizes = v; return this; }
        public Builder clientCounts(List<Integer> v) { clientCounts = v; return this; }

        public SimulationSettings build() {
            return new SimulationSettings(data, bankCsv, bankSchema, clients, sampleRate, rounds, noiseMultipliers,
                    clipNorm, localEpochs, batchSize, learningRate, serverLearningRate, delta, seed, minRows, maxRows,
                    holdoutRows, unitProfiles, localBaselineClients, aggregation, hiddenSizes, clientCounts);
        }
    }
}
