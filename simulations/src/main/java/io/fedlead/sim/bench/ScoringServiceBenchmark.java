package io.fedlead.sim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedlead.client.serving.ModelHolder;
import io.fedlead.client.serving.ModelLoader;
import io.fedlead.client.serving.ModelSettings;
import io.fedlead.client.serving.ScoringApi;
import io.fedlead.client.serving.ScoringServer;
import io.fedlead.client.serving.ServerLimits;
import io.fedlead.core.features.BooleanColumn;
import io.fedlead.core.features.ColumnSpec;
import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.features.NumericColumn;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Requests per second and latency of the scoring service ({@code fedlead serve}) over loopback HTTP: an in-process
 * server on 127.0.0.1 and client threads using {@link HttpClient} (HTTP/1.1, kept-alive connections), for requests
 * of 1 and of 100 leads at several client concurrencies. Server and clients share the machine's cores, so the
 * numbers are a floor for a server with the machine to itself. Each line also shows the share of the machine's
 * CPU this process got ({@code cpu%}: below 100 with the clients busy means other processes took the rest) and
 * the 1-minute load average. Measures and prints; never passes or fails.
 *
 * <p>Without {@code --model} it trains a model on synthetic leads first (logistic regression, or an MLP with
 * {@code --model-type mlp}, whose explanations cost one forward pass per input slot).
 */
@Command(name = "scoring-service-benchmark", mixinStandardHelpOptions = true,
        description = "Requests/s and p50/p99 latency of the scoring service over loopback HTTP.")
public final class ScoringServiceBenchmark implements Callable<Integer> {
    @Option(names = "--model", description = "model.zip to serve; default: train one on synthetic leads")
    Path model;
    @Option(names = "--model-type", defaultValue = "logistic", description = "logistic or mlp (16,8) when training")
    String modelType;
    @Option(names = "--batches", split = ",", defaultValue = "1,100", description = "leads per request")
    List<Integer> batches;
    @Option(names = "--concurrency", split = ",", defaultValue = "1,4", description = "client threads")
    List<Integer> concurrency;
    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per case")
    double seconds;
    @Option(names = "--warmup-seconds", defaultValue = "3", description = "unmeasured seconds before each case")
    double warmupSeconds;
    @Option(names = "--threads", description = "server worker threads; default 2 per core")
    Integer threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoringServiceBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = ScoringApi.objectMapper();
        Path dir = Files.createTempDirectory("fedlead-serve-bench");
        FeatureSchema schema = SyntheticLeadGenerator.defaultSchema();
        Path served = model != null ? model : train(dir, schema);
        int maxBatch = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        ServerLimits limits = new ServerLimits(ServerLimits.DEFAULT_MAX_BODY_BYTES, Math.max(maxBatch, 1),
                threads == null ? ServerLimits.defaultThreads() : threads, 256);
        ModelHolder holder = new ModelHolder(new ModelLoader(ModelSettings.of(served), limits, json, Clock.systemUTC()));
        ScoringServer server = new ScoringServer(new InetSocketAddress("127.0.0.1", 0), limits,
                new ScoringApi(holder).routes(), json).start();
        try {
            System.out.printf(Locale.ROOT, "scoring service benchmark: model %s (%s), %d cpus, %d server threads, %s,"
                            + " load %s; client and server on the same machine over 127.0.0.1%n",
                    served, model != null ? "given" : modelType, Runtime.getRuntime().availableProcessors(),
                    limits.threads(), System.getProperty("java.vm.version"), loadAverage());
            List<String> leads = leadJson(schema, 2000, json);
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/score");
            System.out.println("leads/request  clients  requests   req/s   leads/s   p50 ms   p99 ms   max ms  errors  cpu%  load");
            for (int batch : batches) {
                List<String> bodies = bodies(leads, batch);
                for (int clients : concurrency) {
                    run(uri, bodies, clients, warmupSeconds); // warm-up: JIT, connections, scorer copies
                    long cpu0 = processCpuNanos();
                    Result r = run(uri, bodies, clients, seconds);
                    double cpuShare = (processCpuNanos() - cpu0) / 1e9 / r.seconds
                            / Runtime.getRuntime().availableProcessors();
                    System.out.printf(Locale.ROOT, "%13d  %7d  %8d  %6.0f  %8.0f  %7.2f  %7.2f  %7.2f  %6d  %4.0f  %s%n",
                            batch, clients, r.latencies.length, r.latencies.length / r.seconds,
                            r.latencies.length * (double) batch / r.seconds, percentile(r.latencies, 0.50),
                            percentile(r.latencies, 0.99), percentile(r.latencies, 1.0), r.errors, 100 * cpuShare,
                            loadAverage());
                }
            }
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
        return 0;
    }

