package io.fedlead.sim.bench;

import io.fedlead.coordinator.UpdateChunkMarshaller;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.core.strategy.Weighting;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * JMH: parse 100 serialized updates of 1M float32 parameters (1 MiB UpdateChunk data messages) and fold them
 * with {@link StreamingAggregator}. One op = one round of 100 updates (419 MB of float payload), so
 * GB/s = 0.419 / (seconds per op). Run with {@code -prof gc} for allocation per op. The fixture (840 MB of
 * serialized messages) is built once per fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
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
     * GRPC: grpc-java's protobuf marshaller (2 copies).
     */
    @Param({"ALIASED", "SERVER", "GRPC"})
    public String parse;

    private SerializedUpdates data;
    private StreamingAggregator aggregator;
    private Function<byte[], ByteBuffer> parser;

    @Setup
    public void setUp() {
        data = SerializedUpdates.generate(updates, parameters, chunkBytes, 42);
        aggregator = new StreamingAggregator(data.layout(), weighting);
        UpdateChunkMarshaller marshaller = new UpdateChunkMarshaller();
        parser = switch (parse) {
            case "ALIASED" -> SerializedUpdates::parseAliased;
            case "SERVER" -> m -> marshaller.parse(new SerializedUpdates.KnownLengthStream(m)).getData()
                    .asReadOnlyByteBuffer();
            case "GRPC" -> SerializedUpdates::parseGrpc;
            default -> throw new IllegalArgumentException("parse must be ALIASED, SERVER or GRPC, got " + parse);
        };
    }

    @Benchmark
    public float aggregateRound() {
        aggregator.reset();
        for (int k = 0; k < updates; k++) {
            UpdateReceiver receiver = aggregator.begin("c" + k, 1000 + k);
            for (byte[] message : data.updates().get(k)) {
                receiver.accept(parser.apply(message));
            }
            receiver.finish();
        }
        return (float) aggregator.weightTotal();
    }
}
