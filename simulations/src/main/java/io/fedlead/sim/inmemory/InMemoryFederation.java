package io.fedlead.sim.inmemory;

import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.eval.EvaluationResult;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.PrivatizedUpdate;
import io.fedlead.core.privacy.UpdateMath;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * DP-FedAvg over many virtual clients in one thread, without the network: the same math as a real federation
 * (Poisson cohort with rate q; each member loads the global weights, trains with {@link LocalTrainer}, takes its
 * delta, clips to C and adds N(0, (zC)^2) noise with {@link UpdatePrivatizer}; the server applies
 * {@link ServerStep}; the {@link RdpAccountant} composes one sampled-Gaussian step per round).
 *
 * <p>To keep hundreds of clients cheap, ONE network is reused for every client in turn (set weights, train, read
 * weights): a client holds only its encoded rows. Optimiser state is zeroed before each client (SGD has none;
 * a real Adam client would keep its own across rounds, which this does not model).
 *
 * <p>Randomness, all from fixed seeds (simulation only): cohort sampling, training shuffles and noise use three
 * separate generators derived from {@code seed}, so runs that differ only in z sample the same cohorts and shuffle
 * the same way (common random numbers): differences between them are the noise's doing.
 */
public final class InMemoryFederation {
    /**
     * One run's settings.
     *
     * @param sampleRate      q
     * @param noiseMultiplier z (0 = clip only, infinite epsilon)
     * @param seed            root of the sampling, training and noise seeds
     */
    public record RunSettings(double sampleRate, double noiseMultiplier, double clipNorm, int rounds, int localEpochs,
                              int batchSize, double learningRate, double serverLearningRate, double delta,
                              Aggregation aggregation, long seed) {
        public RunSettings {
            Objects.requireNonNull(aggregation, "aggregation");
            if (!(sampleRate > 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("sample rate q must be in (0, 1], got " + sampleRate);
            }
            if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
                throw new IllegalArgumentException("noise multiplier z must be finite and >= 0, got " + noiseMultiplier);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
        }

        /** Seed of the Gaussian noise generator. */
        public long noiseSeed() {
            return seed * 1_000_003L + 3;
        }

        static RunSettings of(SimulationSettings s, double sampleRate, double z) {
            return new RunSettings(sampleRate, z, s.clipNorm(), s.rounds(), s.localEpochs(), s.batchSize(),
                    s.learningRate(), s.serverLearningRate(), s.delta(), s.aggregation(), s.seed());
        }
    }

    /** After one round: cohort size, the new global model on the holdout, and epsilon spent so far. */
    public record RoundResult(int round, int cohort, double auc, double logLoss, double epsilon) {
    }

    /**
     * A finished run.
     *
     * @param fitCalls DL4J fit() calls over all clients and rounds (the dominant cost, ~2.5 ms each)
     */
    public record Outcome(RunSettings settings, int clients, List<RoundResult> rounds, ModelWeights finalWeights,
                          long fitCalls, double seconds) {
        public Outcome {
            rounds = List.copyOf(rounds);
        }

        public RoundResult last() {
            return rounds.get(rounds.size() - 1);
        }

        public double meanCohort() {
            return rounds.stream().mapToInt(RoundResult::cohort).average().orElse(0);
        }
    }

    private final MultiLayerNetwork net;
    private final ModelWeights initial;
    private final ClientData data;

    /**
     * @param net     the shared network, reused for every client and for evaluation
     * @param initial the starting global weights (the coordinator's initial model)
     */
    public InMemoryFederation(MultiLayerNetwork net, ModelWeights initial, ClientData data) {
        this.net = Objects.requireNonNull(net, "net");
        this.initial = Objects.requireNonNull(initial, "initial");
        this.data = Objects.requireNonNull(data, "data");
        if (NetworkWeights.inputWidth(net) != data.width()) {
            throw new IllegalArgumentException("network expects " + NetworkWeights.inputWidth(net)
                    + " inputs but the data has " + data.width() + " features");
        }
    }

    /** Runs {@code settings.rounds()} rounds from the initial model over all clients. */
    public Outcome run(RunSettings s) {
        long start = System.nanoTime();
        int n = data.clients().size();
        PoissonSampler sampler = new PoissonSampler(NoiseSources.seededForSimulation(s.seed() * 1_000_003L + 1));
        LocalTrainer trainer = new LocalTrainer(NoiseSources.seededForSimulation(s.seed() * 1_000_003L + 2));
        UpdatePrivatizer privatizer = new UpdatePrivatizer(
                new GaussianMechanism(NoiseSources.seededForSimulation(s.noiseSeed())));
        RdpAccountant accountant = RdpAccountant.withDefaultOrders();
        double expectedCohort = s.sampleRate() * n;
        ModelWeights global = initial;
        long fits = 0;
        List<RoundResult> history = new ArrayList<>(s.rounds());
        for (int round = 1; round <= s.rounds(); round++) {
            List<Integer> cohort = sampler.sample(n, s.sampleRate());
            List<float[]> updates = new ArrayList<>(cohort.size());
            List<Long> examples = new ArrayList<>(cohort.size());
            for (int c : cohort) {
                EncodedLeads d = data.clients().get(c);
                NetworkWeights.set(net, global);
                NetworkWeights.clearUpdaterState(net);
                LocalTrainer.TrainingResult r = trainer.train(net, d.features(), d.rows(), d.width(), d.labels(),
                        s.localEpochs(), s.batchSize(), s.learningRate());
                fits += r.batches();
                float[] delta = UpdateMath.delta(NetworkWeights.get(net), global);
                PrivatizedUpdate p = privatizer.privatize(delta, s.clipNorm(), s.noiseMultiplier());
                updates.add(p.payload());
                examples.add((long) d.rows());
            }
            global = ServerStep.apply(global, updates, examples, s.aggregation(), expectedCohort,
                    s.serverLearningRate());
            accountant = accountant.advance(s.sampleRate(), s.noiseMultiplier(), 1);
            double epsilon = accountant.epsilon(s.delta()).epsilon();
            EvaluationResult eval = evaluate(global);
            history.add(new RoundResult(round, cohort.size(), eval.auc(), eval.meanLoss(), epsilon));
        }
        return new Outcome(s, n, history, global, fits, (System.nanoTime() - start) / 1e9);
    }

    /** The given weights on the pooled holdout (loads them into the shared network). */
    public EvaluationResult evaluate(ModelWeights weights) {
        NetworkWeights.set(net, weights);
        EncodedLeads h = data.holdout();
        return BinaryMetrics.evaluate(net, h.features(), h.rows(), h.width(), h.labels());
    }
}
