package io.fedlead.sim;

import io.fedlead.client.ClientListener;
import io.fedlead.client.ClientNodeConfig;
import io.fedlead.client.LocalData;
import io.fedlead.client.scoring.LeadScorer;
import io.fedlead.client.scoring.ScoredCsvWriter;
import io.fedlead.client.scoring.ScoredLead;
import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RoundSummary;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.privacy.NoiseSources;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: synthetic leads for several business units, a coordinator and one client node per unit talking
 * gRPC over 127.0.0.1, a federated run, the final model scored on a pooled holdout, and its AUC beside a centrally
 * trained model (pooled data, no privacy) and each unit's local-only model.
 */
public final class Demo {
    /**
     * @param units       business units (client nodes)
     * @param rowsPerUnit leads per unit (a share is each node's own holdout for federated evaluation)
     * @param testRows    pooled holdout leads, drawn from every unit, used to compare the models at the end
     * @param seed        data seed; 0 for the node's noise means SecureRandom
     */
    public record Settings(int units, int rowsPerUnit, int testRows, FederationConfig config, Path outDir, long seed,
                           boolean reproducibleNoise) {
        public Settings {
            if (units < 1 || units > 26) {
                throw new IllegalArgumentException("units must be in [1, 26], got " + units);
            }
            if (rowsPerUnit < 50) {
                throw new IllegalArgumentException("rows per unit must be >= 50, got " + rowsPerUnit);
            }
        }
    }

    /** What the demo measured. */
    public record Outcome(RunResult run, double initialAuc, double federatedAuc, double centralAuc,
                          Map<String, Double> localOnlyAuc, double bayesAuc, Path model, Path scored,
                          double seconds) {
    }

    private final Settings settings;
    private final PrintStream out;

    public Demo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public Outcome run() throws Exception {
        long start = System.nanoTime();
        Path dataDir = settings.outDir().resolve("data");
        Files.createDirectories(dataDir);
        SyntheticLeadGenerator generator = new SyntheticLeadGenerator(settings.seed());
        FeatureSchema schema = generator.schema();
        Files.writeString(dataDir.resolve("schema.json"), schema.toCanonicalJson());
        List<Path> unitFiles = new ArrayList<>();
        for (int u = 0; u < settings.units(); u++) {
            Path f = dataDir.resolve(SyntheticLeadGenerator.unitName(u) + ".csv");
            generator.writeCsv(f, u, settings.rowsPerUnit());
            unitFiles.add(f);
        }
        // The pooled test set comes from a different seed so no row is shared with any unit's training data.
        SyntheticLeadGenerator testGenerator = new SyntheticLeadGenerator(settings.seed() + 1_000_003L);
        List<LeadTable> testParts = new ArrayList<>();
        for (int u = 0; u < settings.units(); u++) {
            testParts.add(testGenerator.generate(u, Math.max(1, settings.testRows() / settings.units())));
        }
        Path testFile = dataDir.resolve("holdout.csv");
        CsvTables.write(testFile, CsvTables.concat(testParts), schema.delimiter());
        out.printf(Locale.ROOT, "data: %d units x %d leads in %s; pooled holdout %s%n", settings.units(),
                settings.rowsPerUnit(), dataDir, testFile);

        // The demo's nodes are threads of this process talking over loopback: plaintext, whatever the config says.
        FederationConfig config = settings.config().with(settings.config().runId(), 0, settings.config().rounds(),
                settings.units(), settings.outDir().resolve("runs").toString()).withTls(FederationConfig.Tls.defaults());
        if (settings.config().tls().enabled()) {
            out.println("note: the demo talks plaintext gRPC over 127.0.0.1; the tls keys of the config are ignored");
        }
        FederationConfig.Training t = config.training();
        out.printf(Locale.ROOT, "federation: %d rounds, model %s, clip-norm C=%.3f, noise-multiplier z=%.3f (noise std %.4f per coordinate), "
                        + "%d local epoch(s), batch %d, lr %.3f%n", config.rounds(), describe(config.model()), t.clipNorm(),
                t.noiseMultiplier(), t.clipNorm() * t.noiseMultiplier(), t.localEpochs(), t.batchSize(), t.learningRate());
        out.println(settings.reproducibleNoise()
                ? "noise: fixed seed per node (simulation, --reproducible-noise): reproducible, not for real data"
                : "noise: " + io.fedlead.core.privacy.NoiseSources.SECURE_DESCRIPTION + " per node");
        RunListener printer = new RunListener() {
            @Override
            public void onInitialEvaluation(RoundSummary s) {
                out.printf(Locale.ROOT, "initial model: fed AUC %.4f, fed logloss %.4f on %d holdout leads%n",
                        s.federatedAuc(), s.federatedLogLoss(), s.evalExamples());
            }

            @Override
            public void onRound(RoundSummary s) {
                out.println(s.line());
            }

            @Override
            public void onMessage(String message) {
                out.println(message);
            }
        };
        CoordinatorServer coordinator = CoordinatorServer.create(config,
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), printer).start();
        RunResult result;
        try (VirtualClients clients = new VirtualClients(settings.units())) {
            for (int u = 0; u < settings.units(); u++) {
                String name = SyntheticLeadGenerator.unitName(u);
                ClientNodeConfig nodeConfig = ClientNodeConfig.defaults(name);
                long nodeSeed = settings.reproducibleNoise() ? settings.seed() * 1000 + u + 1 : 0;
                LocalData data = LocalData.load(unitFiles.get(u), schema, false, nodeConfig.holdoutFraction(),
                        nodeSeed == 0 ? NoiseSources.secure() : NoiseSources.seededForSimulation(nodeSeed));
                clients.start("127.0.0.1", coordinator.port(), nodeConfig, data, nodeSeed, ClientListener.NONE,
                        java.util.Optional.of(settings.outDir().resolve("ledgers").resolve(name + ".ledger.jsonl")));
            }
            result = coordinator.awaitRunAndShutdown(2_000);
            clients.await(30, TimeUnit.SECONDS);
        }
        Path modelFile = result.finalModel().orElseThrow(() -> new IllegalStateException("no final model was saved"));

