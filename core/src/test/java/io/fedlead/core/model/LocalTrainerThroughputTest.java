package io.fedlead.core.model;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints local training throughput; measures, never asserts. Run with
 * {@code mvn -o test -pl core -Dtest=LocalTrainerThroughputTest -Dfedlead.bench=true}.
 */
@EnabledIfSystemProperty(named = "fedlead.bench", matches = "true")
class LocalTrainerThroughputTest {
    @Test
    void printThroughput() {
        LocalTrainerTest.Toy toy = LocalTrainerTest.Toy.separable(5000, 40, 1);
        List<ModelSpec> specs = List.of(ModelSpec.logistic(), ModelSpec.mlp(List.of(32, 16)),
                new ModelSpec("mlp", List.of(32, 16), "relu", 0, 1e-4, "adam", 42));
        for (ModelSpec spec : specs) {
            for (int batch : new int[] {64, 256, 1024}) {
                MultiLayerNetwork net = NetworkFactory.build(spec, toy.width());
                LocalTrainer trainer = new LocalTrainer(new SplittableRandom(1));
                trainer.train(net, toy.x(), toy.rows(), toy.width(), toy.y(), 1, batch, 0.05); // warm-up
                LocalTrainer.TrainingResult r = trainer.train(net, toy.x(), toy.rows(), toy.width(), toy.y(), 5, batch, 0.05);
                System.out.printf("throughput %-8s %-8s %-4s batch %4d: %,9.0f examples/s (%d fits in %.2f s)%n",
                        spec.type(), spec.hiddenSizes(), spec.updater(), batch, r.examplesPerSecond(), r.batches(), r.seconds());
            }
        }
    }
}
