package io.fedlead.cli;

import io.fedlead.client.ClientListener;
import io.fedlead.client.ClientNode;
import io.fedlead.client.ClientNodeConfig;
import io.fedlead.client.ClientOutcome;
import io.fedlead.client.LocalData;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Runs one client node against a coordinator until the run ends. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Join a coordinator with local lead data and train until the run ends. Only clipped, noised "
                + "weight updates leave this machine.")
final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--coordinator", required = true, description = "HOST:PORT of the coordinator")
    String coordinator;
    @Option(names = "--data", required = true, description = "local leads CSV")
    Path data;
    @Option(names = "--schema", required = true, description = "feature schema YAML (must match the coordinator's)")
    Path schema;
    @Option(names = "--name", required = true, description = "this node's name in the federation")
    String name;
    @Option(names = "--model-spec", description = "optional YAML model spec this node insists on")
    Path modelSpec;
    @Option(names = "--holdout", defaultValue = "0.2", description = "share of rows kept for evaluation (default ${DEFAULT-VALUE})")
    double holdout;
    @Option(names = "--skip-bad-rows", description = "skip malformed rows (counted and reported) instead of stopping")
    boolean skipBadRows;

    @Override
    public Integer call() throws Exception {
        int colon = coordinator.lastIndexOf(':');
        if (colon <= 0 || colon == coordinator.length() - 1) {
            throw new ParameterException(spec.commandLine(), "--coordinator '" + coordinator + "' must be HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(coordinator.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--coordinator '" + coordinator + "': port is not a number");
        }
        FeatureSchema featureSchema = FeatureSchema.load(schema);
        ClientNodeConfig config = ClientNodeConfig.defaults(name).withHoldoutFraction(holdout);
        LocalData local = LocalData.load(data, featureSchema, skipBadRows, holdout, NoiseSources.secure());
        System.out.printf(Locale.ROOT, "%s: %d training rows, %d holdout rows, %d skipped, %d features%n", name,
                local.train().rows(), local.holdout().rows(), local.train().skippedRows(), local.encoder().width());
        Optional<ModelSpec> declared = modelSpec == null ? Optional.empty()
                : Optional.of(YamlConfig.load(modelSpec, ModelSpec.class));
        ManagedChannel channel = NettyChannelBuilder.forAddress(coordinator.substring(0, colon), port).usePlaintext().build();
        try {
            ClientNode node = new ClientNode(channel, config, local, declared, new LocalTrainer(NoiseSources.secure()),
                    new UpdatePrivatizer(new GaussianMechanism(NoiseSources.secure())), NoiseSources.secure(),
                    new ClientListener() {
                        @Override
                        public void onUpdateSent(SentUpdate u) {
                            System.out.printf(Locale.ROOT, "%s: round %d update sent (%d examples, loss %.4f, %s, sha256 %s)%n",
                                    name, u.round(), u.examples(), u.meanLoss(), u.clipped() ? "clipped" : "not clipped",
                                    u.payloadSha256().substring(0, 12));
                        }

                        @Override
                        public void onMessage(String message) {
                            System.out.println(message);
                        }
                    });
            ClientOutcome outcome = node.run();
            System.out.printf(Locale.ROOT, "%s: done after %d rounds, %d evaluations: %s%n", name, outcome.rounds(),
                    outcome.evaluations(), outcome.reason());
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
