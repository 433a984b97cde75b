package io.fedlead.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlead.client.scoring.GradeScale;
import io.fedlead.client.serving.ModelHolder;
import io.fedlead.client.serving.ModelLoader;
import io.fedlead.client.serving.ModelSettings;
import io.fedlead.client.serving.ScoreResponse;
import io.fedlead.client.serving.ScoringApi;
import io.fedlead.client.serving.ScoringServer;
import io.fedlead.client.serving.ServerLimits;
import io.fedlead.client.serving.ServingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Serves a saved model over HTTP/JSON until stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Score leads over HTTP/JSON with a saved model: POST /v1/score, GET /v1/model, GET /healthz,"
                + " POST /v1/admin/reload. Ctrl-C or SIGTERM stops it after the running requests finish.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model.zip written by a coordinator")
    Path model;
    @Option(names = "--port", defaultValue = "8080", description = "TCP port (0 = any free port); default ${DEFAULT-VALUE}")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind; default ${DEFAULT-VALUE} (this machine only); 0.0.0.0 = every interface")
    String host;
    @Option(names = "--schema", description = "feature schema YAML; default: the schema stored in the model's provenance")
    Path schema;
    @Option(names = "--reference", description = "leads CSV scored at start-up (and on reload) to fix the grade"
            + " boundaries: A = top quarter of these leads, B the next quarter, ...")
    Path reference;
    @Option(names = "--grade-cuts", split = ",", paramLabel = "A,B,C",
            description = "fixed grade boundaries instead: lowest probability graded A, B and C, e.g. 0.5,0.25,0.1")
    List<Double> gradeCuts;
    @Option(names = "--strict-categories",
            description = "refuse values outside a column's declared categories (400) instead of scoring them as 'other'")
    boolean strictCategories;
    @Option(names = "--threads", description = "worker threads; default 2 per core")
    Integer threads;
    @Option(names = "--queue", defaultValue = "" + ServerLimits.DEFAULT_QUEUE,
            description = "requests that may wait for a worker before the server answers 503; default ${DEFAULT-VALUE}")
    int queue;
    @Option(names = "--max-body-bytes", defaultValue = "" + ServerLimits.DEFAULT_MAX_BODY_BYTES,
            description = "largest request body (413 beyond); default ${DEFAULT-VALUE}")
    long maxBodyBytes;
    @Option(names = "--max-leads", defaultValue = "" + ServerLimits.DEFAULT_MAX_LEADS,
            description = "most leads per request (413 beyond); default ${DEFAULT-VALUE}")
    int maxLeads;
    @Option(names = "--shutdown-grace-seconds", defaultValue = "10",
            description = "on stop, how long running requests may take to finish; default ${DEFAULT-VALUE}")
    double graceSeconds;

    @Override
    public Integer call() throws Exception {
        ServerLimits limits = new ServerLimits(maxBodyBytes, maxLeads,
                threads == null ? ServerLimits.defaultThreads() : threads, queue);
        ModelSettings settings = new ModelSettings(model, Optional.ofNullable(schema), Optional.ofNullable(reference),
                fixedGrades(), strictCategories);
        if (!(graceSeconds >= 0)) {
            throw new IllegalArgumentException("--shutdown-grace-seconds must be >= 0, got " + graceSeconds);
        }
        ObjectMapper json = ScoringApi.objectMapper();
        ModelHolder models = new ModelHolder(new ModelLoader(settings, limits, json, Clock.systemUTC()));
        ScoringServer server = new ScoringServer(new InetSocketAddress(host, port), limits,
                new ScoringApi(models).routes(), json).start();
        ServingModel served = models.current();
        ScoreResponse.ModelRef ref = served.ref();
        System.out.printf(Locale.ROOT, "model %s: version %s, round %s, run %s, sha256 %s%n", model,
                ref.version(), ref.round(), ref.run(), ref.sha256());
        System.out.println("grades: " + served.grades().map(g -> String.format(Locale.ROOT,
                "A >= %.4f, B >= %.4f, C >= %.4f, else D (%s)", g.minA(), g.minB(), g.minC(), g.source()))
                .orElse("none (start with --reference leads.csv or --grade-cuts A,B,C to grade leads)"));
        System.out.printf(Locale.ROOT, "limits: %d threads, %d queued, %d bytes and %d leads per request%n",
                limits.threads(), limits.queue(), limits.maxBodyBytes(), limits.maxLeads());
        String hostText = server.address().getAddress().getHostAddress();
        System.out.printf(Locale.ROOT, "serving on http://%s:%d (POST /v1/score, GET /v1/model, GET /healthz,"
                + " POST /v1/admin/reload); Ctrl-C or SIGTERM stops%n",
                hostText.contains(":") ? "[" + hostText + "]" : hostText, server.port());
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                boolean drained = server.stop(Duration.ofMillis((long) (graceSeconds * 1000)));
                System.out.println(drained ? "stopped: every running request finished"
                        : "stopped: requests still running after " + graceSeconds + " s were cut off");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "fedlead-serve-shutdown"));
        stopped.await();
        return 0;
    }

    private Optional<GradeScale> fixedGrades() {
        if (gradeCuts == null) {
            return Optional.empty();
        }
        if (gradeCuts.size() != 3) {
            throw new IllegalArgumentException("--grade-cuts takes three probabilities A,B,C (e.g. 0.5,0.25,0.1), got "
                    + gradeCuts);
        }
        return Optional.of(new GradeScale(gradeCuts.get(0), gradeCuts.get(1), gradeCuts.get(2), "--grade-cuts"));
    }
}