    private record Result(long[] latencies, long errors, double seconds) {
    }

    private static Result run(URI uri, List<String> bodies, int clients, double seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try {
            List<Future<long[]>> parts = new ArrayList<>();
            long[] errors = new long[clients];
            for (int c = 0; c < clients; c++) {
                int client = c;
                parts.add(pool.submit(() -> {
                    long[] lat = new long[1024];
                    int n = 0;
                    for (int k = client; System.nanoTime() < end; k++) {
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(k % bodies.size())))
                                .header("Content-Type", "application/json").build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long t = System.nanoTime() - t0;
                        if (r.statusCode() != 200) {
                            errors[client]++;
                            continue;
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, 2 * n);
                        }
                        lat[n++] = t;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : parts) {
                all.add(f.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(merged, Arrays.stream(errors).sum(), elapsed);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Latency in ms at quantile q of sorted nanosecond latencies (nearest rank). */
    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private Path train(Path dir, FeatureSchema schema) throws IOException {
        ModelSpec spec = switch (modelType) {
            case "logistic" -> ModelSpec.logistic();
            case "mlp" -> ModelSpec.mlp(List.of(16, 8));
            default -> throw new IllegalArgumentException("--model-type must be logistic or mlp, got " + modelType);
        };
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(7);
        FeatureEncoder encoder = new FeatureEncoder(schema);
        List<EncodedLeads> parts = new ArrayList<>();
        for (int unit = 0; unit < 4; unit++) {
            parts.add(encoder.encode(gen.generate(unit, 1000), true, false));
        }
        EncodedLeads data = EncodedLeads.concat(parts);
        var net = NetworkFactory.build(spec, encoder.width());
        new LocalTrainer(new SplittableRandom(7)).train(net, data.features(), data.rows(), data.width(), data.labels(),
                5, 64, 0.2);
        Path zip = dir.resolve("model.zip");
        ModelCheckpoint.save(zip, net, Map.of("schema-json", schema.toCanonicalJson(), "model-version", "bench",
                "feature-names", encoder.featureNames()));
        return zip;
    }

    /** Synthetic leads of every unit as JSON objects typed as a CRM would send them. */
    private static List<String> leadJson(FeatureSchema schema, int n, ObjectMapper json) {
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(99);
        List<String> out = new ArrayList<>(n);
        for (int unit = 0; unit < 4; unit++) {
            LeadTable table = gen.generate(unit, n / 4);
            for (List<String> row : table.rows()) {
                ObjectNode lead = json.createObjectNode();
                for (int c = 0; c < row.size(); c++) {
                    String column = table.header().get(c);
                    ColumnSpec spec = schema.columns().stream().filter(s -> s.name().equals(column)).findFirst()
                            .orElse(null);
                    if (column.equals(schema.targetColumn()) || schema.ignore().contains(column)) {
                        continue;
                    }
                    if (spec instanceof NumericColumn) {
                        lead.put(column, Double.parseDouble(row.get(c)));
                    } else if (spec instanceof BooleanColumn b) {
                        lead.put(column, b.trueValues().contains(row.get(c).toLowerCase(Locale.ROOT)));
                    } else {
                        lead.put(column, row.get(c));
                    }
                }
                out.add(lead.toString());
            }
        }
        return out;
    }

    /** Request bodies of {@code batch} leads each, cycling through the leads. */
    private static List<String> bodies(List<String> leads, int batch) {
        List<String> out = new ArrayList<>();
        int count = Math.max(1, Math.min(200, leads.size() / batch));
        for (int b = 0; b < count; b++) {
            StringBuilder sb = new StringBuilder("{\"leads\":[");
            for (int i = 0; i < batch; i++) {
                sb.append(i == 0 ? "" : ",").append(leads.get((b * batch + i) % leads.size()));
            }
            out.add(sb.append("]}").toString());
        }
        return out;
    }

    /** CPU time of this process (server and clients), or 0 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
