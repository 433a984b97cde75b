package io.fedlead.cli;

import io.fedlead.client.ClientListener;
import io.fedlead.client.ClientNode;
import io.fedlead.client.ClientNodeConfig;
import io.fedlead.client.ClientOutcome;
import io.fedlead.client.ClientPrivacy;
import io.fedlead.client.ClientSecurity;
import io.fedlead.client.UpdateLedger;
import io.fedlead.client.LocalData;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs one client node against a coordinator until the run ends ({@code fedlead client --coordinator ...}), or, with
 * the {@code ledger} subcommand, prints the node's ledger of sent updates. The node options are checked in
 * {@link #call()} rather than marked required, so that {@code fedlead client ledger} needs none of them.
 */
@Command(name = "client", mixinStandardHelpOptions = true, subcommands = LedgerCommand.class,
        description = "Join a coordinator with local lead data and train until the run ends. Only clipped, noised "
                + "weight updates leave this machine; each is recorded in an append-only ledger with its SHA-256 and "
                + "this node's own epsilon, and tasks that would take the node past --max-epsilon are declined.")
final class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--coordinator", description = "HOST:PORT of the coordinator (required)")
    String coordinator;
    @Option(names = "--data", description = "local leads CSV (required)")
    Path data;
    @Option(names = "--schema", description = "feature schema YAML, must match the coordinator's (required)")
    Path schema;
    @Option(names = "--name", description = "this node's name in the federation (required)")
    String name;
    @Option(names = "--ledger", description = "append-only JSON-lines ledger of sent updates; read on start so the "
            + "budget survives restarts (default: <name>.ledger.jsonl next to --data)")
    Path ledger;
    @Option(names = "--max-epsilon", description = "this node's privacy budget: decline tasks that would take its own "
            + "epsilon (no sampling amplification) past it (default: no budget, epsilon still recorded)")
    Double maxEpsilon;
    @Option(names = "--min-noise-multiplier", defaultValue = "0", description = "decline tasks whose noise multiplier "
            + "is below this floor, whatever the coordinator asks (default ${DEFAULT-VALUE} = any; a task with z = 0 is "
            + "always reported as a warning)")
    double minNoiseMultiplier;
    @Option(names = "--delta", defaultValue = "1e-5", description = "delta of this node's epsilon (default ${DEFAULT-VALUE})")
    double delta;
    @Option(names = "--model-spec", description = "optional YAML model spec this node insists on")
    Path modelSpec;
    @Option(names = "--holdout", defaultValue = "0.2", description = "share of rows kept for evaluation (default ${DEFAULT-VALUE})")
    double holdout;
    @Option(names = "--skip-bad-rows", description = "skip malformed rows (counted and reported) instead of stopping")
    boolean skipBadRows;
    @Option(names = "--tls-ca", description = "PEM file of the CA certificate(s) the coordinator's certificate must "
            + "chain to (implies TLS; default with TLS: the JDK's trust store)")
    Path tlsCa;
    @Option(names = "--tls-cert", description = "PEM certificate of this node, for a coordinator that requires client "
            + "certificates (mutual TLS); its CN or a DNS name in it must equal --name. Needs --tls-key")
    Path tlsCert;
    @Option(names = "--tls-key", description = "PEM private key of --tls-cert (unencrypted PKCS#8, 'BEGIN PRIVATE KEY')")
    Path tlsKey;
    @Option(names = "--tls", description = "use TLS (with the JDK's trust store unless --tls-ca); the default unless the "
            + "coordinator is a loopback address")
    boolean tls;
    @Option(names = "--plaintext", description = "no TLS, to any address (the default only for a loopback coordinator: "
            + "127.0.0.0/8, ::1, localhost)")
    boolean plaintext;

    private void require(Object value, String option) {
        if (value == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '" + option
                    + "' (or use a subcommand: fedlead client ledger --ledger PATH)");
        }
    }

    @Override
    public Integer call() throws Exception {
        require(coordinator, "--coordinator=HOST:PORT");
        require(data, "--data=CSV");
        require(schema, "--schema=YAML");
        require(name, "--name=NAME");
        if (maxEpsilon != null && !(maxEpsilon > 0)) {
            throw new ParameterException(spec.commandLine(), "--max-epsilon is " + maxEpsilon + ": must be > 0");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new ParameterException(spec.commandLine(), "--delta is " + delta + ": must be in (0, 1)");
        }
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
        String host = coordinator.substring(0, colon);
        // Read and checked before the data, so a wrong certificate or key fails at once, naming its flag.
        ClientSecurity security = ClientSecurity.forCommandLine(host, plaintext, tls, tlsCa, tlsCert, tlsKey);
        FeatureSchema featureSchema = FeatureSchema.load(schema);
        ClientNodeConfig config = ClientNodeConfig.defaults(name).withHoldoutFraction(holdout);
        LocalData local = LocalData.load(data, featureSchema, skipBadRows, holdout, NoiseSources.secure());
        System.out.printf(Locale.ROOT, "%s: %d training rows, %d holdout rows, %d skipped, %d features%n", name,
                local.train().rows(), local.holdout().rows(), local.train().skippedRows(), local.encoder().width());
        Optional<ModelSpec> declared = modelSpec == null ? Optional.empty()
                : Optional.of(YamlConfig.load(modelSpec, ModelSpec.class));
        Path ledgerPath = ledger != null ? ledger
                : data.toAbsolutePath().resolveSibling(name + ".ledger.jsonl");
        ClientPrivacy privacy = new ClientPrivacy(Optional.of(UpdateLedger.open(ledgerPath)),
                maxEpsilon == null ? OptionalDouble.empty() : OptionalDouble.of(maxEpsilon), delta,
                NoiseSources.SECURE_DESCRIPTION, Clock.systemUTC(), minNoiseMultiplier);
        System.out.printf(Locale.ROOT, "%s: ledger %s: %d updates so far, epsilon %.4f at delta %s, budget %s%n", name,
                ledgerPath, privacy.ledger().orElseThrow().entries().size(), privacy.epsilon(), delta,
                maxEpsilon == null ? "none" : String.format(Locale.ROOT, "%.4f", maxEpsilon));
        System.out.printf(Locale.ROOT, "%s: connecting to %s:%d over %s%n", name, host, port, security.description());
        ManagedChannel channel = security.channel(host, port);
        try {
            ClientNode node = new ClientNode(channel, config, local, declared, new LocalTrainer(NoiseSources.secure()),
                    new UpdatePrivatizer(new GaussianMechanism(NoiseSources.secure())), NoiseSources.secure(),
                    new ClientListener() {
                        @Override
                        public void onUpdateSent(SentUpdate u) {
                            System.out.printf(Locale.ROOT, "%s: round %d update sent (%d examples, loss %.4f, %s, sha256 %s, own epsilon %.4f)%n",
                                    name, u.round(), u.examples(), u.meanLoss(), u.clipped() ? "clipped" : "not clipped",
                                    u.payloadSha256().substring(0, 12), privacy.epsilon());
                        }

                        @Override
                        public void onMessage(String message) {
                            System.out.println(message);
                        }
                    }, privacy);
            ClientOutcome outcome = node.run();
            System.out.printf(Locale.ROOT, "%s: done after %d rounds, %d evaluations: %s%n", name, outcome.rounds(),
                    outcome.evaluations(), outcome.reason());
            System.out.printf(Locale.ROOT, "%s: epsilon %.4f at delta %s over %d updates in %s%n", name,
                    privacy.epsilon(), delta, privacy.ledger().orElseThrow().entries().size(), ledgerPath);
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
