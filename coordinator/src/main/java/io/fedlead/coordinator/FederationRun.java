package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.eval.FairnessAudit;
import io.fedlead.core.eval.FairnessAuditor;
import io.fedlead.core.eval.ScoreHistogram;
import io.fedlead.core.features.AuditColumn;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.privacy.AdaptiveClipping;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.Weighting;
import io.fedlead.proto.v1.EvaluationSettings;
import io.fedlead.proto.v1.Finished;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.TaskType;
import io.fedlead.proto.v1.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The round state machine of one federated run: wait for clients, then per round sample clients, hand out the task,
 * collect updates until all selected clients answered or the deadline passed, aggregate with FedAvg when enough
 * reported (else redo the round), apply, evaluate on the clients' holdouts, checkpoint; finally tell the clients the run
 * is over. Runs on its own thread; the RPC service reads {@link #current()} to route what clients send.
 */
public final class FederationRun implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FederationRun.class);
    static final int HISTOGRAM_BINS = 1000;

    private final String runId;
    private final FederationConfig config;
    private final ClientRegistry registry;
    private final TaskBoard board;
    private final CheckpointStore checkpoints;
    private final RunListener listener;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ClientSampler sampler;
    private final PrivacyTracker privacy;
    private final Map<String, Object> staticProvenance;
    private final AuditPlan auditPlan;

    private volatile GlobalModel global;
    private volatile GlobalModel previous;
    private volatile RoundState current;
    private volatile boolean stopRequested;
    private volatile RunResult result;
    /** The fairness audit of the latest evaluated model (empty without audit columns). */
    private volatile Optional<ModelAudit> lastAudit = Optional.empty();
    private final List<RoundSummary> history = new ArrayList<>();
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    /** @param auditPlan the fairness audit each federated evaluation asks for (empty: none) */
    FederationRun(String runId, FederationConfig config, ClientRegistry registry, TaskBoard board, GlobalModel initial,
                  CheckpointStore checkpoints, RunListener listener, Clock clock, LongSupplier nanoTime,
                  ClientSampler sampler, PrivacyTracker privacy, Map<String, Object> staticProvenance,
                  AuditPlan auditPlan) {
        this.auditPlan = auditPlan;
        this.runId = runId;
        this.config = config;
        this.registry = registry;
        this.board = board;
        this.global = initial;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.sampler = sampler;
        this.privacy = privacy;
        this.staticProvenance = Map.copyOf(staticProvenance);
    }

    public String runId() {
        return runId;
    }

    RoundState current() {
        return current;
    }

    AuditPlan auditPlan() {
        return auditPlan;
    }

    /** The current global model, or the previous one when a client still asks for it. */
    Optional<GlobalModel> model(String version) {
        GlobalModel g = global;
        if (g.version().equals(version)) {
            return Optional.of(g);
        }
        GlobalModel p = previous;
        return p != null && p.version().equals(version) ? Optional.of(p) : Optional.empty();
    }

    public GlobalModel global() {
        return global;
    }

    public Optional<RunResult> result() {
        return Optional.ofNullable(result);
    }

    public RunResult awaitResult() throws InterruptedException {
        done.await();
        return result;
    }

    public boolean awaitResult(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    void stop() {
        stopRequested = true;
        RoundState s = current;
        if (s != null) {
            s.closeNow();
        }
    }

    @Override
    public void run() {
        try {
            result = execute();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = finish("stopped", "interrupted", null, Optional.empty());
        } catch (RuntimeException e) {
            log.error("run {} failed", runId, e);
            result = finish("failed", e.toString(), null, Optional.empty());
        } finally {
            done.countDown();
        }
    }

    private RunResult execute() throws InterruptedException {
        FederationConfig.Training t = config.training();
        if (t.noiseMultiplier() == 0) {
            listener.onMessage("WARNING: noise-multiplier is 0: updates are clipped but NOT noised; this run gives no differential privacy");
            log.warn("noise-multiplier is 0 (allow-no-noise: true): no differential privacy");
        }
        listener.onMessage("run " + runId + ": waiting for " + config.minClients() + " clients");
        if (!registry.awaitActive(config.minClients(), secondsToNanos(config.joinTimeoutSeconds()))) {
            return finish("failed", "only " + registry.active().size() + " of " + config.minClients()
                    + " clients joined within join-timeout-seconds=" + config.joinTimeoutSeconds(), null, Optional.empty());
        }
        long initialStart = nanoTime.getAsLong();
        RoundSummary initial = summarize(0, 0, null, global, evaluate(0, global), t.initialClipNorm(), Double.NaN,
                initialStart, 0);
        listener.onInitialEvaluation(initial);

        // Adaptive clipping: σ_b is fixed for the run (m = expected clients per round when round 1 starts), and the
        // update noise drops to z_Δ so that update plus bits cost what z costs.
        double clipNorm = t.initialClipNorm();
        double bitStddev = 0;
        double updateNoise = t.noiseMultiplier();
        Optional<AdaptiveClipping> adaptive = Optional.empty();
        FederationConfig.AdaptiveClippingSettings ac = t.adaptiveClipping();
        if (ac.enabled()) {
            double m = expectedClients(registry.active().size());
            bitStddev = ac.bitStddev() > 0 ? ac.bitStddev() : AdaptiveClipping.defaultBitStddev(m);
            try {
                updateNoise = AdaptiveClipping.updateNoiseMultiplier(t.noiseMultiplier(), bitStddev);
            } catch (IllegalArgumentException e) {
                return finish("failed", "training.adaptive-clipping.bit-stddev"
                        + (ac.bitStddev() > 0 ? "" : " (0 = expected clients per round " + m + " / 20)") + " and "
                        + "training.noise-multiplier do not fit: " + e.getMessage(), initial, Optional.empty());
            }
            adaptive = Optional.of(new AdaptiveClipping(ac.targetQuantile(), ac.learningRate()));
            listener.onMessage(String.format(java.util.Locale.ROOT,
                    "adaptive clipping: C0 = %.4g, target quantile %.2f, bit noise σ_b = %.4g, update noise z_Δ = %.4g (z = %.4g)",
                    clipNorm, ac.targetQuantile(), bitStddev, updateNoise, t.noiseMultiplier()));
        }

        for (int round = 1; round <= config.rounds() && !stopRequested; round++) {
            long start = nanoTime.getAsLong();
            Attempt accepted = null;
            int attempt = 0;
            while (accepted == null && attempt <= config.maxRoundRetries() && !stopRequested) {
                Optional<String> budget = privacy.refuseRound(plannedSampleRate(), config);
                if (budget.isPresent()) {
                    return finish("budget-exhausted", budget.get(), initial, Optional.empty());
                }
                attempt++;
                Attempt a = trainRound(round, attempt, t, clipNorm, updateNoise, bitStddev);
                RoundState state = a.state();
                int reported = state.updates().size();
                if (reported > 0) {
                    // Noised updates were released to the coordinator: this attempt spent privacy even if redone.
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("round", round);
                    details.put("attempt", attempt);
                    details.put("clip-norm", clipNorm);
                    details.put("update-noise-multiplier", updateNoise);
                    details.put("clipping-bit-stddev", bitStddev);
                    privacy.commitRound(a.sampleRate(), config, details);
                }
                if (reported >= config.minFitClients()) {
                    accepted = a;
                } else {
                    String why = "round " + round + " attempt " + attempt + ": " + reported + " of "
                            + state.selected.size() + " selected clients reported, min-fit-clients is "
                            + config.minFitClients() + describeMissing(state);
                    listener.onMessage(why + "; redoing the round");
                    log.warn(why);
                }
            }
            if (accepted == null) {
                return finish(stopRequested ? "stopped" : "failed", "round " + round + " got too few updates after "
                        + attempt + " attempts", initial, Optional.empty());
            }
            long coordStart = nanoTime.getAsLong();
            double epsilon = privacy.epsilon();
            GlobalModel next = GlobalModel.of(round, apply(global, accepted));
            previous = global;
            global = next;
            double roundClipNorm = clipNorm;
            Map<String, RoundState.UpdateInfo> updates = accepted.state().updates();
            if (adaptive.isPresent()) {
                double unclipped = AdaptiveClipping.unclippedFraction(updates.values().stream()
                        .map(RoundState.UpdateInfo::noisedUnclippedBit).toList());
                clipNorm = adaptive.get().next(clipNorm, unclipped);
                log.info("round {}: noised unclipped fraction {}, clip norm {} -> {}", round, unclipped, roundClipNorm, clipNorm);
            }
            double coordSeconds = (nanoTime.getAsLong() - coordStart) / 1e9;
            Evaluation evaluation = evaluate(round, next);
            long ckStart = nanoTime.getAsLong();
            RoundSummary summary = summarize(round, attempt, accepted.state(), next, evaluation, roundClipNorm, epsilon,
                    start, coordSeconds);
            checkpoints.saveRound(next, provenance(next, summary));
            // The line and the history also count the checkpoint's time as coordinator work.
            summary = summary.withTiming((nanoTime.getAsLong() - start) / 1e9,
                    coordSeconds + (nanoTime.getAsLong() - ckStart) / 1e9);
            synchronized (history) {
                history.add(summary);
            }
            listener.onRound(summary);
        }
        if (stopRequested) {
            return finish("stopped", "stop requested", initial, Optional.empty());
        }
        return finish("completed", config.rounds() + " rounds completed", initial, Optional.empty());
    }

    /**
     * One attempt of a round and what it was run with.
     *
     * @param eligible   active clients the sample was drawn from (N of the fixed denominator q·N)
     * @param sampleRate q as the accountant sees it
     */
    private record Attempt(RoundState state, int eligible, double sampleRate) {
    }

    /** Clients expected per round: q·N with Poisson sampling, else the fixed sample size. */
    private double expectedClients(int active) {
        return config.aggregation().fixedDenominator() ? config.fractionFit() * active
                : PrivacyTrackers.Rdp.expectedSample(active, config);
    }

    /** q the accountant will be charged for the next attempt. */
    private double plannedSampleRate() {
        if (config.aggregation().fixedDenominator()) {
            return config.fractionFit();
        }
        // The rate is taken over the clients that can be sampled (joined and still polling): dividing by every
        // client that ever joined would under-report epsilon once some of them are gone.
        int active = registry.active().size();
        return active == 0 ? 1 : Math.min(1, expectedClients(active) / active);
    }

    private Attempt trainRound(int round, int attempt, FederationConfig.Training t, double clipNorm, double updateNoise,
                               double bitStddev) throws InterruptedException {
        List<ClientSession> active = registry.active();
        boolean poisson = config.aggregation().fixedDenominator();
        List<ClientSession> chosen = poisson ? sampler.poisson(active, config.fractionFit())
                : sampler.sample(active, config.fractionFit(), config.minFitClients());
        double q = poisson ? config.fractionFit()
                : active.isEmpty() ? 1 : Math.min(1, (double) chosen.size() / active.size());
        long deadline = nanoTime.getAsLong() + secondsToNanos(config.roundTimeoutSeconds());
        Weighting weighting = config.aggregation().weighting().equals("examples") ? Weighting.EXAMPLES : Weighting.UNIFORM;
        StreamingAggregator aggregator = new StreamingAggregator(global.weights().layout(), weighting,
                new StreamingAggregator.Options(config.aggregation().maxConcurrentUploads(), java.util.OptionalDouble.empty()));
        Set<String> ids = chosen.stream().map(ClientSession::clientId).collect(Collectors.toSet());
        RoundState state = new RoundState(round, attempt, TaskType.TASK_TYPE_TRAIN, global, ids, deadline, nanoTime,
                aggregator);
        current = state;
        Task task = Task.newBuilder()
                .setRunId(runId)
                .setRound(round)
                .setType(TaskType.TASK_TYPE_TRAIN)
                .setModelVersion(global.version())
                .setModelHash(global.sha256())
                .setSettings(TrainingSettings.newBuilder()
                        .setLocalEpochs(t.localEpochs())
                        .setBatchSize(t.batchSize())
                        .setLearningRate(t.learningRate())
                        .setClipNorm(clipNorm)
                        .setNoiseMultiplier(updateNoise)
                        .setClippedBitStddev(bitStddev)
                        .setReportPreClipNorm(t.reportPreClipNorm())
                        .setEpsilonSpentBefore(privacy.epsilon())
                        .setDelta(config.privacy().delta()))
                .setDeadlineUnixMillis(clock.millis() + (long) (config.roundTimeoutSeconds() * 1000))
                .build();
        for (String id : ids) {
            board.post(id, task);
        }
        state.awaitAndClose();
        for (String id : state.missing()) {
            board.retract(id);
        }
        return new Attempt(state, active.size(), q);
    }

    private ModelWeights apply(GlobalModel base, Attempt attempt) {
        // DP-FedAvg's fixed denominator: the sum over the expected q·N participants, not over who reported, so one
        // client's presence changes the aggregate by at most C / (q·N).
        float[] mean = config.aggregation().fixedDenominator()
                ? attempt.state().aggregator().sumDividedBy(config.fractionFit() * attempt.eligible())
                : attempt.state().aggregator().mean();
        float[] w = base.weights().values();
        float[] out = new float[w.length];
        float lr = config.aggregation().serverLearningRate().floatValue();
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] + lr * mean[i];
        }
        return new ModelWeights(base.weights().layout(), out);
    }

    /** Pooled holdout metrics of one global model, from the clients' score histograms. */
    private record Evaluation(double auc, double logLoss, long examples) {
    }

    /** Federated evaluation of a model on every active client's holdout. */
    private Evaluation evaluate(int round, GlobalModel model) throws InterruptedException {
        List<ClientSession> clients = registry.active();
        Set<String> ids = clients.stream().map(ClientSession::clientId).collect(Collectors.toSet());
        long deadline = nanoTime.getAsLong() + secondsToNanos(Math.min(config.roundTimeoutSeconds(), 60));
        RoundState eval = new RoundState(round, 1, TaskType.TASK_TYPE_EVALUATE, model, ids, deadline, nanoTime, null);
        current = eval;
        Task task = Task.newBuilder().setRunId(runId).setRound(round).setType(TaskType.TASK_TYPE_EVALUATE)
                .setModelVersion(model.version()).setModelHash(model.sha256())
                .setEvaluation(EvaluationSettings.newBuilder().addAllAuditColumns(auditPlan.columnNames()))
                .setDeadlineUnixMillis(clock.millis() + 60_000).build();
        for (String id : ids) {
            board.post(id, task);
        }
        eval.awaitAndClose();
        for (String id : eval.missing()) {
            board.retract(id);
        }
        double auc = eval.histogram().map(ScoreHistogram::auc).orElse(Double.NaN);
        double logloss = eval.evalExamples() == 0 ? Double.NaN : eval.evalLossSum() / eval.evalExamples();
        audit(round, model, eval);
        return new Evaluation(auc, logloss, eval.evalExamples());
    }

    /** Audits the evaluated model across the plan's groups (when there is a plan and at least one holdout lead). */
    private void audit(int round, GlobalModel model, RoundState eval) {
        Optional<ScoreHistogram> pooled = eval.histogram();
        if (auditPlan.isEmpty() || pooled.isEmpty() || pooled.get().positives() + pooled.get().negatives() == 0) {
            return;
        }
        // Columns in configured order, groups in schema order, whatever order the clients' reports came in.
        Map<String, Map<String, ScoreHistogram>> merged = eval.groupHistograms();
        Map<String, Map<String, ScoreHistogram>> ordered = new LinkedHashMap<>();
        for (AuditColumn column : auditPlan.columns()) {
            Map<String, ScoreHistogram> byValue = new LinkedHashMap<>();
            Map<String, ScoreHistogram> got = merged.getOrDefault(column.name(), Map.of());
            for (String group : column.groups()) {
                if (got.containsKey(group)) {
                    byValue.put(group, got.get(group));
                }
            }
            ordered.put(column.name(), byValue);
        }
        FairnessAudit audit = FairnessAuditor.audit(pooled.get(), ordered, auditPlan.minGroupSize());
        lastAudit = Optional.of(new ModelAudit(round, model.version(), audit, names(eval.updates().keySet()),
                names(eval.withoutGroups())));
    }

    /** The round's summary from its accepted attempt ({@code null} for the initial model's evaluation). */
    private RoundSummary summarize(int round, int attempts, RoundState state, GlobalModel model, Evaluation evaluation,
                                   double clipNorm, double epsilon, long start, double coordSeconds) {
        Map<String, RoundState.UpdateInfo> updates = state == null ? Map.of() : state.updates();
        Map<String, Long> clientExamples = new TreeMap<>();
        updates.forEach((id, u) -> clientExamples.put(name(id), u.examples()));
        long examples = clientExamples.values().stream().mapToLong(Long::longValue).sum();
        double loss = examples == 0 ? Double.NaN : updates.values().stream()
                .mapToDouble(u -> u.meanLoss() * u.examples()).sum() / examples;
        double trainSeconds = updates.values().stream().mapToDouble(RoundState.UpdateInfo::trainSeconds).max().orElse(0);
        return new RoundSummary(round, attempts, state == null ? List.of() : names(state.selected),
                names(updates.keySet()), state == null ? Map.of() : byName(state.failures()),
                state == null ? Map.of() : byName(state.declined()), clientExamples, examples, loss, evaluation.auc(),
                evaluation.logLoss(), evaluation.examples(), clipNorm, config.training().noiseMultiplier(), epsilon,
                (nanoTime.getAsLong() - start) / 1e9, coordSeconds, trainSeconds, model.version(), model.sha256());
    }

    private String describeMissing(RoundState state) {
        StringBuilder sb = new StringBuilder();
        state.failures().forEach((id, why) -> sb.append("; ").append(name(id)).append(" failed: ").append(why));
        state.declined().forEach((id, why) -> sb.append("; ").append(name(id)).append(" declined: ").append(why));
        for (String id : state.missing()) {
            sb.append("; ").append(name(id)).append(" did not answer before the deadline");
        }
        return sb.toString();
    }

    private List<String> names(Set<String> ids) {
        return ids.stream().map(this::name).sorted().toList();
    }

    private Map<String, String> byName(Map<String, String> byId) {
        Map<String, String> out = new TreeMap<>();
        byId.forEach((id, v) -> out.put(name(id), v));
        return out;
    }

    private String name(String clientId) {
        return registry.find(clientId).map(ClientSession::name).orElse(clientId);
    }

    Map<String, Object> provenance(GlobalModel model, RoundSummary summary) {
        Map<String, Object> p = new LinkedHashMap<>(staticProvenance);
        p.put("run-id", runId);
        p.put("round", model.round());
        p.put("model-version", model.version());
        p.put("model-sha256", model.sha256());
        p.put("created", clock.instant().toString());
        if (summary != null) {
            p.put("round-summary", summary);
        }
        p.put("privacy", privacy.describe(config));
        lastAudit.filter(a -> a.modelVersion().equals(model.version()))
                .ifPresent(a -> p.put("fairness-audit", a.describe()));
        return p;
    }

    private RunResult finish(String status, String reason, RoundSummary initial, Optional<Path> ignored) {
        Finished f = Finished.newBuilder().setReason(status + ": " + reason).setLastRound(global.round())
                .setFinalModelVersion(global.version()).build();
        current = null;
        board.finish(f);
        List<RoundSummary> h;
        synchronized (history) {
            h = List.copyOf(history);
        }
        Optional<Path> finalPath = Optional.empty();
        Optional<ModelAudit> audit = lastAudit.filter(a -> a.modelVersion().equals(global.version()));
        if (audit.isPresent()) {
            try {
                checkpoints.saveAudit(audit.get().describe());
            } catch (RuntimeException e) {
                log.error("could not save the fairness audit of run {}", runId, e);
                listener.onMessage("could not save the fairness audit: " + e.getMessage());
            }
            listener.onMessage(AuditTable.render(audit.get()));
        }
        try {
            Map<String, Object> p = provenance(global, h.isEmpty() ? null : h.get(h.size() - 1));
            p.put("status", status);
            p.put("status-reason", reason);
            finalPath = Optional.of(checkpoints.saveFinal(global, p, h));
        } catch (RuntimeException e) {
            log.error("could not save the final model of run {}", runId, e);
            listener.onMessage("could not save the final model: " + e.getMessage());
        }
        RunResult r = new RunResult(runId, status, reason, initial, h, finalPath, global);
        listener.onMessage("run " + runId + " " + status + ": " + reason);
        listener.onFinished(r);
        return r;
    }

    private static long secondsToNanos(double seconds) {
        return (long) (seconds * 1e9);
    }
}
