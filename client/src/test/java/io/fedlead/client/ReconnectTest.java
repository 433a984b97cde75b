package io.fedlead.client;

import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node whose coordinator is not reachable yet retries with backoff and takes part once the coordinator is up. */
class ReconnectTest {
    @Test
    void run_coordinatorStartsAfterNode_nodeRetriesThenCompletesTheRun(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(4);
        LocalData data = LocalData.of(gen.generate(2, 600), gen.schema(), false, 0.2, NoiseSources.seededForSimulation(1));
        CountDownLatch retried = new CountDownLatch(2);
        ClientListener listener = new ClientListener() {
            @Override
            public void onMessage(String message) {
                if (message.contains("join failed with UNAVAILABLE")) {
                    retried.countDown();
                }
            }
        };
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CoordinatorServer coordinator = null;
        try {
            ClientNode node = new ClientNode(channel, ClientNodeConfig.defaults("unit-c"), data, Optional.empty(),
                    new LocalTrainer(NoiseSources.seededForSimulation(2)),
                    new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(3))),
                    NoiseSources.seededForSimulation(4), listener);
            Future<ClientOutcome> outcome = pool.submit(node::run);
            assertTrue(retried.await(30, TimeUnit.SECONDS), "node retried twice while nothing listened");

            // Stated privacy: C = 1, z = 0.5.
            FederationConfig config = FederationConfig.defaults().with("late", port, 2, 1, dir.toString())
                    .withTraining(new FederationConfig.Training(1, 64, 0.1, 1.0, 0.5, false, false));
            coordinator = CoordinatorServer.create(config,
                    NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)), RunListener.NONE).start();
            RunResult result = coordinator.run().awaitResult();
            assertEquals("completed", result.status(), result.reason());
            assertEquals(2, outcome.get(60, TimeUnit.SECONDS).rounds());
        } finally {
            if (coordinator != null) {
                coordinator.stop();
            }
            pool.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
