package io.fedlead.sim.bench;

import io.fedlead.coordinator.UpdateChunkMarshaller;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.core.strategy.Weighting;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * JMH: parse 100 serialized updates of 1M float32 parameters (1 MiB UpdateChunk data messages) and fold them
 * with {@link StreamingAggregator}, with 1 or 2 concurrent uploaders (a coordinator runs one gRPC thread per
 * client stream, so uploads from different clients overlap). One op = one round of 100 updates (419 MB of float
 * payload). {@link #main} runs it and prints GB/s = payload bytes / seconds per op, with the heap the aggregator
 * held after GC (printed by each fork at tear-down). The fixture (840 MB of serialized messages) is built once
 * per fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class AggregationBenchmark {
    @Param({"100"})
    public int updates;

    @Param({"1048576"})
    public int parameters;

    @Param({"1048576"})
    public int chunkBytes;

    @Param({"EXAMPLES", "UNIFORM"})
    public Weighting weighting;

    /**
     * ALIASED: zero-copy parse (the aggregator's own cost); SERVER: the coordinator's UpdateChunkMarshaller (1 copy);
     * GRPC: grpc-java's protobuf marshaller (2 copies). None includes the SHA-256 the server takes per upload.
     */
    @Param({"ALIASED", "SERVER", "GRPC"})
    public String parse;

    /** Concurrent uploads: 1 (one thread does everything) or 2 (updates alternate between two threads). */
    @Param({"1", "2"})
    public int uploaders;

    private SerializedUpdates data;
    private StreamingAggregator aggregator;
    private Function<byte[], ByteBuffer> parser;
    private ExecutorService second;
    private long heapWithFixture;

    @Setup
    public void setUp() {
        data = SerializedUpdates.generate(updates, parameters, chunkBytes, 42);
        heapWithFixture = AggregationThroughput.usedHeapAfterGc();
        aggregator = new StreamingAggregator(data.layout(), weighting,
                new StreamingAggregator.Options(uploaders, OptionalDouble.empty()));
        UpdateChunkMarshaller marshaller = new UpdateChunkMarshaller();
        parser = switch (parse) {
            case "ALIASED" -> SerializedUpdates::parseAliased;
            case "SERVER" -> m -> SerializedUpdates.flat(
                    marshaller.parse(new SerializedUpdates.KnownLengthStream(m)).getData());
            case "GRPC" -> SerializedUpdates::parseGrpc;
            default -> throw new IllegalArgumentException("parse must be ALIASED, SERVER or GRPC, got " + parse);
        };
        if (uploaders < 1 || uploaders > 2) {
            throw new IllegalArgumentException("uploaders must be 1 or 2, got " + uploaders);
        }
        second = Executors.newSingleThreadExecutor();
    }

    @TearDown
    public void tearDown() {
        second.shutdownNow();
        long held = AggregationThroughput.usedHeapAfterGc() - heapWithFixture;
        System.out.printf(Locale.ROOT, "%n[heap] parse=%s uploaders=%d: aggregator holds %.1f MB after GC "
                        + "(sum + compensation = %.1f MB)%n", parse, uploaders, held / 1e6, 8.0 * parameters / 1e6);
    }

    @Benchmark
    public float aggregateRound() throws Exception {
        aggregator.reset();
        if (uploaders == 1) {
            uploadEvery(0, 1);
        } else {
            Future<?> other = second.submit(() -> uploadEvery(1, 2));
            uploadEvery(0, 2);
            other.get();
        }
        if (aggregator.acceptedCount() != updates) {
            throw new IllegalStateException("accepted " + aggregator.acceptedCount() + " of " + updates);
        }
        return (float) aggregator.weightTotal();
    }

    private void uploadEvery(int first, int step) {
        for (int k = first; k < updates; k += step) {
            UpdateReceiver receiver = aggregator.begin("c" + k, 1000 + k);
            for (byte[] message : data.updates().get(k)) {
                receiver.accept(parser.apply(message));
            }
            receiver.finish();
        }
    }

    /**
     * Runs the benchmark and prints GB/s per configuration. Without arguments: EXAMPLES weighting, ALIASED and
     * SERVER parse, 1 and 2 uploaders; any arguments are JMH's own command line (e.g. {@code -p parse=GRPC}).
     */
    public static void main(String[] args) throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        if (args.length > 0) {
            options.parent(new CommandLineOptions(args));
        } else {
            options.param("weighting", "EXAMPLES").param("parse", "ALIASED", "SERVER").param("uploaders", "1", "2");
        }
        options.include(AggregationBenchmark.class.getSimpleName() + ".aggregateRound");
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println("GB/s = payload bytes (updates x parameters x 4) / time per round; load = 1-minute average now");
        for (RunResult r : results) {
            var p = r.getParams();
            double bytes = 4.0 * Integer.parseInt(p.getParam("updates")) * Integer.parseInt(p.getParam("parameters"));
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            if (Double.isNaN(err)) {
                err = 0; // one iteration: JMH gives no error bound
            }
            System.out.printf(Locale.ROOT, "weighting=%-8s parse=%-7s uploaders=%s  %7.1f ± %5.1f ms/round  "
                            + "%5.2f GB/s (range %.2f-%.2f)%n", p.getParam("weighting"), p.getParam("parse"),
                    p.getParam("uploaders"), ms, err, bytes / ms / 1e6, bytes / (ms + err) / 1e6,
                    ms > err ? bytes / (ms - err) / 1e6 : Double.POSITIVE_INFINITY);
        }
        System.out.printf(Locale.ROOT, "load %.2f, %d cpus, %s%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    }
}
