package io.fedlead.core.privacy.accounting;

import java.util.Objects;

/**
 * Finds the smallest noise multiplier z whose rounds keep ε at or below a target, by bracket doubling then
 * bisection on z (ε is non-increasing in z at every order, hence after the minimum over orders too).
 *
 * <p>The answer is the upper end of the final bracket, so its ε never exceeds the target; the bracket is narrowed to
 * {@value #ABSOLUTE_TOLERANCE} in z, or to 1e-5 relative when that is tighter (below z = 10), so that the returned
 * z is also within 1e-4 of the true minimum. A starting accountant carries privacy already spent, so the coordinator
 * can calibrate the remaining rounds of a budget.
 */
public final class NoiseCalibrator {
    /** Absolute bracket width on z at which bisection stops. */
    public static final double ABSOLUTE_TOLERANCE = 1e-4;
    private static final double RELATIVE_TOLERANCE = 1e-5;
    /** Brackets beyond this z mean the target sits within rounding of what infinite noise gives. */
    private static final double MAX_NOISE_MULTIPLIER = 1e12;

    private final RdpAccountant start;
    private final EpsilonConversion conversion;

    /** Calibrates on top of {@code start} (a fresh accountant for a whole budget) using {@code conversion}. */
    public NoiseCalibrator(RdpAccountant start, EpsilonConversion conversion) {
        this.start = Objects.requireNonNull(start, "start");
        this.conversion = Objects.requireNonNull(conversion, "conversion");
    }

    /** Default orders, no prior spend, {@link EpsilonConversion#IMPROVED}. */
    public NoiseCalibrator() {
        this(RdpAccountant.withDefaultOrders(), EpsilonConversion.IMPROVED);
    }

    /**
     * The smallest z (to the tolerance above) such that {@code steps} more steps at rate {@code q} keep ε at
     * {@code delta} at or below {@code targetEpsilon}. Returns z = 0 when q = 0 or steps = 0 and the target holds.
     *
     * @throws IllegalArgumentException naming the value for a non-positive or NaN target, δ outside (0, 1), q outside
     *                                  [0, 1] or negative steps; and, naming the target, when no noise level can reach
     *                                  it (the ε with unbounded noise is already above it)
     */
    public NoiseCalibration calibrate(double targetEpsilon, double delta, double q, int steps) {
        if (!(targetEpsilon > 0.0) || Double.isInfinite(targetEpsilon)) {
            throw new IllegalArgumentException("target epsilon must be a finite number > 0, got " + targetEpsilon);
        }
        EpsilonConversion.checkDelta(delta);
        SampledGaussianRdp.checkSampleRate(q);
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        PrivacySpent floor = start.epsilon(delta, conversion);
        if (floor.epsilon() > targetEpsilon) {
            throw unreachable(targetEpsilon, delta, floor);
        }
        if (q == 0.0 || steps == 0) {
            return new NoiseCalibration(0.0, floor);
        }
        double lo = 0.0; // ε(0) = +∞ here
        double hi = 1.0;
        PrivacySpent atHi = spend(hi, delta, q, steps);
        while (atHi.epsilon() > targetEpsilon) {
            if (hi >= MAX_NOISE_MULTIPLIER) {
                throw unreachable(targetEpsilon, delta, floor);
            }
            lo = hi;
            hi *= 2.0;
            atHi = spend(hi, delta, q, steps);
        }
        while (hi - lo > Math.min(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * hi)) {
            double mid = 0.5 * (lo + hi);
            PrivacySpent atMid = spend(mid, delta, q, steps);
            if (atMid.epsilon() <= targetEpsilon) {
                hi = mid;
                atHi = atMid;
            } else {
                lo = mid;
            }
        }
        return new NoiseCalibration(hi, atHi);
    }

    private PrivacySpent spend(double z, double delta, double q, int steps) {
        return start.advance(q, z, steps).epsilon(delta, conversion);
    }

    private IllegalArgumentException unreachable(double targetEpsilon, double delta, PrivacySpent floor) {
        return new IllegalArgumentException("target epsilon " + targetEpsilon + " at delta " + delta
                + " is unreachable: even unbounded noise leaves epsilon " + floor.epsilon() + " (" + conversion.label()
                + " conversion, " + start.steps() + " prior steps)");
    }
}
