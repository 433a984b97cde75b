package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.proto.v1.SubmitUpdateResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.UpdateChunk;
import io.fedlead.proto.v1.UpdateHeader;
import io.fedlead.wire.Chunks;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's whole ingest over real gRPC on loopback TCP (Netty both sides, 1 MiB UpdateChunk messages,
 * UpdateChunkMarshaller, SHA-256 of each payload, the streaming aggregator), with the clients' sending on the same
 * 2-core machine. Prints GB/s of update payload per round. Opt-in, never fails on time:
 * {@code mvn -B test -pl coordinator -am -Dtest=CoordinatorIngestBenchmark -Dfedlead.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (optionally -Dfedlead.bench.clients=8 -Dfedlead.bench.rounds=6).
 */
class CoordinatorIngestBenchmark {
    @Test
    @EnabledIfSystemProperty(named = "fedlead.bench", matches = "true")
    void ingest_overLoopbackTcp_printsGbPerSecond(@TempDir Path dir) throws Exception {
        int clients = Integer.getInteger("fedlead.bench.clients", 8);
        int rounds = Integer.getInteger("fedlead.bench.rounds", 6);
        // Synthetic schema (~40 encoded features) into 1024 and 960 hidden units: about 1M parameters, 4 MB a model.
        FederationConfig config = new FederationConfig("ingest", null, 0, null,
                ModelSpec.mlp(List.of(1024, 960)), rounds, clients, 1.0, clients, 600.0, 60.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false),
                new FederationConfig.Aggregation("examples", null, clients), null, dir.toString(), 5L);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        Integer window = Integer.getInteger("fedlead.bench.window");
        if (window != null) {
            builder.flowControlWindow(window);
        }
        CoordinatorServer server = CoordinatorServer.create(config, builder, RunListener.NONE).start();
        List<ManagedChannel> channels = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<FakeClient> fakes = new ArrayList<>();
            String schema = new io.fedlead.core.features.SyntheticLeadGenerator(1).schema().toCanonicalJson();
            for (int i = 0; i < clients; i++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                        .maxInboundMessageSize(16 << 20).build();
                channels.add(channel);
                fakes.add(FakeClient.join(channel, "unit-" + i, schema));
            }
            for (FakeClient c : fakes) {
                c.evaluate(c.nextTask());
            }
            ModelLayout layout = server.run().global().weights().layout();
            long payloadBytes = layout.byteSize();
            // One small random update per client, serialized once: a clipped + noised update's scale.
            List<ByteString> payloads = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(7);
            for (int i = 0; i < clients; i++) {
                float[] v = new float[layout.parameterCount()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (rng.nextGaussian() * 1e-3);
                }
                byte[] bytes = new ModelWeights(layout, v).toLittleEndianBytes();
                payloads.add(ByteString.copyFrom(bytes));
                hashes.add(ModelWeights.sha256Hex(bytes));
            }
            System.out.printf(Locale.ROOT, "%d clients x %d parameters (%.1f MB each) over loopback TCP, %s, %d cpus, "
                            + "aggregation kernel %s%n", clients, layout.parameterCount(), payloadBytes / 1e6,
                    System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                    StreamingAggregator.defaultKernel());
            for (int round = 1; round <= rounds; round++) {
                List<Task> tasks = new ArrayList<>();
                for (FakeClient c : fakes) {
                    tasks.add(c.nextTask());
                }
                long start = System.nanoTime();
                List<Future<SubmitUpdateResponse>> uploads = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    FakeClient c = fakes.get(i);
                    Task t = tasks.get(i);
                    ByteString payload = payloads.get(i);
                    UpdateHeader.Builder header = c.header(t, layout).setPayloadSha256(hashes.get(i));
                    uploads.add(pool.submit(() -> upload(c, header, payload)));
                }
                for (Future<SubmitUpdateResponse> f : uploads) {
                    if (!f.get(120, TimeUnit.SECONDS).getAccepted()) {
                        throw new AssertionError("update not accepted");
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "round %d: %d updates, %.1f MB in %.3f s = %.2f GB/s, load %.2f%n",
                        round, clients, clients * payloadBytes / 1e6, seconds, clients * payloadBytes / seconds / 1e9,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                for (FakeClient c : fakes) {
                    c.evaluate(c.nextTask());
                }
            }
        } finally {
            pool.shutdownNow();
            for (ManagedChannel c : channels) {
                c.shutdownNow();
            }
            server.stop();
        }
    }

    /**
     * Header (with the payload hash computed beforehand, so the client's own hashing is not timed), then the payload
     * in 1 MiB data messages (the client's default chunk), as ClientNode sends it.
     */
    private static SubmitUpdateResponse upload(FakeClient c, UpdateHeader.Builder header, ByteString payload)
            throws Exception {
        CompletableFuture<SubmitUpdateResponse> done = new CompletableFuture<>();
        StreamObserver<UpdateChunk> out = c.startUpload(done);
        out.onNext(UpdateChunk.newBuilder().setHeader(header).build());
        for (ByteString chunk : Chunks.split(payload, Chunks.DEFAULT_CHUNK_BYTES)) {
            out.onNext(UpdateChunk.newBuilder().setData(chunk).build());
        }
        out.onCompleted();
        return done.get(120, TimeUnit.SECONDS);
    }
}
