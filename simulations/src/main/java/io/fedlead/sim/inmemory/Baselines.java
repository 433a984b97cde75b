package io.fedlead.sim.inmemory;

import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.eval.EvaluationResult;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.NoiseSources;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The two references a federation is judged against, trained from the same initial weights with the same
 * {@link LocalTrainer} and scored on the same pooled holdout: central training on the pooled data without privacy
 * (what federation tries to match) and each client training alone (what federation must beat).
 */
public final class Baselines {
    /** AUC and log-loss of one baseline; for local-only, means over the clients trained plus the AUC range. */
    public record Result(double auc, double logLoss, double minAuc, double maxAuc, int models, int epochs,
                         long fitCalls, double seconds) {
    }

    private final MultiLayerNetwork net;
    private final ModelWeights initial;
    private final ClientData data;

    public Baselines(MultiLayerNetwork net, ModelWeights initial, ClientData data) {
        this.net = Objects.requireNonNull(net, "net");
        this.initial = Objects.requireNonNull(initial, "initial");
        this.data = Objects.requireNonNull(data, "data");
    }

    /** All clients' rows pooled, trained for {@code epochs} epochs, no clipping or noise. */
    public Result central(int epochs, int batchSize, double learningRate, long seed) {
        long start = System.nanoTime();
        EncodedLeads pooled = EncodedLeads.concat(data.clients());
        long fits = train(pooled, epochs, batchSize, learningRate, seed);
        EvaluationResult e = evaluate();
        return new Result(e.auc(), e.meanLoss(), e.auc(), e.auc(), 1, epochs, fits, (System.nanoTime() - start) / 1e9);
    }

    /**
     * {@code count} clients, evenly spaced over the client list, each trained alone for {@code epochs} epochs on
     * its own rows; AUC and log-loss are averaged over them (NaN AUCs, from a one-class holdout, are skipped).
     */
    public Result localOnly(int count, int epochs, int batchSize, double learningRate, long seed) {
        int n = data.clients().size();
        if (count < 1 || count > n) {
            throw new IllegalArgumentException("local-only baseline count must be in [1, " + n + "], got " + count);
        }
        long start = System.nanoTime();
        List<Double> aucs = new ArrayList<>();
        double lossSum = 0;
        long fits = 0;
        for (int k = 0; k < count; k++) {
            int client = (int) ((long) k * n / count);
            fits += train(data.clients().get(client), epochs, batchSize, learningRate, seed + client);
            EvaluationResult e = evaluate();
            if (!Double.isNaN(e.auc())) {
                aucs.add(e.auc());
            }
            lossSum += e.meanLoss();
        }
        double mean = aucs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double min = aucs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = aucs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return new Result(mean, lossSum / count, min, max, count, epochs, fits, (System.nanoTime() - start) / 1e9);
    }

    private long train(EncodedLeads d, int epochs, int batchSize, double learningRate, long seed) {
        NetworkWeights.set(net, initial);
        NetworkWeights.clearUpdaterState(net);
        return new LocalTrainer(NoiseSources.seededForSimulation(seed)).train(net, d.features(), d.rows(), d.width(),
                d.labels(), epochs, batchSize, learningRate).batches();
    }

    private EvaluationResult evaluate() {
        EncodedLeads h = data.holdout();
        return BinaryMetrics.evaluate(net, h.features(), h.rows(), h.width(), h.labels());
    }
}
