package io.fedlead.core.privacy;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A random generator for DP noise plus what provenance records about it, e.g. "fixed seed 42 (simulation)".
 *
 * @param rng          the generator (not thread-safe: one per client/thread)
 * @param reproducible true when the noise can be replayed from a seed, which is only acceptable in simulations
 * @param description  how the generator was made, for provenance; never contains seed bytes of a secure source
 */
public record NoiseSource(RandomGenerator rng, boolean reproducible, String description) {
    public NoiseSource {
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(description, "description");
        if (description.isBlank()) {
            throw new IllegalArgumentException("noise source description must not be blank");
        }
    }

    /** A {@link NoiseSources#secure()} generator, described for provenance. */
    public static NoiseSource secure() {
        return new NoiseSource(NoiseSources.secure(), false,
                NoiseSources.ALGORITHM + " seeded with 256 bits from SecureRandom");
    }

    /** A {@link NoiseSources#seededForSimulation(long)} generator, described for provenance. */
    public static NoiseSource seededForSimulation(long seed) {
        return new NoiseSource(NoiseSources.seededForSimulation(seed), true,
                "fixed seed " + seed + " (simulation)");
    }
}
