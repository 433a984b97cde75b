package io.fedlead.sim.inmemory;

import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdateMath;
import io.fedlead.core.strategy.FedAvg;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class InMemoryFederationTest {
    private static final double CLIP = 0.05; // small enough that both toy updates are clipped

    @Test
    void run_oneRoundAllClientsNoNoise_equalsClippedDeltasOverFixedDenominator() {
        ClientData data = ClientData.synthetic(2, 30, 30, 200, 2, 11);
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), data.width());
        ModelWeights initial = NetworkWeights.get(net);
        long seed = 3;
        InMemoryFederation.Outcome o = new InMemoryFederation(net, initial, data).run(new InMemoryFederation.RunSettings(
                1.0, 0.0, CLIP, 1, 1, 10, 0.2, 1.0, 1e-5, Aggregation.FIXED_DENOMINATOR, seed));

        // By hand: each client trains from the initial weights with the run's trainer stream, in index order.
        LocalTrainer trainer = new LocalTrainer(NoiseSources.seededForSimulation(seed * 1_000_003L + 2));
        MultiLayerNetwork own = NetworkFactory.build(ModelSpec.logistic(), data.width());
        List<float[]> clipped = new ArrayList<>();
        for (EncodedLeads d : data.clients()) {
            NetworkWeights.set(own, initial);
            trainer.train(own, d.features(), d.rows(), d.width(), d.labels(), 1, 10, 0.2);
            var clip = UpdateMath.clip(UpdateMath.delta(NetworkWeights.get(own), initial), CLIP);
            assertTrue(clip.wasClipped(), "toy update norm " + clip.preClipNorm() + " should exceed C");
            clipped.add(clip.clipped());
        }
        float[] mean = FedAvg.fixedDenominator(clipped, 2.0);
        float[] expected = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            expected[i] = initial.values()[i] + mean[i];
        }
        assertArrayEquals(expected, o.finalWeights().values());
        assertEquals(2, o.last().cohort());
        assertEquals(Double.POSITIVE_INFINITY, o.last().epsilon());
    }

    @Test
    void run_sameSeedDifferentNoise_sameCohortsDifferentModels() {
        ClientData data = ClientData.synthetic(10, 30, 40, 200, 3, 4);
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), data.width());
        InMemoryFederation fed = new InMemoryFederation(net, NetworkWeights.get(net), data);
        var a = fed.run(new InMemoryFederation.RunSettings(0.3, 0.0, 1.0, 4, 1, 64, 0.2, 1.0, 1e-5,
                Aggregation.FIXED_DENOMINATOR, 9));
        var b = fed.run(new InMemoryFederation.RunSettings(0.3, 1.0, 1.0, 4, 1, 64, 0.2, 1.0, 1e-5,
                Aggregation.FIXED_DENOMINATOR, 9));
        assertEquals(a.rounds().stream().map(InMemoryFederation.RoundResult::cohort).toList(),
                b.rounds().stream().map(InMemoryFederation.RoundResult::cohort).toList());
        assertNotEquals(a.last().auc(), b.last().auc());
    }

    @Test
    void bank_randomPartition_holdoutIsTwentyPercentAndClientsCoverTheRest() {
        Path csv = find(SimulationSettings.Builder.BANK_CSV);
        assumeTrue(Files.exists(csv), "bank marketing data not present at " + csv);
        ClientData data = ClientData.bank(csv, find(SimulationSettings.Builder.BANK_SCHEMA), 7, 1);
        assertEquals(41_188, data.trainingRows() + data.holdout().rows());
        assertEquals(Math.round(41_188 * 0.2), data.holdout().rows());
        assertEquals(7, data.clients().size());
    }

    static Path find(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        return Path.of(relative);
    }
}
