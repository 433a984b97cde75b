package io.fedlead.core.strategy;

import java.util.Objects;

/**
 * One client's update with the number of examples it trained on. The array is not copied (updates may be
 * large); record equality compares it by identity.
 */
public record WeightedUpdate(float[] update, long exampleCount) {
    public WeightedUpdate {
        Objects.requireNonNull(update, "update");
        if (exampleCount < 0) {
            throw new IllegalArgumentException("example count must be >= 0, got " + exampleCount);
        }
    }
}
