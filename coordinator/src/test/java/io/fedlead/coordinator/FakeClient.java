package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.proto.v1.DeclineTaskRequest;
import io.fedlead.proto.v1.EvaluationReport;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.JoinRequest;
import io.fedlead.proto.v1.JoinResponse;
import io.fedlead.proto.v1.LocalMetrics;
import io.fedlead.proto.v1.PollTaskRequest;
import io.fedlead.proto.v1.PollTaskResponse;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.fedlead.wire.Chunks;
import io.fedlead.wire.WireLayouts;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A hand-driven client for tests of the coordinator's RPC edge: every request is made by hand, so tests can bend it. */
final class FakeClient {
    final ManagedChannel channel;
    final FederationGrpc.FederationBlockingStub stub;
    final JoinResponse session;

    private FakeClient(ManagedChannel channel, JoinResponse session) {
        this.channel = channel;
        this.stub = stub(channel);
        this.session = session;
    }

    static FederationGrpc.FederationBlockingStub stub(ManagedChannel channel) {
        return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static FakeClient join(ManagedChannel channel, String name, String schemaJson) {
        return new FakeClient(channel, stub(channel).join(
                JoinRequest.newBuilder().setClientName(name).setSchemaJson(schemaJson).build()));
    }

    /** Polls until a task arrives; fails the test if the run ends first. */
    Task nextTask() {
        for (int i = 0; i < 50; i++) {
            PollTaskResponse r = stub.pollTask(PollTaskRequest.newBuilder().setClientId(session.getClientId())
                    .setSessionToken(session.getSessionToken()).setMaxWaitMillis(2_000).build());
            if (r.hasTask()) {
                return r.getTask();
            }
            if (r.hasFinished()) {
                throw new AssertionError("run finished: " + r.getFinished().getReason());
            }
        }
        throw new AssertionError("no task");
    }

    /** Reports an evaluation of two holdout leads: one positive scored 0.9, one negative scored 0.1. */
    void evaluate(Task t) {
        EvaluationReport.Builder b = EvaluationReport.newBuilder().setClientId(session.getClientId())
                .setSessionToken(session.getSessionToken()).setRunId(t.getRunId()).setRound(t.getRound())
                .setModelVersion(t.getModelVersion()).setExampleCount(2).setLossSum(1.2);
        for (int i = 0; i < FederationRun.HISTOGRAM_BINS; i++) {
            b.addPositiveHistogram(i == 900 ? 1 : 0).addNegativeHistogram(i == 100 ? 1 : 0);
        }
        stub.submitEvaluation(b.build());
    }

    /** A valid header for an update to task {@code t} (100 examples, loss 0.4); the payload hash is added on upload. */
    UpdateHeader.Builder header(Task t, ModelLayout layout) {
        return UpdateHeader.newBuilder().setClientId(session.getClientId()).setSessionToken(session.getSessionToken())
                .setRunId(t.getRunId()).setRound(t.getRound()).setModelVersion(t.getModelVersion()).setExampleCount(100)
                .setLayout(WireLayouts.toProto(layout)).setTotalBytes(layout.byteSize())
                .setMetrics(LocalMetrics.newBuilder().setMeanLoss(0.4));
    }

    /** Uploads an update whose every coordinate is {@code value}. */
    SubmitUpdateResponse upload(UpdateHeader.Builder header, ModelLayout layout, float value) throws Exception {
        float[] v = new float[layout.parameterCount()];
        Arrays.fill(v, value);
        return upload(header, new ModelWeights(layout, v).toLittleEndianBytes());
    }

    /** Uploads header then payload in 4 KiB chunks; sets the header's payload hash unless the test set one. */
    SubmitUpdateResponse upload(UpdateHeader.Builder header, byte[] payload) throws Exception {
        if (header.getPayloadSha256().isEmpty()) {
            header.setPayloadSha256(ModelWeights.sha256Hex(payload));
        }
        CompletableFuture<SubmitUpdateResponse> done = new CompletableFuture<>();
        StreamObserver<UpdateChunk> out = startUpload(done);
        out.onNext(UpdateChunk.newBuilder().setHeader(header).build());
        for (ByteString c : Chunks.split(ByteString.copyFrom(payload), 4096)) {
            out.onNext(UpdateChunk.newBuilder().setData(c).build());
        }
        out.onCompleted();
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Opens an upload stream whose response completes {@code done}; the test drives the stream. */
    StreamObserver<UpdateChunk> startUpload(CompletableFuture<SubmitUpdateResponse> done) {
        return FederationGrpc.newStub(channel).submitUpdate(new StreamObserver<>() {
            @Override
            public void onNext(SubmitUpdateResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    boolean decline(Task t, String reason) {
        return stub.declineTask(DeclineTaskRequest.newBuilder().setClientId(session.getClientId())
                .setSessionToken(session.getSessionToken()).setRunId(t.getRunId()).setRound(t.getRound())
                .setReason(reason).build()).getRecorded();
    }
}
