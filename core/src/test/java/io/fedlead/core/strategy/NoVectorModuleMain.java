package io.fedlead.core.strategy;

import io.fedlead.core.model.ModelLayout;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.TensorSpec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Run in a child JVM started without {@code --add-modules jdk.incubator.vector} by
 * {@link StreamingAggregatorTest#withoutVectorModule_scalarKernelRuns}: aggregates two updates and prints the
 * kernels and the mean.
 */
public final class NoVectorModuleMain {
    private NoVectorModuleMain() {
    }

    public static void main(String[] args) {
        ModelLayout layout = new ModelLayout(List.of(new TensorSpec("w", List.of(3L))));
        StreamingAggregator agg = new StreamingAggregator(layout, Weighting.UNIFORM);
        for (float[] u : List.of(new float[]{1f, 2f, 3f}, new float[]{3f, 4f, 5f})) {
            UpdateReceiver r = agg.begin("c" + u[0], 1);
            r.accept(ByteBuffer.wrap(new ModelWeights(layout, u).toLittleEndianBytes()));
            r.finish();
        }
        System.out.println("default kernel: " + StreamingAggregator.defaultKernel());
        System.out.println("kernel: " + agg.kernel());
        System.out.println("mean: " + Arrays.toString(agg.mean()));
    }
}
