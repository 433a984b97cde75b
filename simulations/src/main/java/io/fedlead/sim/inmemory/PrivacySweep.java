package io.fedlead.sim.inmemory;

import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.NoiseSource;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The experiment behind {@code fedlead simulate}: what privacy costs and federation gains. Runs the baselines
 * (central on pooled data, local-only), then one {@link InMemoryFederation} run per noise multiplier z at fixed N
 * and q, then optionally one run per client count N at the first nonzero z with the expected cohort q*N held
 * fixed (so q, and with it epsilon, falls as N grows).
 */
public final class PrivacySweep {
    /** A finished sweep: its rows in print order, how the data was made, and the total wall time. */
    public record Result(List<SweepRow> rows, String dataDescription, String noiseDescription, double seconds) {
        public Result {
            rows = List.copyOf(rows);
        }
    }

    private final SimulationSettings settings;
    private final PrintWriter progress;

    /** @param progress receives a line per finished run (and the setup lines) */
    public PrivacySweep(SimulationSettings settings, PrintWriter progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public Result run() {
        long start = System.nanoTime();
        SimulationSettings s = settings;
        int maxClients = s.clientCounts().stream().mapToInt(Integer::intValue).max().orElse(0);
        // Synthetic client i's leads do not depend on N, so one generation serves every N; bank is re-dealt per N.
        ClientData all = s.data() == DataSource.SYNTHETIC ? load(Math.max(s.clients(), maxClients)) : load(s.clients());
        ClientData data = s.data() == DataSource.SYNTHETIC ? all.firstClients(s.clients()) : all;
        ModelSpec spec = s.hiddenSizes().isEmpty() ? ModelSpec.logistic() : ModelSpec.mlp(s.hiddenSizes());
        MultiLayerNetwork net = NetworkFactory.build(spec, data.width());
        ModelWeights initial = NetworkWeights.get(net);
        String noise = NoiseSource.seededForSimulation(
                InMemoryFederation.RunSettings.of(s, s.sampleRate(), 0).noiseSeed()).description();
        progress.println("data: " + data.description());
        progress.printf(Locale.ROOT, "model: %s, %d parameters, %d features; %s aggregation, server lr %.2f%n",
                spec.type().equals("logistic") ? "logistic regression" : "MLP " + spec.hiddenSizes(),
                initial.values().length, data.width(), s.aggregation().optionValue(), s.serverLearningRate());
        progress.printf(Locale.ROOT, "clients: N=%d, q=%.4f (expected cohort %.1f), R=%d rounds, C=%.3f, %d local"
                        + " epoch(s), batch %d, lr %.3f, delta %.0e%n", s.clients(), s.sampleRate(),
                s.expectedCohort(), s.rounds(), s.clipNorm(), s.localEpochs(), s.batchSize(), s.learningRate(),
                s.delta());
        progress.println("noise: " + noise + "; one shared network, one thread; OMP_NUM_THREADS="
                + Objects.requireNonNullElse(System.getenv("OMP_NUM_THREADS"), "(unset)"));

        List<SweepRow> rows = new ArrayList<>();
        Baselines baselines = new Baselines(net, initial, data);
        int centralEpochs = Math.max(1, (int) Math.round(s.rounds() * s.sampleRate() * s.localEpochs()));
        Baselines.Result central = baselines.central(centralEpochs, s.batchSize(), s.learningRate(), s.seed());
        rows.add(new SweepRow("baseline", "central", data.clients().size(), Double.NaN, Double.NaN, Double.NaN, 0,
                Double.POSITIVE_INFINITY, s.delta(), central.auc(), central.logLoss(), Double.NaN, central.seconds(),
                "pooled data, no privacy, " + centralEpochs + " epoch(s) = R x q x local epochs"));
        progress.printf(Locale.ROOT, "central: AUC %.4f (%d epochs, %.1f s)%n", central.auc(), centralEpochs,
                central.seconds());
        if (s.localBaselineClients() > 0) {
            int localEpochs = s.rounds() * s.localEpochs();
            Baselines.Result local = baselines.localOnly(s.localBaselineClients(), localEpochs, s.batchSize(),
                    s.learningRate(), s.seed());
            rows.add(new SweepRow("baseline", "local-only", data.clients().size(), Double.NaN, Double.NaN, Double.NaN,
                    0, 0, s.delta(), local.auc(), local.logLoss(), Double.NaN, local.seconds(),
                    String.format(Locale.ROOT, "mean of %d clients alone, %d epochs each, AUC %.3f..%.3f; nothing"
                            + " shared", local.models(), localEpochs, local.minAuc(), local.maxAuc())));
            progress.printf(Locale.ROOT, "local-only: mean AUC %.4f over %d clients (%.1f s)%n", local.auc(),
                    local.models(), local.seconds());
        }

        InMemoryFederation federation = new InMemoryFederation(net, initial, data);
        for (double z : s.noiseMultipliers()) {
            InMemoryFederation.Outcome o = federation.run(InMemoryFederation.RunSettings.of(s, s.sampleRate(), z));
            rows.add(SweepRow.federated("noise", o, z == 0 ? "clipping only, no noise: no formal privacy"
                    : String.format(Locale.ROOT, "DP-FedAvg, noise std zC = %.3f per client", z * s.clipNorm())));
            report(o);
        }
        if (!s.clientCounts().isEmpty()) {
            double z = s.noiseMultipliers().stream().filter(v -> v > 0).findFirst().orElseThrow();
            for (int n : s.clientCounts()) {
                ClientData part = s.data() == DataSource.SYNTHETIC ? all.firstClients(n) : load(n);
                double q = s.expectedCohort() / n;
                InMemoryFederation.Outcome o = new InMemoryFederation(net, initial, part)
                        .run(InMemoryFederation.RunSettings.of(s, q, z));
                rows.add(SweepRow.federated("clients", o, String.format(Locale.ROOT,
                        "expected cohort q x N = %.1f held fixed", s.expectedCohort())));
                report(o);
            }
        }
        return new Result(rows, data.description(), noise, (System.nanoTime() - start) / 1e9);
    }

    private void report(InMemoryFederation.Outcome o) {
        InMemoryFederation.RoundResult last = o.last();
        progress.printf(Locale.ROOT, "federated N=%d q=%.4f z=%.2f: AUC %.4f, epsilon %s at delta %.0e after %d rounds"
                        + " (mean cohort %.1f, %d fit calls, %.1f s)%n", o.clients(), o.settings().sampleRate(),
                o.settings().noiseMultiplier(), last.auc(), SweepReport.formatEpsilon(last.epsilon()),
                o.settings().delta(), last.round(), o.meanCohort(), o.fitCalls(), o.seconds());
    }

    private ClientData load(int clients) {
        SimulationSettings s = settings;
        return switch (s.data()) {
            case SYNTHETIC -> ClientData.synthetic(clients, s.minRows(), s.maxRows(), s.holdoutRows(),
                    s.unitProfiles(), s.seed());
            case BANK -> ClientData.bank(s.bankCsv(), s.bankSchema(), clients, s.seed());
        };
    }
}
