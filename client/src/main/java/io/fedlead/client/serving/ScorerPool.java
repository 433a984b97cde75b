package io.fedlead.client.serving;

import io.fedlead.client.scoring.LeadScorer;
import io.fedlead.client.scoring.ScoredLead;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@link LeadScorer}s for concurrent requests, each over its own copy of the network: a DL4J network keeps the
 * input of its last forward pass in fields, so two threads must never run one network at once (the MLP path of
 * {@code LeadScorer} does forward passes). A request borrows a scorer and gives it back; with as many copies as
 * worker threads nobody waits.
 */
final class ScorerPool {
    private final BlockingQueue<LeadScorer> idle;

    ScorerPool(MultiLayerNetwork net, List<String> featureNames, int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1, got " + copies);
        }
        idle = new ArrayBlockingQueue<>(copies);
        for (int i = 0; i < copies; i++) {
            idle.add(new LeadScorer(i == 0 ? net : net.clone(), featureNames));
        }
    }

    /** {@link LeadScorer#score} on a borrowed scorer. */
    List<ScoredLead> score(float[] features, int rows, int width, List<String> ids) throws InterruptedException {
        LeadScorer scorer = idle.take();
        try {
            return scorer.score(features, rows, width, ids);
        } finally {
            idle.add(scorer);
        }
    }
}