        // Score the pooled holdout with the saved model, exactly as an analyst would.
        ModelCheckpoint.LoadedModel loaded = ModelCheckpoint.load(modelFile);
        FeatureEncoder encoder = new FeatureEncoder(schema);
        LeadTable testTable = LeadCsvReader.read(testFile, schema, false);
        EncodedLeads test = encoder.encode(testTable, true, false);
        LeadScorer scorer = new LeadScorer(loaded.net(), encoder.featureNames());
        List<ScoredLead> scored = scorer.score(test.features(), test.rows(), test.width(), test.ids());
        Path scoredFile = settings.outDir().resolve("scored-holdout.csv");
        ScoredCsvWriter.write(scoredFile, testTable.header(), testTable.rows(), scored);
        double fedAuc = auc(loaded.net(), test);
        double initialAuc = auc(NetworkFactory.build(config.model(), encoder.width()), test);

        // Baselines on the same data: pooled training (what federation tries to match) and each unit alone.
        List<EncodedLeads> trains = new ArrayList<>();
        for (Path f : unitFiles) {
            trains.add(encoder.encode(LeadCsvReader.read(f, schema, false), true, false));
        }
        int epochs = config.rounds() * t.localEpochs();
        MultiLayerNetwork central = trainLocally(config.model(), EncodedLeads.concat(trains), epochs, t, encoder.width());
        double centralAuc = auc(central, test);
        Map<String, Double> local = new LinkedHashMap<>();
        for (int u = 0; u < trains.size(); u++) {
            local.put(SyntheticLeadGenerator.unitName(u),
                    auc(trainLocally(config.model(), trains.get(u), epochs, t, encoder.width()), test));
        }
        double bayes = SyntheticLeadGenerator.bayesAuc(testTable);
        double seconds = (System.nanoTime() - start) / 1e9;

        out.println();
        out.printf(Locale.ROOT, "pooled holdout: %d leads, base rate %.3f%n", test.rows(), test.positiveRate());
        out.printf(Locale.ROOT, "  %-34s AUC %.4f%n", "initial model", initialAuc);
        out.printf(Locale.ROOT, "  %-34s AUC %.4f%n", "federated (C=" + t.clipNorm() + ", z=" + t.noiseMultiplier() + ")", fedAuc);
        out.printf(Locale.ROOT, "  %-34s AUC %.4f%n", "central, pooled data, no privacy", centralAuc);
        local.forEach((name, a) -> out.printf(Locale.ROOT, "  %-34s AUC %.4f%n", "local only: " + name, a));
        out.printf(Locale.ROOT, "  %-34s AUC %.4f%n", "true probability (Bayes limit)", bayes);
        out.printf(Locale.ROOT, "final model: %s (provenance: %s)%n", modelFile,
                modelFile.resolveSibling("model.provenance.json"));
        out.printf(Locale.ROOT, "scored holdout: %s%n", scoredFile);
        out.printf(Locale.ROOT, "client ledgers (every update sent, its SHA-256, noise source, the client's own epsilon): %s%n",
                settings.outDir().resolve("ledgers"));
        out.printf(Locale.ROOT, "run %s %s in %.1f s%n", result.runId(), result.status(), seconds);
        return new Outcome(result, initialAuc, fedAuc, centralAuc, local, bayes, modelFile, scoredFile, seconds);
    }

    private static MultiLayerNetwork trainLocally(ModelSpec spec, EncodedLeads data, int epochs,
                                                  FederationConfig.Training t, int width) {
        MultiLayerNetwork net = NetworkFactory.build(spec, width);
        new LocalTrainer(NoiseSources.seededForSimulation(7)).train(net, data.features(), data.rows(), data.width(),
                data.labels(), epochs, t.batchSize(), t.learningRate());
        return net;
    }

    private static double auc(MultiLayerNetwork net, EncodedLeads data) {
        return BinaryMetrics.evaluate(net, data.features(), data.rows(), data.width(), data.labels()).auc();
    }

    static String describe(ModelSpec spec) {
        return spec.type().equals("logistic") ? "logistic regression"
                : "MLP " + spec.hiddenSizes() + " " + spec.activation();
    }
}
