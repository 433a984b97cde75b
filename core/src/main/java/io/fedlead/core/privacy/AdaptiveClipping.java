package io.fedlead.core.privacy;

import java.util.Collection;
import java.util.Locale;

/**
 * Adaptive clipping by quantile tracking (Andrew, Thakkar, McMahan, Ramaswamy, "Differentially Private Learning with
 * Adaptive Clipping", NeurIPS 2021): each client reports whether its update was NOT clipped, as
 * {@code b = 1[norm <= C] - 0.5} plus Gaussian noise of std σ_b; the coordinator takes the noised fraction unclipped
 * {@code b̄ = mean(b) + 0.5} and moves C geometrically towards the target quantile γ:
 * {@code C <- C · exp(-η (b̄ - γ))}. Too many unclipped updates (b̄ > γ) shrink C; too few grow it.
 *
 * <p>Counting UNclipped updates matters: TF Privacy's formula is written for the unclipped fraction; feeding it the
 * clipped fraction moves C the wrong way.
 *
 * <p>Privacy: the bits are a second Gaussian query (sensitivity 1/2 per client, so noise multiplier 2σ_b). Noising the
 * update with {@link #updateNoiseMultiplier z_Δ} instead of z makes the two queries together cost exactly what one
 * query with multiplier z costs, so the accountant keeps using z.
 *
 * @param targetQuantile γ in (0, 1): the share of updates that should end up unclipped
 * @param learningRate   η > 0 of the geometric update
 */
public record AdaptiveClipping(double targetQuantile, double learningRate) {
    public AdaptiveClipping {
        if (!(targetQuantile > 0 && targetQuantile < 1)) {
            throw new IllegalArgumentException("target quantile γ must be in (0, 1), got " + targetQuantile);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("adaptive clipping learning rate η must be finite and > 0, got " + learningRate);
        }
    }

    /** The next clip norm {@code C · exp(-η (unclippedFraction - γ))}. */
    public double next(double clipNorm, double unclippedFraction) {
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        if (Double.isNaN(unclippedFraction) || Double.isInfinite(unclippedFraction)) {
            throw new IllegalArgumentException("unclipped fraction must be finite, got " + unclippedFraction);
        }
        return clipNorm * Math.exp(-learningRate * (unclippedFraction - targetQuantile));
    }

    /**
     * The noised fraction of unclipped updates, {@code mean(bits) + 0.5}, from the reported bits (each ±0.5 plus
     * noise). With noise it may fall outside [0, 1]; the update rule does not need it clamped.
     *
     * @throws IllegalArgumentException if there are no bits or one is not finite
     */
    public static double unclippedFraction(Collection<Double> reportedBits) {
        if (reportedBits.isEmpty()) {
            throw new IllegalArgumentException("no clipping bits reported; the unclipped fraction is undefined");
        }
        double sum = 0;
        for (double b : reportedBits) {
            if (!Double.isFinite(b)) {
                throw new IllegalArgumentException("reported clipping bit is " + b + ", expected a finite number");
            }
            sum += b;
        }
        return sum / reportedBits.size() + 0.5;
    }

    /** The paper's default bit noise σ_b = m/20 for m expected clients per round. */
    public static double defaultBitStddev(double expectedClients) {
        if (!(expectedClients > 0) || Double.isInfinite(expectedClients)) {
            throw new IllegalArgumentException("expected clients per round must be finite and > 0, got " + expectedClients);
        }
        return expectedClients / 20.0;
    }

    /**
     * The update noise multiplier {@code z_Δ = (z^-2 - (2σ_b)^-2)^(-1/2)} that, together with bit noise σ_b, costs
     * what noise multiplier z alone costs. z = 0 (no privacy) gives 0.
     *
     * @throws IllegalArgumentException if 2σ_b <= z (z_Δ is then undefined: the bits alone would use up the budget)
     */
    public static double updateNoiseMultiplier(double z, double bitStddev) {
        if (!(z >= 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("noise multiplier z must be finite and >= 0, got " + z);
        }
        if (!(bitStddev > 0) || Double.isInfinite(bitStddev)) {
            throw new IllegalArgumentException("clipping-bit stddev σ_b must be finite and > 0, got " + bitStddev);
        }
        if (z == 0) {
            return 0;
        }
        if (2 * bitStddev <= z) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "clipping-bit stddev σ_b = %s is too small for noise multiplier z = %s: z_Δ = (z^-2 - (2σ_b)^-2)^(-1/2) "
                            + "needs 2σ_b > z", bitStddev, z));
        }
        return Math.pow(Math.pow(z, -2) - Math.pow(2 * bitStddev, -2), -0.5);
    }

    /**
     * The inverse: the single noise multiplier whose cost equals an update noised with {@code zDelta} plus a bit noised
     * with σ_b, {@code (z_Δ^-2 + (2σ_b)^-2)^(-1/2)}. σ_b = 0 means no bit was sent and gives z_Δ.
     */
    public static double totalNoiseMultiplier(double zDelta, double bitStddev) {
        if (!(zDelta >= 0) || Double.isInfinite(zDelta)) {
            throw new IllegalArgumentException("update noise multiplier z_Δ must be finite and >= 0, got " + zDelta);
        }
        if (!(bitStddev >= 0) || Double.isInfinite(bitStddev)) {
            throw new IllegalArgumentException("clipping-bit stddev σ_b must be finite and >= 0, got " + bitStddev);
        }
        if (bitStddev == 0 || zDelta == 0) {
            return zDelta;
        }
        return Math.pow(Math.pow(zDelta, -2) + Math.pow(2 * bitStddev, -2), -0.5);
    }
}
