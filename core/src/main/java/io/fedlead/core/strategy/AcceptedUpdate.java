package io.fedlead.core.strategy;

import java.util.Objects;

/**
 * Receipt for an update folded into the running sum.
 *
 * @param clientId      who sent it
 * @param exampleCount  examples the client reported
 * @param weight        weight it was folded with (example count, or 1 when uniform)
 * @param l2Norm        L2 norm of the (already clipped and noised) payload as received
 * @param acceptedIndex 1-based position among the updates accepted this round
 */
public record AcceptedUpdate(String clientId, long exampleCount, double weight, double l2Norm, int acceptedIndex) {
    public AcceptedUpdate {
        Objects.requireNonNull(clientId, "clientId");
        if (acceptedIndex < 1) {
            throw new IllegalArgumentException("accepted index must be >= 1, got " + acceptedIndex);
        }
    }
}
