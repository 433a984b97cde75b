package io.fedlead.client;

import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.privacy.NoiseSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model of more than 20 MB moves both ways over real TCP with gRPC's default 4 MiB message limit in force: the
 * download and the upload are chunked streams.
 */
class LargeModelTransferTest {
    @Test
    void round_modelOver20MegabytesOverTcp_downloadsAndUploadsInChunks(@TempDir Path dir) throws Exception {
        ModelSpec big = new ModelSpec("mlp", List.of(2500, 2000), "relu", 0, 0, "sgd", 3);
        // Stated privacy: C = 1, z = 0.5.
        FederationConfig config = FederationConfig.defaults().with("big", 0, 1, 1, dir.toString()).withModel(big)
                .withTraining(new FederationConfig.Training(1, 128, 0.01, 1.0, 0.5, false, false));
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(9);
        LocalData data = LocalData.of(gen.generate(1, 300), gen.schema(), false, 0.2, NoiseSources.seededForSimulation(2));
        AtomicReference<ClientListener.SentUpdate> sent = new AtomicReference<>();
        RunResult result;
        try (LoopbackFederation fed = new LoopbackFederation(config, RunListener.NONE)) {
            fed.startNode("unit-b", data, 4, new ClientListener() {
                @Override
                public void onUpdateSent(SentUpdate update) {
                    sent.set(update);
                }
            });
            result = fed.coordinator.run().awaitResult();
            fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        long bytes = result.model().weights().layout().byteSize();
        assertTrue(bytes > 20_000_000L, "model is " + bytes + " bytes");
        assertEquals(List.of("unit-b"), result.history().get(0).reported());
        assertTrue(sent.get() != null, "update was accepted");
        // The coordinator's copy of round 1 differs from round 0: the 20 MB update really arrived and was applied.
        assertTrue(!result.model().sha256().equals(result.initial().modelSha256()));
    }
}
