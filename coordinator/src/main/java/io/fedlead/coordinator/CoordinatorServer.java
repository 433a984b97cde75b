package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.proto.v1.FederationGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The coordinator process: a gRPC server (lifecycle only: start, stop, await) around {@link FederationService}, and
 * the thread that runs the rounds. Takes any {@link ServerBuilder} so tests can use an in-process transport; the
 * transport's security comes with the builder ({@link ServerSecurity#serverBuilder} for TCP with the config's TLS).
 * With {@code tls.client-ca} set, every call must carry a client certificate whose names the service checks.
 */
public final class CoordinatorServer {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

    private final Server server;
    private final FederationRun run;
    private final Thread runThread;
    private final ScheduledExecutorService timer;
    private final Path runDir;
    private final FeatureSchema schema;

    private CoordinatorServer(Server server, FederationRun run, ScheduledExecutorService timer, Path runDir,
                              FeatureSchema schema) {
        this.server = server;
        this.run = run;
        this.timer = timer;
        this.runDir = runDir;
        this.schema = schema;
        this.runThread = new Thread(run, "fedlead-run-" + run.runId());
        this.runThread.setDaemon(true);
    }

    /** Builds a coordinator for {@code config}; nothing listens until {@link #start()}. */
    public static CoordinatorServer create(FederationConfig config, ServerBuilder<?> serverBuilder, RunListener listener) {
        Clock clock = Clock.systemUTC();
        FeatureSchema schema = config.schemaPath().map(p -> FeatureSchema.load(Path.of(p)))
                .orElseGet(SyntheticLeadGenerator::defaultSchema);
        AuditPlan auditPlan = AuditPlan.of(config.evaluation(), schema);
        int inputs = new FeatureEncoder(schema).width();
        ModelLayout layout;
        GlobalModel initial;
        var net = NetworkFactory.build(config.model(), inputs);
        layout = NetworkWeights.layoutOf(net);
        initial = GlobalModel.of(0, NetworkWeights.get(net));
        String runId = config.runId().isBlank()
                ? "run-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant())
                : config.runId();
        if (!runId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("'run-id' is '" + runId + "': use letters, digits, '.', '_' and '-'");
        }
        Path runDir = Path.of(config.checkpointDir()).resolve(runId);
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("config.yaml"), YamlConfig.toYaml(config));
            Files.writeString(runDir.resolve("schema.json"), schema.toCanonicalJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to checkpoint-dir " + runDir, e);
        }
        SecureRandom secure = new SecureRandom();
        RandomGenerator samplerRng = config.seed() != 0
                ? RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed())
                : RandomGeneratorFactory.of("L64X128MixRandom").create(secure.generateSeed(16));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fedlead-poll-timer");
            t.setDaemon(true);
            return t;
        });
        // A client polls at least every TaskBoard.MAX_WAIT_MILLIS; three missed polls and it is not sampled.
        ClientRegistry registry = new ClientRegistry(secure, clock, System::nanoTime,
                TimeUnit.MILLISECONDS.toNanos(3L * TaskBoard.MAX_WAIT_MILLIS));
        TaskBoard board = new TaskBoard(timer);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("config", config);
        provenance.put("schema-sha256", schema.fingerprint());
        provenance.put("schema-json", schema.toCanonicalJson());
        provenance.put("model-spec", config.model());
        provenance.put("inputs", inputs);
        provenance.put("feature-names", new FeatureEncoder(schema).featureNames());
        provenance.put("versions", ModelCheckpoint.versions());
        FederationRun run = new FederationRun(runId, config, registry, board, initial,
                new FileCheckpointStore(runDir, config.model(), inputs), listener, clock, System::nanoTime,
                new ClientSampler(samplerRng), PrivacyTrackers.forConfig(config), provenance, auditPlan);
        FederationService service = new FederationService(run, registry, board, schema, config.model(), layout,
                System::nanoTime, timer, (long) (config.aggregation().uploadIdleTimeoutSeconds() * 1e9),
                config.tls().mutual());
        // SubmitUpdate's chunks are parsed with one payload copy instead of grpc's two (see UpdateChunkMarshaller).
        ServerServiceDefinition definition = UpdateChunkMarshaller.install(service.bindService(),
                FederationGrpc.getSubmitUpdateMethod());
        // Installed here, not left to the caller's builder, so that mutual TLS cannot be configured without it.
        Server server = serverBuilder.addService(ServerInterceptors.intercept(definition,
                new ClientCertificateInterceptor())).build();
        return new CoordinatorServer(server, run, timer, runDir, schema);
    }

    public CoordinatorServer start() throws IOException {
        server.start();
        log.info("coordinator listening on {}; aggregation kernel: {}", server.getListenSockets(),
                io.fedlead.core.strategy.StreamingAggregator.defaultKernel());
        runThread.start();
        return this;
    }

    /** The TCP port bound, or -1 for non-socket transports. */
    public int port() {
        return server.getPort();
    }

    public FederationRun run() {
        return run;
    }

    public Path runDir() {
        return runDir;
    }

    public FeatureSchema schema() {
        return schema;
    }

    /** Waits for the run to end, then gives clients a moment to hear "finished" before the server shuts down. */
    public RunResult awaitRunAndShutdown(long graceMillis) throws InterruptedException {
        RunResult r = run.awaitResult();
        server.shutdown();
        server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
        server.shutdownNow();
        timer.shutdownNow();
        return r;
    }

    public void stop() throws InterruptedException {
        run.stop();
        runThread.interrupt();
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
        timer.shutdownNow();
        runThread.join(10_000);
    }
}
