package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.core.eval.ScoreHistogram;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.proto.v1.DeclineTaskRequest;
import io.fedlead.proto.v1.DeclineTaskResponse;
import io.fedlead.proto.v1.DownloadModelRequest;
import io.fedlead.proto.v1.EvaluationReport;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.JoinRequest;
import io.fedlead.proto.v1.JoinResponse;
import io.fedlead.proto.v1.ModelChunk;
import io.fedlead.proto.v1.ModelHeader;
import io.fedlead.proto.v1.PollTaskRequest;
import io.fedlead.proto.v1.PollTaskResponse;
import io.fedlead.proto.v1.SubmitEvaluationResponse;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.TaskType;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.fedlead.wire.Chunks;
import io.fedlead.wire.WireLayouts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The coordinator's RPCs. Validates everything a client sends and routes it to the running round; bad input is answered
 * with a status naming the field and value (INVALID_ARGUMENT, FAILED_PRECONDITION, UNAUTHENTICATED, PERMISSION_DENIED)
 * and never disturbs the round or the updates already accepted.
 *
 * <p>With mutual TLS ({@code tls.client-ca}), a client joins only under a name its certificate vouches for (read by
 * {@link ClientCertificateInterceptor}), and its session token is honoured only on connections whose certificate
 * vouches for the same name: a token that leaks cannot be used with another client's certificate.
 */
final class FederationService extends FederationGrpc.FederationImplBase {
    private static final Logger log = LoggerFactory.getLogger(FederationService.class);
    /** Largest example count a client may claim; guards the FedAvg weights against absurd values. */
    static final long MAX_EXAMPLE_COUNT = 1_000_000_000_000L;

    private final FederationRun run;
    private final ClientRegistry registry;
    private final TaskBoard board;
    private final FeatureSchema schema;
    private final ModelSpec modelSpec;
    private final ModelLayout layout;
    private final LongSupplier nanoTime;

    private final java.util.concurrent.ScheduledExecutorService timer;
    private final long uploadIdleNanos;
    private final boolean clientCertificatesRequired;

    /**
     * @param timer           runs the idle checks of uploads
     * @param uploadIdleNanos an upload that sends nothing for this long is dropped, so a stalled client cannot keep
     *                        an upload slot (and with it other clients' updates) until the round deadline
     * @param clientCertificatesRequired mutual TLS: every call must carry a client certificate identity (see
     *                        {@link ClientCertificateInterceptor}); a call without one is refused even if the transport
     *                        let it through, so a mis-wired server fails closed
     */
    FederationService(FederationRun run, ClientRegistry registry, TaskBoard board, FeatureSchema schema,
                      ModelSpec modelSpec, ModelLayout layout, LongSupplier nanoTime,
                      java.util.concurrent.ScheduledExecutorService timer, long uploadIdleNanos,
                      boolean clientCertificatesRequired) {
        this.clientCertificatesRequired = clientCertificatesRequired;
        this.timer = timer;
        this.uploadIdleNanos = uploadIdleNanos;
        this.run = run;
        this.registry = registry;
        this.board = board;
        this.schema = schema;
        this.modelSpec = modelSpec;
        this.layout = layout;
        this.nanoTime = nanoTime;
    }

