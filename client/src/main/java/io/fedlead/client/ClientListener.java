package io.fedlead.client;

/** Observes a client node's work (the CLI logs it; tests and the privacy ledger record it). */
public interface ClientListener {
    /** After an update was accepted by the coordinator. */
    default void onUpdateSent(SentUpdate update) {
    }

    default void onEvaluated(int round, String modelVersion, double auc, long examples) {
    }

    default void onMessage(String message) {
    }

    ClientListener NONE = new ClientListener() {
    };

    /**
     * What one upload contained: everything but the payload itself.
     *
     * @param payloadSha256 SHA-256 of the exact bytes sent
     */
    record SentUpdate(String runId, int round, String modelVersion, long examples, double clipNorm,
                      double noiseMultiplier, double preClipNorm, boolean clipped, String payloadSha256,
                      double meanLoss, double trainSeconds) {
    }
}
