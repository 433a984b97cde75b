package io.fedlead.client;

import java.util.Objects;

/**
 * One line of a client's update ledger: one update this client sent, with what it cost.
 *
 * @param time              when the update was recorded (ISO-8601 UTC), just before its first byte was sent
 * @param run               run id
 * @param round             round number
 * @param modelVersion      global model version the update was computed from
 * @param clipNorm          C the update was clipped to
 * @param noiseMultiplier   z of the update noise (z_Δ under adaptive clipping); noise std per coordinate was z·C
 * @param clippedBitStddev  σ_b of the adaptive-clipping bit sent with it (0 = no bit sent)
 * @param preClipNorm       L2 norm of the raw delta (kept locally; sent only when the coordinator asked for it)
 * @param clipped           whether the delta was clipped
 * @param payloadSha256     SHA-256 (hex) of the exact payload bytes sent
 * @param examples          training examples behind the update (sent in clear in the update header)
 * @param epsilon           this client's own ε after this update at {@code delta}, composed over its ledger
 *                          without sampling amplification
 * @param delta             δ of that ε
 * @param noise             the noise generator: "SecureRandom-seeded L64X128MixRandom" or "fixed seed N (simulation)"
 */
public record LedgerEntry(String time, String run, int round, String modelVersion, double clipNorm,
                          double noiseMultiplier, double clippedBitStddev, double preClipNorm, boolean clipped,
                          String payloadSha256, long examples, double epsilon, double delta, String noise) {
    public LedgerEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(modelVersion, "model-version");
        Objects.requireNonNull(payloadSha256, "payload-sha256");
        Objects.requireNonNull(noise, "noise");
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip-norm must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise-multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(clippedBitStddev >= 0) || Double.isInfinite(clippedBitStddev)) {
            throw new IllegalArgumentException("clipped-bit-stddev must be finite and >= 0, got " + clippedBitStddev);
        }
        if (!payloadSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("payload-sha256 must be 64 lowercase hex digits, got '" + payloadSha256 + "'");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
    }
}