    @Override
    public void join(JoinRequest request, StreamObserver<JoinResponse> responseObserver) {
        unary(responseObserver, () -> {
            String name = request.getClientName();
            if (name.isBlank() || name.length() > 128 || !name.matches("[A-Za-z0-9._:@-]+")) {
                throw Status.INVALID_ARGUMENT.withDescription("client_name '" + name
                        + "' must be 1-128 characters of letters, digits and . _ : @ -").asRuntimeException();
            }
            Optional<ClientIdentity> certificate = peerIdentity();
            if (certificate.isPresent() && !certificate.get().vouchesFor(name)) {
                throw Status.PERMISSION_DENIED.withDescription("client_name '" + name + "' is not a name of this "
                        + "connection's client certificate " + certificate.get().subject() + ", which vouches for "
                        + certificate.get().names() + " (its CN and DNS names): join as one of those, or use the certificate "
                        + "issued to '" + name + "'").asRuntimeException();
            }
            FeatureSchema theirs;
            try {
                theirs = FeatureSchema.parse(request.getSchemaJson(), "schema_json of client '" + name + "'");
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription("schema_json: " + e.getMessage()).asRuntimeException();
            }
            String schemaDiff = schema.describeDifference(theirs);
            if (!schemaDiff.isEmpty()) {
                throw Status.FAILED_PRECONDITION.withDescription("client '" + name
                        + "' has a feature schema that differs from the coordinator's: " + schemaDiff).asRuntimeException();
            }
            if (!request.getModelSpecJson().isBlank()) {
                ModelSpec spec;
                try {
                    spec = YamlConfig.parse(request.getModelSpecJson(), "model_spec_json of client '" + name + "'",
                            ModelSpec.class);
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("model_spec_json: " + e.getMessage()).asRuntimeException();
                }
                if (!spec.equals(modelSpec)) {
                    throw Status.FAILED_PRECONDITION.withDescription("client '" + name
                            + "' expects another model than the coordinator trains: " + describe(modelSpec, spec))
                            .asRuntimeException();
                }
            }
            // A client that declares its own model spec also sends the layout it built; one that takes the
            // coordinator's spec sends none and checks the layout of the first model it downloads instead.
            if (request.getLayout().getTensorsCount() > 0) {
                ModelLayout theirLayout;
                try {
                    theirLayout = WireLayouts.fromProto(request.getLayout(), "layout");
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
                }
                String layoutDiff = layout.describeDifference(theirLayout);
                if (!layoutDiff.isEmpty()) {
                    throw Status.FAILED_PRECONDITION.withDescription("client '" + name
                            + "' built a network whose layout differs from the coordinator's: " + layoutDiff)
                            .asRuntimeException();
                }
            }
            ClientSession session = registry.join(name);
            log.info("client {} joined as {}{}", name, session.clientId(),
                    certificate.map(c -> " with " + c).orElse(""));
            return JoinResponse.newBuilder()
                    .setClientId(session.clientId())
                    .setSessionToken(session.token())
                    .setRunId(run.runId())
                    .setModelSpecJson(YamlConfig.toJson(modelSpec))
                    .build();
        });
    }

    @Override
    public void pollTask(PollTaskRequest request, StreamObserver<PollTaskResponse> responseObserver) {
        try {
            ClientSession session = authenticate(request.getClientId(), request.getSessionToken());
            if (request.getMaxWaitMillis() < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("max_wait_millis is " + request.getMaxWaitMillis()
                        + ", must be >= 0").asRuntimeException();
            }
            if (responseObserver instanceof ServerCallStreamObserver<PollTaskResponse> call) {
                call.setOnCancelHandler(() -> board.cancelled(session.clientId(), responseObserver));
            }
            board.poll(session.clientId(), request.getMaxWaitMillis(), responseObserver);
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
        } catch (RuntimeException e) {
            responseObserver.onError(internal(e));
        }
    }

