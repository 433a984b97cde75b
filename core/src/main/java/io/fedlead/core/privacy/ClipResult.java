package io.fedlead.core.privacy;

import java.util.Objects;

/**
 * An update after L2 clipping, with the norm it had before (diagnostics and adaptive clipping only: the
 * plain pre-clip norm is not covered by differential privacy).
 *
 * <p>The array is owned by this record and is not copied (updates may have millions of parameters);
 * record equality compares the array by identity.
 *
 * @param clipped     the clipped update, a new array
 * @param preClipNorm L2 norm of the update before clipping
 * @param wasClipped  true when the norm exceeded the clip norm and the update was scaled down
 */
public record ClipResult(float[] clipped, double preClipNorm, boolean wasClipped) {
    public ClipResult {
        Objects.requireNonNull(clipped, "clipped");
        if (!(preClipNorm >= 0) || Double.isInfinite(preClipNorm)) {
            throw new IllegalArgumentException("pre-clip norm must be finite and >= 0, got " + preClipNorm);
        }
    }
}
