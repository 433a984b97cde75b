package io.fedlead.core.privacy;

import java.util.Objects;

/**
 * A client's update after clipping and Gaussian noise: the payload it uploads, plus diagnostics that are NOT
 * covered by differential privacy (preClipNorm, wasClipped) and must only leave the client when configured.
 *
 * <p>The payload array is owned by this record and not copied; record equality compares it by identity.
 *
 * @param payload         clipped + noised update, the bytes that go on the wire
 * @param preClipNorm     L2 norm of the raw delta
 * @param wasClipped      true when preClipNorm exceeded clipNorm
 * @param clipNorm        C used for clipping
 * @param noiseMultiplier z; the per-coordinate noise std was z * C
 */
public record PrivatizedUpdate(float[] payload, double preClipNorm, boolean wasClipped, double clipNorm,
                               double noiseMultiplier) {
    public PrivatizedUpdate {
        Objects.requireNonNull(payload, "payload");
        if (!(preClipNorm >= 0) || Double.isInfinite(preClipNorm)) {
            throw new IllegalArgumentException("pre-clip norm must be finite and >= 0, got " + preClipNorm);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier z must be finite and >= 0, got " + noiseMultiplier);
        }
    }

    /** The per-coordinate noise standard deviation z * C. */
    public double noiseStddev() {
        return noiseMultiplier * clipNorm;
    }
}
