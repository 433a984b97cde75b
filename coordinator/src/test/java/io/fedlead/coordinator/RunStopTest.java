package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stop request ends a round that is waiting for uploads at once, not at the round deadline. */
class RunStopTest {
    @Test
    void stop_duringTrainingRound_endsRunWithoutWaitingForDeadline(@TempDir Path dir) throws Exception {
        // 60 s round deadline; nobody uploads. Stated privacy: C = 1, z = 0.5.
        FederationConfig config = new FederationConfig("stop", null, 0, null, null, 3, 2, 1.0, 2, 60.0, 30.0, 0,
                new FederationConfig.Training(1, 32, 0.1, 1.0, 0.5, false, false), null, null, dir.toString(), 5L);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(config)) {
            for (FakeClient c : coordinator.joinAndEvaluateInitial("unit-a", "unit-b")) {
                c.nextTask(); // the round-1 training task: the round now waits for two uploads
            }
            long start = System.nanoTime();
            coordinator.server.run().stop();
            assertTrue(coordinator.server.run().awaitResult(10, TimeUnit.SECONDS), "run did not end after stop()");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 10, "stop took " + seconds + " s");
            assertEquals("stopped", coordinator.server.run().result().orElseThrow().status());
        }
    }
}
