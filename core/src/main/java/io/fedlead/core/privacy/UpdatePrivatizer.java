package io.fedlead.core.privacy;

import java.util.Objects;

/**
 * Client-side DP step of DP-FedAvg: clip the local delta to L2 norm C, then add N(0, (z*C)²) noise per
 * coordinate (local noise, so the coordinator never sees an un-noised update). Pure apart from the noise
 * drawn from the injected mechanism.
 */
public final class UpdatePrivatizer {
    private final GaussianMechanism mechanism;

    public UpdatePrivatizer(GaussianMechanism mechanism) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
    }

    /**
     * Clips {@code delta} to {@code clipNorm} and adds Gaussian noise of std {@code noiseMultiplier * clipNorm}.
     * A noise multiplier of 0 is accepted here (clipping only); the configuration layer decides whether it is
     * allowed. The input array is not modified.
     *
     * @throws IllegalArgumentException if C is not finite and > 0, z is negative/NaN/infinite, or delta holds
     *                                  NaN/infinity
     */
    public PrivatizedUpdate privatize(float[] delta, double clipNorm, double noiseMultiplier) {
        Objects.requireNonNull(delta, "delta");
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier z must be finite and >= 0, got " + noiseMultiplier);
        }
        ClipResult clip = UpdateMath.clip(delta, clipNorm);
        // clip.clipped() is a fresh array we own; noising writes another (the mechanism never mutates input).
        float[] noised = mechanism.addNoise(clip.clipped(), noiseMultiplier * clipNorm);
        return new PrivatizedUpdate(noised, clip.preClipNorm(), clip.wasClipped(), clipNorm, noiseMultiplier);
    }

    /**
     * Adaptive clipping (Andrew et al. 2021): the client's noised "not clipped" bit
     * {@code b = 1[preClipNorm <= C] - 0.5 + N(0, sigmaB²)}; the coordinator averages these to steer C
     * towards a target quantile. sigmaB = 0 returns the bare ±0.5.
     *
     * @throws IllegalArgumentException if sigmaB is negative, NaN or infinite
     */
    public double noisedUnclippedBit(PrivatizedUpdate update, double sigmaB) {
        Objects.requireNonNull(update, "update");
        if (!(sigmaB >= 0) || Double.isInfinite(sigmaB)) {
            throw new IllegalArgumentException("clipped-bit stddev sigma_b must be finite and >= 0, got " + sigmaB);
        }
        double bit = update.wasClipped() ? -0.5 : 0.5;
        return mechanism.sample(bit, sigmaB);
    }
}
