package io.fedlead.client;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.core.eval.BinaryMetrics;
import io.fedlead.core.eval.EvaluationResult;
import io.fedlead.core.eval.GroupHistograms;
import io.fedlead.core.features.AuditColumn;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.PrivatizedUpdate;
import io.fedlead.core.privacy.UpdateMath;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.proto.v1.DeclineTaskRequest;
import io.fedlead.proto.v1.DeclineTaskResponse;
import io.fedlead.proto.v1.DownloadModelRequest;
import io.fedlead.proto.v1.EvaluationReport;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.GroupHistogram;
import io.fedlead.proto.v1.JoinRequest;
import io.fedlead.proto.v1.JoinResponse;
import io.fedlead.proto.v1.LocalMetrics;
import io.fedlead.proto.v1.ModelChunk;
import io.fedlead.proto.v1.ModelHeader;
import io.fedlead.proto.v1.PollTaskRequest;
import io.fedlead.proto.v1.PollTaskResponse;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.TaskType;
import io.fedlead.proto.v1.TrainingSettings;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.fedlead.wire.Chunks;
import io.fedlead.wire.WireLayouts;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * A client node: joins the coordinator, then trains round after round until the run ends. Each round it sets the
 * global weights, trains locally, and sends back only the clipped, noised delta; rows and clean weights never leave.
 * It keeps a holdout of its rows to evaluate each new global model, and reconnects with backoff when the coordinator
 * is briefly unreachable.
 */
public final class ClientNode {
    private static final Logger log = LoggerFactory.getLogger(ClientNode.class);
    public static final String SOFTWARE_VERSION = "fedlead/0.1.0";

    private final Channel channel;
    private final ClientNodeConfig config;
    private final LocalData data;
    private final Optional<ModelSpec> declaredSpec;
    private final LocalTrainer trainer;
    private final UpdatePrivatizer privatizer;
    private final RandomGenerator backoffRng;
    private final ClientListener listener;
    private final ClientPrivacy privacy;

    private String clientId;
    private String token;
    private String runId;
    private MultiLayerNetwork network;
    private ModelLayout layout;
    private ModelWeights cachedModel;
    /** Hash of the cached model: versions restart at r0 in every run, hashes name the weights themselves. */
    private String cachedHash = "";
    private int rounds;
    private int evaluations;
    private int rejected;

    /** A node without a ledger or budget (simulations and tests): its ε is tracked in memory only. */
    public ClientNode(Channel channel, ClientNodeConfig config, LocalData data, Optional<ModelSpec> declaredSpec,
                      LocalTrainer trainer, UpdatePrivatizer privatizer, RandomGenerator backoffRng,
                      ClientListener listener) {
        this(channel, config, data, declaredSpec, trainer, privatizer, backoffRng, listener,
                ClientPrivacy.unrecorded("unrecorded"));
    }

    /**
     * @param privacy this node's ledger of sent updates and its own privacy budget: before training, a task that
     *                would take the node past its max-epsilon is declined (DeclineTask RPC, with the reason)
     */
    public ClientNode(Channel channel, ClientNodeConfig config, LocalData data, Optional<ModelSpec> declaredSpec,
                      LocalTrainer trainer, UpdatePrivatizer privatizer, RandomGenerator backoffRng,
                      ClientListener listener, ClientPrivacy privacy) {
        this.privacy = java.util.Objects.requireNonNull(privacy, "privacy");
        this.channel = channel;
        this.config = config;
        this.data = data;
        this.declaredSpec = declaredSpec;
        this.trainer = trainer;
        this.privatizer = privatizer;
        this.backoffRng = backoffRng;
        this.listener = listener;
    }

