package io.fedlead.client;

import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.ServerSecurity;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Test harness: a real coordinator on 127.0.0.1 TCP and client nodes on threads, each with its own Netty channel
 * (plaintext, or TLS with {@link #withConfiguredTls} and {@link ClientSecurity}).
 */
final class LoopbackFederation implements AutoCloseable {
    final CoordinatorServer coordinator;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<ManagedChannel> channels = new ArrayList<>();
    final List<Future<ClientOutcome>> nodes = new ArrayList<>();

    LoopbackFederation(FederationConfig config, RunListener listener, ServerInterceptor... interceptors) throws Exception {
        this(config, listener, NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), interceptors);
    }

    /** A coordinator on 127.0.0.1 with the config's TLS settings (its {@code tls} keys, read by ServerSecurity). */
    static LoopbackFederation withConfiguredTls(FederationConfig config, RunListener listener,
                                                ServerInterceptor... interceptors) throws Exception {
        return new LoopbackFederation(config, listener, NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0), ServerSecurity.of(config.tls()).credentials()), interceptors);
    }

    private LoopbackFederation(FederationConfig config, RunListener listener, NettyServerBuilder builder,
                               ServerInterceptor... interceptors) throws Exception {
        for (ServerInterceptor i : interceptors) {
            builder.intercept(i);
        }
        coordinator = CoordinatorServer.create(config, builder, listener).start();
    }

    /** Starts a node whose training and noise randomness come from fixed seeds (reproducible in tests). */
    void startNode(String name, LocalData data, long seed, ClientListener listener) {
        startNode(ClientNodeConfig.defaults(name), data, new LocalTrainer(NoiseSources.seededForSimulation(seed)),
                new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(seed + 1))), listener);
    }

    void startNode(ClientNodeConfig config, LocalData data, LocalTrainer trainer, UpdatePrivatizer privatizer,
                   ClientListener listener) {
        startNode(config, data, trainer, privatizer, listener, ClientPrivacy.unrecorded("test"));
    }

    void startNode(ClientNodeConfig config, LocalData data, LocalTrainer trainer, UpdatePrivatizer privatizer,
                   ClientListener listener, ClientPrivacy privacy) {
        startNode(config, data, trainer, privatizer, listener, privacy, ClientSecurity.plaintext());
    }

    /** Starts a node whose channel has {@code security} (plaintext, TLS or mutual TLS). */
    void startNode(ClientNodeConfig config, LocalData data, LocalTrainer trainer, UpdatePrivatizer privatizer,
                   ClientListener listener, ClientPrivacy privacy, ClientSecurity security) {
        ManagedChannel channel = security.channel("127.0.0.1", coordinator.port());
        channels.add(channel);
        ClientNode node = new ClientNode(channel, config, data, Optional.empty(), trainer, privatizer,
                NoiseSources.seededForSimulation(99), listener, privacy);
        nodes.add(pool.submit(node::run));
    }

    List<ClientOutcome> awaitNodes() throws Exception {
        List<ClientOutcome> out = new ArrayList<>();
        for (Future<ClientOutcome> f : nodes) {
            out.add(f.get(120, TimeUnit.SECONDS));
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        coordinator.stop();
        pool.shutdownNow();
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
