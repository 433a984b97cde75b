package io.fedlead.sim;

import io.fedlead.client.ClientListener;
import io.fedlead.client.ClientNode;
import io.fedlead.client.ClientNodeConfig;
import io.fedlead.client.ClientOutcome;
import io.fedlead.client.ClientPrivacy;
import io.fedlead.client.UpdateLedger;
import io.fedlead.client.LocalData;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs client nodes on threads of this process, each with its own real gRPC channel over loopback TCP, so a whole
 * federation fits in one JVM without bypassing the network stack.
 */
public final class VirtualClients implements AutoCloseable {
    private final ExecutorService pool;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Future<ClientOutcome>> running = new ArrayList<>();

    public VirtualClients(int count) {
        this.pool = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "fedlead-virtual-client");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts one node.
     *
     * @param seed 0 = noise and training randomness from SecureRandom; otherwise a reproducible simulation
     */
    public void start(String host, int port, ClientNodeConfig config, LocalData data, long seed, ClientListener listener) {
        start(host, port, config, data, seed, listener, java.util.Optional.empty());
    }

    /**
     * Starts one node that records every update it sends in a ledger (with the kind of noise it drew: SecureRandom
     * seeded, or a fixed simulation seed).
     */
    public void start(String host, int port, ClientNodeConfig config, LocalData data, long seed, ClientListener listener,
                      java.util.Optional<java.nio.file.Path> ledger) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        channels.add(channel);
        RandomGenerator trainRng = seed == 0 ? NoiseSources.secure() : NoiseSources.seededForSimulation(seed);
        RandomGenerator noiseRng = seed == 0 ? NoiseSources.secure() : NoiseSources.seededForSimulation(seed * 31 + 7);
        String noise = seed == 0 ? NoiseSources.SECURE_DESCRIPTION : NoiseSources.simulationDescription(seed * 31 + 7);
        ClientPrivacy privacy = new ClientPrivacy(ledger.map(UpdateLedger::open), java.util.OptionalDouble.empty(),
                ClientPrivacy.DEFAULT_DELTA, noise, java.time.Clock.systemUTC());
        ClientNode node = new ClientNode(channel, config, data, Optional.empty(), new LocalTrainer(trainRng),
                new UpdatePrivatizer(new GaussianMechanism(noiseRng)), NoiseSources.secure(), listener, privacy);
        running.add(pool.submit(node::run));
    }

    /** Waits for every node to finish; rethrows the first failure. */
    public List<ClientOutcome> await(long timeout, TimeUnit unit) throws Exception {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<ClientOutcome> out = new ArrayList<>();
        for (Future<ClientOutcome> f : running) {
            out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
