package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;

/** A coordinator on its own in-process transport (direct executor) and a channel to it, closed together. */
final class InProcessCoordinator implements AutoCloseable {
    final CoordinatorServer server;
    final ManagedChannel channel;

    private InProcessCoordinator(CoordinatorServer server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    static InProcessCoordinator start(FederationConfig config) throws IOException {
        String name = InProcessServerBuilder.generateName();
        CoordinatorServer server = CoordinatorServer.create(config,
                InProcessServerBuilder.forName(name).directExecutor(), RunListener.NONE).start();
        return new InProcessCoordinator(server, InProcessChannelBuilder.forName(name).directExecutor().build());
    }

    FakeClient join(String clientName, String schemaJson) {
        return FakeClient.join(channel, clientName, schemaJson);
    }

    /** Joins synthetic-schema clients and has each report its evaluation of the initial model, as round 1 waits for. */
    java.util.List<FakeClient> joinAndEvaluateInitial(String... names) {
        String schema = new io.fedlead.core.features.SyntheticLeadGenerator(1).schema().toCanonicalJson();
        java.util.List<FakeClient> clients = new java.util.ArrayList<>();
        for (String name : names) {
            clients.add(join(name, schema));
        }
        for (FakeClient c : clients) {
            c.evaluate(c.nextTask());
        }
        return clients;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.stop();
    }
}