    @Override
    public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> responseObserver) {
        GlobalModel model;
        try {
            authenticate(request.getClientId(), request.getSessionToken());
            model = run.model(request.getModelVersion()).orElseThrow(() -> Status.NOT_FOUND.withDescription(
                    "model_version '" + request.getModelVersion() + "' is not available; current is "
                            + run.global().version()).asRuntimeException());
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        }
        List<ByteString> chunks = Chunks.split(model.bytes(), request.getChunkBytes());
        ModelChunk header = ModelChunk.newBuilder().setHeader(ModelHeader.newBuilder()
                .setModelVersion(model.version())
                .setModelHash(model.sha256())
                .setLayout(WireLayouts.toProto(model.weights().layout()))
                .setTotalBytes(model.bytes().size())).build();
        sendWithFlowControl(responseObserver, header, chunks.iterator());
    }

    /** Streams chunks only as fast as the client reads them, so many slow downloads do not pile up in memory. */
    private static void sendWithFlowControl(StreamObserver<ModelChunk> observer, ModelChunk header,
                                            Iterator<ByteString> chunks) {
        if (!(observer instanceof ServerCallStreamObserver<ModelChunk> call)) {
            observer.onNext(header);
            chunks.forEachRemaining(c -> observer.onNext(ModelChunk.newBuilder().setData(c).build()));
            observer.onCompleted();
            return;
        }
        Runnable drain = new Runnable() {
            private boolean headerSent;
            private boolean completed;

            @Override
            public synchronized void run() {
                if (completed || call.isCancelled()) {
                    return;
                }
                while (call.isReady()) {
                    if (!headerSent) {
                        call.onNext(header);
                        headerSent = true;
                    } else if (chunks.hasNext()) {
                        call.onNext(ModelChunk.newBuilder().setData(chunks.next()).build());
                    } else {
                        completed = true;
                        call.onCompleted();
                        return;
                    }
                }
            }
        };
        call.setOnReadyHandler(drain);
        call.setOnCancelHandler(() -> { });
        drain.run();
    }

    @Override
    public StreamObserver<UpdateChunk> submitUpdate(StreamObserver<SubmitUpdateResponse> responseObserver) {
        return new UpdateUpload(responseObserver);
    }

    /** One client's upload: header first, then payload chunks streamed straight into the round's aggregator. */
    private final class UpdateUpload implements StreamObserver<UpdateChunk> {
        private final StreamObserver<SubmitUpdateResponse> response;
        private final MessageDigest digest = sha256();
        private UpdateHeader header;
        private ClientSession session;
        private RoundState round;
        private UpdateReceiver receiver;
        private long received;
        private boolean failed;

        UpdateUpload(StreamObserver<SubmitUpdateResponse> response) {
            this.response = response;
        }

        private volatile long lastActivityNanos = nanoTime.getAsLong();

        /** Drops the upload if it has been silent for the idle timeout; otherwise checks again when it could be. */
        private synchronized void checkIdle() {
            if (failed || receiver == null) {
                return;
            }
            long idle = nanoTime.getAsLong() - lastActivityNanos;
            if (idle >= uploadIdleNanos) {
                fail(Status.DEADLINE_EXCEEDED.withDescription("upload sent nothing for "
                        + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(idle) + " ms after " + received
                        + " payload bytes; dropped to free its slot (aggregation.upload-idle-timeout-seconds)")
                        .asRuntimeException());
                return;
            }
            scheduleIdleCheck(uploadIdleNanos - idle);
        }

        private void scheduleIdleCheck(long delayNanos) {
            try {
                timer.schedule(this::checkIdle, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The coordinator is shutting down; the call ends with it.
            }
        }

        @Override
        public synchronized void onNext(UpdateChunk chunk) {
            lastActivityNanos = nanoTime.getAsLong();
            if (failed) {
                return;
            }
            try {
                if (header == null) {
                    if (!chunk.hasHeader()) {
                        throw Status.INVALID_ARGUMENT.withDescription("the first UpdateChunk must carry the header")
                                .asRuntimeException();
                    }
                    start(chunk.getHeader());
                } else {
                    if (chunk.hasHeader()) {
                        throw Status.INVALID_ARGUMENT.withDescription("a second header arrived after "
                                + received + " payload bytes").asRuntimeException();
                    }
                    ByteString data = chunk.getData();
                    if (received + data.size() > header.getTotalBytes()) {
                        throw Status.INVALID_ARGUMENT.withDescription("payload exceeds header.total_bytes="
                                + header.getTotalBytes() + " (got at least " + (received + data.size()) + ")")
                                .asRuntimeException();
                    }
                    // Views of the message's own array (UpdateChunkMarshaller gives each message a fresh one), not
                    // copies: the aggregator keeps them until the upload finishes and reads vectors from the array.
                    for (java.nio.ByteBuffer b : io.fedlead.wire.Chunks.arrayBuffers(data)) {
                        digest.update(b.duplicate());
                        receiver.accept(b);
                    }
                    received += data.size();
                }
            } catch (StatusRuntimeException e) {
                fail(e);
            } catch (IllegalArgumentException e) {
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            } catch (RuntimeException e) {
                log.error("unexpected error handling an update chunk", e);
                fail(Status.INTERNAL.withDescription("coordinator error: " + e).asRuntimeException());
            }
        }

        private void start(UpdateHeader h) {
            session = authenticate(h.getClientId(), h.getSessionToken());
            header = h;
            if (!h.getRunId().equals(run.runId())) {
                throw Status.FAILED_PRECONDITION.withDescription("header.run_id '" + h.getRunId()
                        + "' is not the current run '" + run.runId() + "'").asRuntimeException();
            }
            RoundState r = run.current();
            if (r == null || r.type != TaskType.TASK_TYPE_TRAIN || r.round != h.getRound()) {
                throw Status.FAILED_PRECONDITION.withDescription("header.round " + h.getRound()
                        + " is not open for training" + (r == null ? "" : "; current is round " + r.round + " ("
                        + (r.type == TaskType.TASK_TYPE_TRAIN ? "training" : "evaluation") + ")")).asRuntimeException();
            }
            if (!h.getModelVersion().equals(r.model.version())) {
                throw Status.FAILED_PRECONDITION.withDescription("header.model_version '" + h.getModelVersion()
                        + "' is stale; round " + r.round + " trains from '" + r.model.version() + "'").asRuntimeException();
            }
            ModelLayout theirs;
            try {
                theirs = WireLayouts.fromProto(h.getLayout(), "header.layout");
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            String diff = layout.describeDifference(theirs);
            if (!diff.isEmpty()) {
                throw Status.INVALID_ARGUMENT.withDescription("header.layout differs from the model's: " + diff)
                        .asRuntimeException();
            }
            if (h.getTotalBytes() != layout.byteSize()) {
                throw Status.INVALID_ARGUMENT.withDescription("header.total_bytes is " + h.getTotalBytes()
                        + ", the model needs " + layout.byteSize()).asRuntimeException();
            }
            if (!h.getPayloadSha256().matches("[0-9a-fA-F]{64}")) {
                throw Status.INVALID_ARGUMENT.withDescription("header.payload_sha256 '" + h.getPayloadSha256()
                        + "' is not a SHA-256 in hex").asRuntimeException();
            }
            if (h.getExampleCount() <= 0 || h.getExampleCount() > MAX_EXAMPLE_COUNT) {
                throw Status.INVALID_ARGUMENT.withDescription("header.example_count is " + h.getExampleCount()
                        + ", must be in [1, " + MAX_EXAMPLE_COUNT + "]").asRuntimeException();
            }
            double loss = h.getMetrics().getMeanLoss();
            if (!Double.isFinite(loss) || loss < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("header.metrics.mean_loss is " + loss
                        + ", must be finite and >= 0").asRuntimeException();
            }
            if (!Double.isFinite(h.getNoisedUnclippedBit())) {
                throw Status.INVALID_ARGUMENT.withDescription("header.noised_unclipped_bit is "
                        + h.getNoisedUnclippedBit()).asRuntimeException();
            }
            Optional<String> refused = r.admitUpload(session.clientId());
            if (refused.isPresent()) {
                throw Status.FAILED_PRECONDITION.withDescription(refused.get()).asRuntimeException();
            }
            round = r;
            try {
                receiver = r.aggregator().begin(session.clientId(), h.getExampleCount());
            } catch (IllegalStateException e) {
                // All upload slots are busy: not the client's fault; it retries with backoff.
                r.release(session.clientId());
                round = null;
                throw Status.RESOURCE_EXHAUSTED.withDescription("could not start upload: " + e.getMessage())
                        .asRuntimeException();
            }
            scheduleIdleCheck(uploadIdleNanos);
        }

        @Override
        public synchronized void onError(Throwable t) {
            if (failed) {
                return;
            }
            failed = true;
            // The client (or its connection) gave up: nothing wrong with its update, so it may upload again.
            cleanUp("upload broke off: " + Status.fromThrowable(t).getCode(), false);
        }

        @Override
        public synchronized void onCompleted() {
            if (failed) {
                return;
            }
            try {
                if (header == null) {
                    throw Status.INVALID_ARGUMENT.withDescription("empty upload: no header").asRuntimeException();
                }
                if (received != header.getTotalBytes()) {
                    throw Status.INVALID_ARGUMENT.withDescription("payload has " + received
                            + " bytes, header.total_bytes is " + header.getTotalBytes()).asRuntimeException();
                }
                String sha = HexFormat.of().formatHex(digest.digest());
                if (!header.getPayloadSha256().equalsIgnoreCase(sha)) {
                    throw Status.INVALID_ARGUMENT.withDescription("payload SHA-256 " + sha
                            + " does not match header.payload_sha256 " + header.getPayloadSha256()).asRuntimeException();
                }
                RoundState.UpdateInfo info = new RoundState.UpdateInfo(header.getExampleCount(),
                        header.getMetrics().getMeanLoss(), header.getMetrics().getTrainSeconds(),
                        header.getNoisedUnclippedBit(), header.getPreClipNorm(), sha);
                try {
                    round.completeUpdate(session.clientId(), receiver, info);
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("update rejected: " + e.getMessage()).asRuntimeException();
                } catch (IllegalStateException e) {
                    throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
                }
                receiver = null;
                response.onNext(SubmitUpdateResponse.newBuilder().setAccepted(true)
                        .setMessage("accepted for round " + round.round).setReceivedSha256(sha).build());
                response.onCompleted();
            } catch (StatusRuntimeException e) {
                fail(e);
            } catch (RuntimeException e) {
                log.error("unexpected error completing an update", e);
                fail(Status.INTERNAL.withDescription("coordinator error: " + e).asRuntimeException());
            }
        }

        private void fail(StatusRuntimeException e) {
            failed = true;
            String reason = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
            log.warn("update from {} rejected: {}", session == null ? "unauthenticated client" : session, reason);
            // Only a bad update counts as the client's answer for the round; anything else lets it try again.
            cleanUp(reason, e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT);
            response.onError(e);
        }

        private void cleanUp(String reason, boolean countsAsAnswer) {
            if (receiver != null) {
                receiver.abort();
                receiver = null;
            }
            if (round != null && session != null) {
                if (countsAsAnswer) {
                    round.fail(session.clientId(), reason);
                } else {
                    round.release(session.clientId());
                }
            }
        }
    }

    @Override
    public void submitEvaluation(EvaluationReport request, StreamObserver<SubmitEvaluationResponse> responseObserver) {
        unary(responseObserver, () -> {
            ClientSession session = authenticate(request.getClientId(), request.getSessionToken());
            RoundState r = run.current();
            if (!request.getRunId().equals(run.runId())) {
                throw Status.FAILED_PRECONDITION.withDescription("run_id '" + request.getRunId()
                        + "' is not the current run '" + run.runId() + "'").asRuntimeException();
            }
            if (r == null || r.type != TaskType.TASK_TYPE_EVALUATE || r.round != request.getRound()
                    || !r.model.version().equals(request.getModelVersion())) {
                throw Status.FAILED_PRECONDITION.withDescription("no evaluation of round " + request.getRound()
                        + " / model_version '" + request.getModelVersion() + "' is open").asRuntimeException();
            }
            int bins = FederationRun.HISTOGRAM_BINS;
            if (request.getPositiveHistogramCount() != bins || request.getNegativeHistogramCount() != bins) {
                throw Status.INVALID_ARGUMENT.withDescription("histograms must have " + bins + " bins, got "
                        + request.getPositiveHistogramCount() + " positive and "
                        + request.getNegativeHistogramCount() + " negative").asRuntimeException();
            }
            long[] pos = new long[bins];
            long[] neg = new long[bins];
            long total = 0;
            for (int i = 0; i < bins; i++) {
                pos[i] = request.getPositiveHistogram(i);
                neg[i] = request.getNegativeHistogram(i);
                if (pos[i] < 0 || neg[i] < 0 || pos[i] > MAX_EXAMPLE_COUNT || neg[i] > MAX_EXAMPLE_COUNT) {
                    throw Status.INVALID_ARGUMENT.withDescription("histogram bin " + i + " holds " + pos[i]
                            + " positive and " + neg[i] + " negative; each must be in [0, " + MAX_EXAMPLE_COUNT + "]")
                            .asRuntimeException();
                }
                total += pos[i] + neg[i]; // at most 2000 bins of <= 1e12 each: cannot overflow
            }
            if (total != request.getExampleCount()) {
                throw Status.INVALID_ARGUMENT.withDescription("example_count is " + request.getExampleCount()
                        + " but the histograms hold " + total).asRuntimeException();
            }
            if (!Double.isFinite(request.getLossSum()) || request.getLossSum() < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("loss_sum is " + request.getLossSum()
                        + ", must be finite and >= 0").asRuntimeException();
            }
            ScoreHistogram pooled = new ScoreHistogram(pos, neg);
            java.util.Map<String, java.util.Map<String, ScoreHistogram>> groups;
            try {
                groups = GroupReports.parse(request.getGroupHistogramsList(), run.auditPlan(), pooled, MAX_EXAMPLE_COUNT);
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            Optional<String> refused = r.addEvaluation(session.clientId(), pooled, request.getExampleCount(),
                    request.getLossSum(), groups);
            if (refused.isPresent()) {
                throw Status.FAILED_PRECONDITION.withDescription(refused.get()).asRuntimeException();
            }
            return SubmitEvaluationResponse.newBuilder().setAccepted(true).build();
        });
    }

    @Override
    public void declineTask(DeclineTaskRequest request, StreamObserver<DeclineTaskResponse> responseObserver) {
        unary(responseObserver, () -> {
            ClientSession session = authenticate(request.getClientId(), request.getSessionToken());
            RoundState r = run.current();
            if (request.getReason().isBlank()) {
                throw Status.INVALID_ARGUMENT.withDescription("reason must not be empty").asRuntimeException();
            }
            boolean recorded = r != null && r.round == request.getRound() && request.getRunId().equals(run.runId())
                    && r.decline(session.clientId(), request.getReason());
            if (recorded) {
                log.info("client {} declined round {}: {}", session, request.getRound(), request.getReason());
            }
            return DeclineTaskResponse.newBuilder().setRecorded(recorded).build();
        });
    }

    /** Names the model spec fields that differ, e.g. "hidden-sizes: coordinator [32, 16], client [64]". */
    static String describe(ModelSpec ours, ModelSpec theirs) {
        java.util.List<String> diffs = new java.util.ArrayList<>();
        for (java.lang.reflect.RecordComponent c : ModelSpec.class.getRecordComponents()) {
            try {
                Object a = c.getAccessor().invoke(ours);
                Object b = c.getAccessor().invoke(theirs);
                if (!java.util.Objects.equals(a, b)) {
                    String key = c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
                    diffs.add(key + ": coordinator " + a + ", client " + b);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join("; ", diffs);
    }

    /** A unary handler's body: returns the response, or throws a status naming what was wrong. */
    @FunctionalInterface
    private interface Unary<T> {
        T handle();
    }

    /** Runs a unary handler: its response, its status, or INTERNAL for anything unexpected. */
    private static <T> void unary(StreamObserver<T> responseObserver, Unary<T> handler) {
        T response;
        try {
            response = handler.handle();
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        } catch (RuntimeException e) {
            responseObserver.onError(internal(e));
            return;
        }
        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }

    /** Any other failure is a coordinator bug: logged, and answered with INTERNAL rather than an anonymous UNKNOWN. */
    private static StatusRuntimeException internal(RuntimeException e) {
        log.error("unexpected error in an RPC handler", e);
        return Status.INTERNAL.withDescription("coordinator error: " + e).asRuntimeException();
    }

    private ClientSession authenticate(String clientId, String token) {
        ClientSession s = registry.find(clientId).orElseThrow(() -> Status.UNAUTHENTICATED
                .withDescription("client_id '" + clientId + "' has not joined this run; join again").asRuntimeException());
        if (!s.tokenMatches(token)) {
            throw Status.UNAUTHENTICATED.withDescription("session_token does not match client_id '" + clientId
                    + "'; join again").asRuntimeException();
        }
        Optional<ClientIdentity> certificate = peerIdentity();
        if (certificate.isPresent() && !certificate.get().vouchesFor(s.name())) {
            // Bound to the name, not to one certificate, so a client whose certificate is renewed mid-run goes on.
            throw Status.PERMISSION_DENIED.withDescription("client_id '" + clientId + "' belongs to client '" + s.name()
                    + "', but this connection's client certificate " + certificate.get().subject() + " vouches for "
                    + certificate.get().names()).asRuntimeException();
        }
        s.touch(nanoTime.getAsLong());
        return s;
    }

    /**
     * The identity of the call's client certificate; empty without mutual TLS. When certificates are required and the
     * call has none (a server built without TLS by mistake), the call is refused rather than let through.
     */
    private Optional<ClientIdentity> peerIdentity() {
        ClientIdentity identity = ClientCertificateInterceptor.IDENTITY.get();
        if (identity == null && clientCertificatesRequired) {
            throw Status.UNAUTHENTICATED.withDescription("this coordinator requires a client certificate (mutual TLS, "
                    + "tls.client-ca) and this connection presented none").asRuntimeException();
        }
        return Optional.ofNullable(identity);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
