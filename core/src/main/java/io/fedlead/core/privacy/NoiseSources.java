package io.fedlead.core.privacy;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Factories of the random generators behind DP noise: {@value #ALGORITHM} (an LXM generator from the JDK's
 * {@code jdk.random} module: a 64-bit LCG mixed with a xoroshiro128 subgenerator, period 2^192, passes
 * TestU01 BigCrush and PractRand). Gaussian samples come from {@link RandomGenerator#nextGaussian()}, which in
 * Java 17 is McFarland's modified ziggurat algorithm (2016) over this generator's 64-bit outputs.
 *
 * <p>Why not {@link SecureRandom} directly: noising a 1M-parameter update needs 1M Gaussians, and a DRBG is
 * 10-50x slower than LXM. We seed LXM from {@code SecureRandom} instead, so the noise is unpredictable to
 * anyone without the seed. Caveat (documented, not solved): like every double-precision sampler, this does
 * not defend against the floating-point attacks of Mironov (CCS 2012); a discrete Gaussian would.
 */
public final class NoiseSources {
    /** The JDK algorithm name used by both factories. */
    public static final String ALGORITHM = "L64X128MixRandom";

    /** How {@link #secure()} noise is described in a client's ledger. */
    public static final String SECURE_DESCRIPTION = "SecureRandom-seeded " + ALGORITHM;

    /** 256 bits: the full state of L64X128 (64-bit additive parameter, 64-bit LCG state, 128-bit xoroshiro). */
    private static final int SEED_BYTES = 32;

    private NoiseSources() {
    }

    /** A fresh {@value #ALGORITHM} seeded with 32 bytes from {@link SecureRandom}; use for real clients. */
    public static RandomGenerator secure() {
        byte[] seed = new byte[SEED_BYTES];
        new SecureRandom().nextBytes(seed);
        return RandomGeneratorFactory.<RandomGenerator>of(ALGORITHM).create(seed);
    }

    /** How {@link #seededForSimulation} noise is described in a client's ledger: "fixed seed N (simulation)". */
    public static String simulationDescription(long seed) {
        return "fixed seed " + seed + " (simulation)";
    }

    /** A {@value #ALGORITHM} from a fixed seed: reproducible noise, for simulations and tests only. */
    public static RandomGenerator seededForSimulation(long seed) {
        return RandomGeneratorFactory.<RandomGenerator>of(ALGORITHM).create(seed);
    }
}
