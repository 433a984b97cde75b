package io.fedlead.client;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.ClipResult;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdateMath;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.UpdateChunk;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads what a client actually sends over TCP (a server interceptor copies every UpdateChunk) and shows that it is the
 * clipped delta plus Gaussian noise of std zC per coordinate, never the clean delta.
 */
class WireCaptureTest {
    static final double CLIP_NORM = 0.2;
    static final double NOISE_MULTIPLIER = 1.0;
    static final long TRAIN_SEED = 5;
    static final long NOISE_SEED = 6;

    /** Copies the payload bytes of every update that crosses the wire. */
    static final class UpdateCapture implements ServerInterceptor {
        final List<byte[]> payloads = new CopyOnWriteArrayList<>();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            ServerCall.Listener<Q> delegate = next.startCall(call, headers);
            if (!call.getMethodDescriptor().getFullMethodName().equals(FederationGrpc.getSubmitUpdateMethod().getFullMethodName())) {
                return delegate;
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                @Override
                public void onMessage(Q message) {
                    UpdateChunk chunk = (UpdateChunk) message;
                    if (chunk.getKindCase() == UpdateChunk.KindCase.DATA) {
                        ByteString data = chunk.getData();
                        buf.writeBytes(data.toByteArray());
                    }
                    super.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    payloads.add(buf.toByteArray());
                    super.onHalfClose();
                }
            };
        }
    }

    @Test
    void submitUpdate_overTcp_carriesClippedNoisedDeltaNotCleanDelta(@TempDir Path dir) throws Exception {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(3);
        FeatureSchema schema = gen.schema();
        ModelSpec spec = new ModelSpec("mlp", List.of(64, 32), "relu", 0, 0, "sgd", 17);
        FederationConfig config = FederationConfig.defaults().with("wire", 0, 1, 1, dir.toString()).withModel(spec)
                .withTraining(new FederationConfig.Training(1, 64, 0.1, CLIP_NORM, NOISE_MULTIPLIER, false, false));
        LocalData data = LocalData.of(gen.generate(0, 1200), schema, false, 0.2, NoiseSources.seededForSimulation(1));
        UpdateCapture capture = new UpdateCapture();
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config, RunListener.NONE, capture)) {
            fed.startNode(ClientNodeConfig.defaults("unit-a"), data,
                    new LocalTrainer(NoiseSources.seededForSimulation(TRAIN_SEED)),
                    new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(NOISE_SEED))),
                    ClientListener.NONE);
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        assertEquals(1, capture.payloads.size());
        float[] sent = floats(capture.payloads.get(0));

        // Replay the client's local step from the same initial model, data and training seed.
        MultiLayerNetwork net = NetworkFactory.build(spec, data.encoder().width());
        ModelWeights initial = NetworkWeights.get(net);
        new LocalTrainer(NoiseSources.seededForSimulation(TRAIN_SEED)).train(net, data.train().features(),
                data.train().rows(), data.train().width(), data.train().labels(), 1, 64, 0.1);
        float[] delta = UpdateMath.delta(NetworkWeights.get(net), initial);
        ClipResult clipped = UpdateMath.clip(delta, CLIP_NORM);
        int d = delta.length;
        assertEquals(d, sent.length);

        // Not the clean delta, nor the clipped one.
        assertTrue(UpdateMath.l2Norm(subtract(sent, delta)) > 0.5 * NOISE_MULTIPLIER * CLIP_NORM * Math.sqrt(d));
        // The residual after removing the clipped delta is N(0, (zC)^2) per coordinate.
        float[] noise = subtract(sent, clipped.clipped());
        double sigma = NOISE_MULTIPLIER * CLIP_NORM;
        double mean = 0;
        double sq = 0;
        for (float v : noise) {
            mean += v;
            sq += (double) v * v;
        }
        mean /= d;
        double std = Math.sqrt(sq / d - mean * mean);
        assertTrue(Math.abs(std / sigma - 1) < 0.05, "noise std " + std + " vs zC " + sigma + " over " + d);
        assertTrue(Math.abs(mean) < 4 * sigma / Math.sqrt(d), "noise mean " + mean);
        // The norm fits a clipped update plus that noise: E||sent||^2 = ||clip(delta)||^2 + d (zC)^2.
        double expected = Math.pow(UpdateMath.l2Norm(clipped.clipped()), 2) + d * sigma * sigma;
        double actual = Math.pow(UpdateMath.l2Norm(sent), 2);
        assertTrue(Math.abs(actual / expected - 1) < 0.1, "||sent||^2 " + actual + " vs expected " + expected);
        assertTrue(clipped.preClipNorm() > CLIP_NORM, "the test wants a delta that needed clipping: " + clipped.preClipNorm());
        // And exactly what the privatizer makes of the replayed delta with the node's noise seed.
        float[] expectedPayload = new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(NOISE_SEED)))
                .privatize(delta, CLIP_NORM, NOISE_MULTIPLIER).payload();
        assertArrayEquals(expectedPayload, sent);
    }

    static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static float[] subtract(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }
}
