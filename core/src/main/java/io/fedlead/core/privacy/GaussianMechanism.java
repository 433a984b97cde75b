package io.fedlead.core.privacy;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The Gaussian mechanism on a clipped update: adds independent N(0, stddev²) noise to every coordinate,
 * where the caller passes stddev = z * C (noise multiplier times clip norm).
 *
 * <p>Each noise sample is drawn as a double ({@link RandomGenerator#nextGaussian()}, McFarland's modified
 * ziggurat in Java 17), added to the coordinate in double precision, and the sum is rounded to float32 once,
 * so float rounding never happens between scaling the noise and adding it. Not thread-safe, like its generator.
 */
public final class GaussianMechanism {
    private final RandomGenerator rng;

    public GaussianMechanism(RandomGenerator rng) {
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * Returns a new array {@code (float) (clipped[i] + stddev * g_i)} with g_i standard normal, drawn in index
     * order. A stddev of 0 returns an unchanged copy (no-noise runs; the configuration layer decides if allowed).
     *
     * @throws IllegalArgumentException if stddev is negative, NaN or infinite
     */
    public float[] addNoise(float[] clipped, double stddev) {
        Objects.requireNonNull(clipped, "clipped");
        if (!(stddev >= 0) || Double.isInfinite(stddev)) {
            throw new IllegalArgumentException("noise stddev (z * C) must be finite and >= 0, got " + stddev);
        }
        float[] out = new float[clipped.length];
        if (stddev == 0) {
            System.arraycopy(clipped, 0, out, 0, clipped.length);
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (clipped[i] + stddev * rng.nextGaussian());
        }
        return out;
    }

    /** One N(mean, stddev²) sample in double, e.g. for the noised clipped-bit of adaptive clipping. */
    public double sample(double mean, double stddev) {
        if (!(stddev >= 0) || Double.isInfinite(stddev)) {
            throw new IllegalArgumentException("noise stddev must be finite and >= 0, got " + stddev);
        }
        return stddev == 0 ? mean : mean + stddev * rng.nextGaussian();
    }
}