    /** Takes part in the run until the coordinator ends it. */
    public ClientOutcome run() throws InterruptedException {
        join();
        while (true) {
            PollTaskResponse response;
            try {
                response = withReconnect("poll", () -> blocking(config.pollWait().toMillis() + 15_000)
                        .pollTask(PollTaskRequest.newBuilder().setClientId(clientId).setSessionToken(token)
                                .setMaxWaitMillis((int) config.pollWait().toMillis()).build()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.ABORTED) {
                    continue; // rejoined: poll again with the new session
                }
                throw e;
            }
            switch (response.getKindCase()) {
                case FINISHED -> {
                    listener.onMessage(config.name() + ": run finished: " + response.getFinished().getReason());
                    return new ClientOutcome(clientId, rounds, evaluations, rejected, response.getFinished().getReason());
                }
                case TASK -> handle(response.getTask());
                default -> {
                    int after = response.getWait().getRetryAfterMillis();
                    if (after > 0) {
                        Thread.sleep(after);
                    }
                }
            }
        }
    }

    private void join() throws InterruptedException {
        JoinRequest.Builder req = JoinRequest.newBuilder()
                .setClientName(config.name())
                .setSchemaJson(data.schema().toCanonicalJson())
                .setSoftwareVersion(SOFTWARE_VERSION);
        declaredSpec.ifPresent(spec -> {
            req.setModelSpecJson(YamlConfig.toJson(spec));
            req.setLayout(WireLayouts.toProto(NetworkWeights.layoutOf(NetworkFactory.build(spec, data.encoder().width()))));
        });
        JoinResponse resp = withReconnect("join", () -> blocking(30_000).join(req.build()));
        clientId = resp.getClientId();
        token = resp.getSessionToken();
        runId = resp.getRunId();
        if (network == null) {
            ModelSpec spec = YamlConfig.parse(resp.getModelSpecJson(), "coordinator's model spec", ModelSpec.class);
            network = NetworkFactory.build(spec, data.encoder().width());
            layout = NetworkWeights.layoutOf(network);
        }
        listener.onMessage(config.name() + ": joined run " + runId + " as " + clientId);
    }

    private void handle(Task task) throws InterruptedException {
        try {
            ModelWeights global = download(task.getModelVersion(), task.getModelHash());
            if (task.getType() == TaskType.TASK_TYPE_TRAIN) {
                train(task, global);
            } else if (task.getType() == TaskType.TASK_TYPE_EVALUATE) {
                evaluate(task, global);
            } else {
                log.warn("{}: ignoring task of unknown type {}", config.name(), task.getType());
            }
        } catch (StatusRuntimeException e) {
            // The coordinator refused this contribution (stale round, closed round...): the run goes on.
            rejected++;
            String msg = config.name() + ": round " + task.getRound() + " " + task.getType() + " refused: "
                    + e.getStatus().getCode() + " " + e.getStatus().getDescription();
            log.warn(msg);
            listener.onMessage(msg);
        }
    }

    private void train(Task task, ModelWeights global) throws InterruptedException {
        TrainingSettings s = task.getSettings();
        if (s.getNoiseMultiplier() == 0) {
            String warning = config.name() + ": WARNING: round " + task.getRound()
                    + " asks for noise-multiplier 0: this update would be clipped but not noised (no differential privacy)";
            log.warn(warning);
            listener.onMessage(warning);
        }
        Optional<String> refusal = privacy.refusal(s.getNoiseMultiplier(), s.getClippedBitStddev());
        if (refusal.isPresent()) {
            decline(task, refusal.get());
            return;
        }
        NetworkWeights.set(network, global);
        EncodedLeads train = data.train();
        LocalTrainer.TrainingResult result = trainer.train(network, train.features(), train.rows(), train.width(), train.labels(),
                s.getLocalEpochs(), s.getBatchSize(), s.getLearningRate());
        float[] delta = UpdateMath.delta(NetworkWeights.get(network), global);
        PrivatizedUpdate update = privatizer.privatize(delta, s.getClipNorm(), s.getNoiseMultiplier());
        ModelWeights payloadWeights = new ModelWeights(layout, update.payload());
        byte[] payload = payloadWeights.toLittleEndianBytes();
        String sha = ModelWeights.sha256Hex(payload);
        double bit = s.getClippedBitStddev() > 0 ? privatizer.noisedUnclippedBit(update, s.getClippedBitStddev()) : 0;
        // Recorded (and forced to disk) before the first byte leaves: a crash can over-count, never under-count.
        privacy.record(task.getRunId(), task.getRound(), task.getModelVersion(), update, s.getClippedBitStddev(), sha,
                train.rows());
        UpdateHeader header = UpdateHeader.newBuilder()
                .setClientId(clientId)
                .setSessionToken(token)
                .setRunId(task.getRunId())
                .setRound(task.getRound())
                .setModelVersion(task.getModelVersion())
                .setExampleCount(train.rows())
                .setPreClipNorm(s.getReportPreClipNorm() ? update.preClipNorm() : -1)
                .setLayout(WireLayouts.toProto(layout))
                .setMetrics(LocalMetrics.newBuilder().setMeanLoss(result.meanLoss()).setTrainSeconds(result.seconds())
                        .setEpochs(result.epochs()))
                .setTotalBytes(payload.length)
                .setNoisedUnclippedBit(bit)
                .setPayloadSha256(sha)
                .build();
        ByteString bytes = ByteString.copyFrom(payload);
        SubmitUpdateResponse resp = withReconnect("upload", () -> upload(header, bytes));
        if (!resp.getReceivedSha256().equalsIgnoreCase(sha)) {
            throw new IllegalStateException("coordinator received payload " + resp.getReceivedSha256() + ", sent " + sha);
        }
        rounds++;
        listener.onUpdateSent(new ClientListener.SentUpdate(task.getRunId(), task.getRound(), task.getModelVersion(),
                train.rows(), s.getClipNorm(), s.getNoiseMultiplier(), update.preClipNorm(), update.wasClipped(), sha,
                result.meanLoss(), result.seconds()));
    }

    private void decline(Task task, String reason) throws InterruptedException {
        DeclineTaskResponse r = withReconnect("decline", () -> blocking(30_000).declineTask(DeclineTaskRequest.newBuilder()
                .setClientId(clientId).setSessionToken(token).setRunId(task.getRunId()).setRound(task.getRound())
                .setReason(reason).build()));
        String msg = config.name() + ": declined round " + task.getRound() + (r.getRecorded() ? "" : " (too late to record)")
                + ": " + reason;
        log.info(msg);
        listener.onMessage(msg);
    }

    private void evaluate(Task task, ModelWeights global) throws InterruptedException {
        NetworkWeights.set(network, global);
        EncodedLeads h = data.holdout();
        float[] p = BinaryMetrics.predict(network, h.features(), h.rows(), h.width());
        EvaluationResult r = BinaryMetrics.evaluate(p, h.labels());
        EvaluationReport.Builder report = EvaluationReport.newBuilder()
                .setClientId(clientId).setSessionToken(token).setRunId(task.getRunId()).setRound(task.getRound())
                .setModelVersion(task.getModelVersion()).setExampleCount(r.examples()).setLossSum(r.lossSum())
                .addAllPositiveHistogram(boxed(r.histogram().positive()))
                .addAllNegativeHistogram(boxed(r.histogram().negative()));
        for (String column : task.getEvaluation().getAuditColumnsList()) {
            Optional<AuditColumn> grouping = data.holdoutGroups().column(column);
            if (grouping.isEmpty()) {
                // The coordinator checked its columns against the schema both sides share; skip rather than guess.
                String msg = config.name() + ": round " + task.getRound() + ": cannot audit by column '" + column
                        + "' (not a categorical or boolean column here); no group histograms for it";
                log.warn(msg);
                listener.onMessage(msg);
                continue;
            }
            GroupHistograms.of(p, h.labels(), data.holdoutGroups().codes(column), grouping.get().groups(),
                    r.histogram().bins()).forEach((value, g) -> report.addGroupHistograms(GroupHistogram.newBuilder()
                    .setColumn(column).setValue(value).setExampleCount(g.positives() + g.negatives())
                    .addAllPositiveHistogram(boxed(g.positive()))
                    .addAllNegativeHistogram(boxed(g.negative()))));
        }
        withReconnect("evaluation", () -> blocking(30_000).submitEvaluation(report.build()));
        evaluations++;
        listener.onEvaluated(task.getRound(), task.getModelVersion(), r.auc(), r.examples());
    }

    private static java.util.List<Long> boxed(long[] counts) {
        return java.util.Arrays.stream(counts).boxed().toList();
    }

    /** Downloads a global model version (or reuses the cached one) and checks its layout and hash. */
    private ModelWeights download(String version, String expectedHash) throws InterruptedException {
        if (!expectedHash.isEmpty() && expectedHash.equals(cachedHash)) {
            return cachedModel;
        }
        ModelWeights w = withReconnect("download", () -> {
            Iterator<ModelChunk> it = blocking(120_000).downloadModel(DownloadModelRequest.newBuilder()
                    .setClientId(clientId).setSessionToken(token).setModelVersion(version)
                    .setChunkBytes(config.chunkBytes()).build());
            if (!it.hasNext()) {
                throw Status.DATA_LOSS.withDescription("empty model stream").asRuntimeException();
            }
            ModelChunk first = it.next();
            if (!first.hasHeader()) {
                throw Status.DATA_LOSS.withDescription("model stream did not start with a header").asRuntimeException();
            }
            ModelHeader header = first.getHeader();
            ModelLayout theirs = WireLayouts.fromProto(header.getLayout(), "model header layout");
            String diff = layout.describeDifference(theirs);
            if (!diff.isEmpty()) {
                throw new IllegalStateException("the coordinator's model does not fit this node's network: " + diff);
            }
            if (header.getTotalBytes() != layout.byteSize()) {
                throw Status.DATA_LOSS.withDescription("model header says " + header.getTotalBytes() + " bytes, layout needs "
                        + layout.byteSize()).asRuntimeException();
            }
            byte[] bytes = new byte[(int) header.getTotalBytes()];
            int off = 0;
            while (it.hasNext()) {
                ByteString chunk = it.next().getData();
                if (off + chunk.size() > bytes.length) {
                    throw Status.DATA_LOSS.withDescription("model stream longer than its header says").asRuntimeException();
                }
                chunk.copyTo(bytes, off);
                off += chunk.size();
            }
            if (off != bytes.length) {
                throw Status.DATA_LOSS.withDescription("model stream ended after " + off + " of " + bytes.length + " bytes")
                        .asRuntimeException();
            }
            String sha = ModelWeights.sha256Hex(bytes);
            if (!sha.equals(header.getModelHash()) || (!expectedHash.isEmpty() && !sha.equals(expectedHash))) {
                throw Status.DATA_LOSS.withDescription("model " + version + " hash " + sha + " does not match "
                        + expectedHash).asRuntimeException();
            }
            return ModelWeights.fromLittleEndianBytes(layout, bytes);
        });
        cachedModel = w;
        cachedHash = ModelWeights.sha256Hex(w.toLittleEndianBytes());
        return w;
    }

    private SubmitUpdateResponse upload(UpdateHeader header, ByteString payload) {
        CompletableFuture<SubmitUpdateResponse> done = new CompletableFuture<>();
        StreamObserver<UpdateChunk> out = FederationGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                .submitUpdate(new StreamObserver<>() {
                    @Override
                    public void onNext(SubmitUpdateResponse value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.completeExceptionally(new IllegalStateException("no response to upload"));
                    }
                });
        out.onNext(UpdateChunk.newBuilder().setHeader(header).build());
        for (ByteString chunk : Chunks.split(payload, config.chunkBytes())) {
            out.onNext(UpdateChunk.newBuilder().setData(chunk).build());
        }
        out.onCompleted();
        try {
            return done.get(130, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw new IllegalStateException("upload failed", e.getCause());
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("upload timed out").asRuntimeException();
        }
    }

    private FederationGrpc.FederationBlockingStub blocking(long deadlineMillis) {
        return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /** "io exception: Connection refused: /127.0.0.1:7070" rather than a bare status code. */
    private static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription() == null ? "no description" : e.getStatus().getDescription();
        return e.getCause() == null ? description : description + ": " + e.getCause().getMessage();
    }

    @FunctionalInterface
    private interface Call<T> {
        T call();
    }

    /**
     * Runs a call, retrying with jittered exponential backoff while the coordinator is unreachable, and joining again
     * when the coordinator no longer knows this node. Gives up after {@link ClientNodeConfig#giveUpAfter()}.
     */
    private <T> T withReconnect(String what, Call<T> call) throws InterruptedException {
        long start = System.nanoTime();
        long backoff = config.reconnectInitial().toMillis();
        while (true) {
            try {
                return call.call();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean transientError = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || code == Status.Code.RESOURCE_EXHAUSTED;
                if (code == Status.Code.UNAUTHENTICATED && !what.equals("join")) {
                    listener.onMessage(config.name() + ": coordinator no longer knows this node; joining again");
                    join();
                    throw Status.ABORTED.withDescription("rejoined; dropping the " + what + " in progress").asRuntimeException();
                }
                Optional<String> tls = TlsFailures.explain(e);
                if (tls.isPresent()) {
                    // A certificate or TLS-mode mismatch does not heal by waiting: stop now and say what to fix.
                    throw new IllegalStateException(config.name() + ": cannot connect to the coordinator ("
                            + what + "): " + tls.get(), e);
                }
                if (!transientError) {
                    throw e;
                }
                String reason = code + " (" + TlsFailures.hint(e).orElseGet(() -> describe(e)) + ")";
                if (System.nanoTime() - start > config.giveUpAfter().toNanos()) {
                    throw new IllegalStateException(config.name() + ": coordinator unreachable for "
                            + config.giveUpAfter().toSeconds() + " s during " + what + ": " + reason, e);
                }
                long sleep = backoff / 2 + (long) (backoffRng.nextDouble() * backoff / 2);
                log.info("{}: {} failed with {}; retrying in {} ms", config.name(), what, reason, sleep);
                listener.onMessage(config.name() + ": " + what + " failed with " + reason + "; retrying in " + sleep + " ms");
                Thread.sleep(sleep);
                backoff = Math.min(config.reconnectMax().toMillis(), backoff * 2);
            }
        }
    }
}
