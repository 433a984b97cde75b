package io.fedlead.core.privacy.accounting;

/**
 * Rényi-DP of one step of the Poisson-subsampled Gaussian mechanism (sampling rate q, noise multiplier z = noise
 * standard deviation / L2 sensitivity) under add/remove-one neighbouring, after Mironov, Talwar &amp; Zhang 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (arXiv:1908.10530), Section 3.
 *
 * <p>The RDP at order α is log(A_α)/(α-1) with A_α = E_{x~N(0,z²)}[((1-q) + q·exp((2x-1)/(2z²)))^α]. For integer α
 * A_α is a finite binomial sum (Section 3.2); for fractional α it is the two-sided series of Section 3.3, whose
 * binomial coefficients alternate in sign from k = ⌈α⌉ on, summed with a signed log-space accumulator (as TF
 * Privacy's and Opacus' {@code _compute_log_a_frac} do with {@code _log_add}/{@code _log_sub}). The series is cut
 * once both terms decrease, fall below e^-30 of the running total, and the last term added was positive: in the
 * alternating tail that makes the partial sum an upper bound on A_α, off by less than e^-30 relative.
 *
 * <p>Where that series does not settle within {@link #MAX_SERIES_TERMS} terms (its terms decay only polynomially
 * when z is large next to z²·log(1/q - 1), e.g. q = 0.5, z = 10^4, α near 1) or cannot be evaluated in double
 * precision, log A_α is bounded by linear interpolation between the integer orders ⌊α⌋ and ⌈α⌉ (log A_1 = 0): log
 * A_α is a cumulant generating function, hence convex in α, so the chord lies above it. Either way the result is
 * an upper bound, never NaN; +∞ only when the integer sums themselves overflow (z below ~1e-150).
 */
public final class SampledGaussianRdp {
    /** Largest order accepted; the integer sum costs O(α). */
    public static final double MAX_ORDER = 1e6;
    /** Terms (beyond 2⌈α⌉) after which a fractional-order series gives way to the convex interpolation bound. */
    public static final int MAX_SERIES_TERMS = 5_000;
    /** The fractional series stops when new terms are below e^-30 of the total (relative 1e-13). */
    private static final double LOG_RELATIVE_CUTOFF = 30.0;
    private static final double SQRT_TWO = Math.sqrt(2.0);

    private SampledGaussianRdp() {
    }

    /**
     * RDP at {@code order} of one step at sampling rate {@code q} and noise multiplier {@code z}: 0 when q = 0, +∞
     * when z = 0 (and q &gt; 0), exactly α/(2z²) when q = 1.
     *
     * @throws IllegalArgumentException naming the value if q is outside [0, 1], z is negative or NaN, or the order is
     *                                  not a finite number in (1, {@value #MAX_ORDER}]
     */
    public static double rdp(double q, double z, double order) {
        checkSampleRate(q);
        checkNoiseMultiplier(z);
        checkOrder(order);
        if (q == 0.0) {
            return 0.0;
        }
        if (z == 0.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1.0) {
            return order / (2.0 * z * z);
        }
        double logA = order == Math.rint(order) ? logAInteger(q, z, (int) order) : logAFractional(q, z, order);
        if (Double.isNaN(logA)) {
            logA = logAInterpolated(q, z, order);
        }
        double rdp = logA / (order - 1.0);
        if (Double.isNaN(rdp)) {
            return Double.POSITIVE_INFINITY;
        }
        // A_α >= 1 in exact arithmetic; a tiny negative log is rounding, and RDP is never negative.
        return Math.max(0.0, rdp);
    }

    static void checkSampleRate(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("sample rate q must be in [0, 1], got " + q);
        }
    }

    static void checkNoiseMultiplier(double z) {
        if (!(z >= 0.0)) {
            throw new IllegalArgumentException("noise multiplier z must be >= 0, got " + z);
        }
    }

    static void checkOrder(double order) {
        if (!(order > 1.0 && order <= MAX_ORDER)) {
            throw new IllegalArgumentException("RDP order must be a finite number in (1, " + MAX_ORDER + "], got "
                    + order);
        }
    }

    /** (m² - m)/(2z²), written so that m ∈ {0, 1} gives 0 even when 1/z² overflows. */
    private static double quadratic(double m, double z) {
        double numerator = m * m - m;
        return numerator == 0.0 ? 0.0 : numerator / (2.0 * z * z);
    }

    /** log A_α = log Σ_{i=0}^{α} C(α,i) q^i (1-q)^{α-i} exp((i²-i)/(2z²)), all terms positive. */
    private static double logAInteger(double q, double z, int alpha) {
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        double logBinomial = 0.0; // log C(alpha, i), by the ratio C(a,i)/C(a,i-1) = (a-i+1)/i
        double logA = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinomial += Math.log(alpha - i + 1) - Math.log(i);
            }
            double term = logBinomial + i * logQ + (alpha - i) * log1mq + quadratic(i, z);
            logA = LogMath.logAdd(logA, term);
        }
        return logA;
    }

    /**
     * log A_α for fractional α (Mironov et al. 2019, Section 3.3): A_α = A_0 + A_1 with z0 = z²·log(1/q - 1) + 1/2,
     * A_0 = Σ_k C(α,k) q^k (1-q)^{α-k} exp((k²-k)/(2z²)) · erfc((k - z0)/(√2 z))/2 and
     * A_1 = Σ_k C(α,k) q^{α-k} (1-q)^k exp(((α-k)²-(α-k))/(2z²)) · erfc((z0 - (α-k))/(√2 z))/2.
     * NaN when the series cannot be trusted (not settled, or not representable); the caller then interpolates.
     */
    private static double logAFractional(double q, double z, double alpha) {
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        double z0 = z * z * (log1mq - logQ) + 0.5;
        double sqrt2z = SQRT_TWO * z;
        LogMath.SignedLogSum a0 = new LogMath.SignedLogSum();
        LogMath.SignedLogSum a1 = new LogMath.SignedLogSum();
        double logAbsBinomial = 0.0;
        int sign = 1;
        double lastS0 = Double.NEGATIVE_INFINITY;
        double lastS1 = Double.NEGATIVE_INFINITY;
        int maxTerms = MAX_SERIES_TERMS + 2 * (int) Math.ceil(alpha);
        for (int k = 0; k < maxTerms; k++) {
            if (k > 0) {
                // C(α,k) = C(α,k-1)·(α-k+1)/k; the factor is negative (flipping the sign) once k > α + 1.
                double factor = alpha - k + 1;
                logAbsBinomial += Math.log(Math.abs(factor)) - Math.log(k);
                if (factor < 0) {
                    sign = -sign;
                }
            }
            double j = alpha - k;
            double logT0 = logAbsBinomial + k * logQ + j * log1mq;
            double logT1 = logAbsBinomial + j * logQ + k * log1mq;
            double logE0 = LogMath.LN_HALF + LogMath.logErfc((k - z0) / sqrt2z);
            double logE1 = LogMath.LN_HALF + LogMath.logErfc((z0 - j) / sqrt2z);
            double logS0 = logT0 + quadratic(k, z) + logE0;
            double logS1 = logT1 + quadratic(j, z) + logE1;
            if (Double.isNaN(logS0) || Double.isNaN(logS1)) {
                return Double.NaN;
            }
            a0.add(sign, logS0);
            a1.add(sign, logS1);
            LogMath.SignedLogSum total = new LogMath.SignedLogSum();
            total.add(a0.sign(), a0.logMagnitude());
            total.add(a1.sign(), a1.logMagnitude());
            if (Double.isNaN(total.logMagnitude())) {
                return Double.NaN;
            }
            if (k > alpha && sign > 0 && decreasing(logS0, lastS0) && decreasing(logS1, lastS1)
                    && Math.max(logS0, logS1) < total.logMagnitude() - LOG_RELATIVE_CUTOFF) {
                // A_α >= 1: a non-positive sum can only be cancellation gone wrong.
                return total.sign() > 0 ? total.logMagnitude() : Double.NaN;
            }
            lastS0 = logS0;
            lastS1 = logS1;
        }
        return Double.NaN;
    }

    private static boolean decreasing(double logTerm, double previous) {
        return logTerm < previous || logTerm == Double.NEGATIVE_INFINITY;
    }

    /** Chord of the convex log A between ⌊α⌋ and ⌈α⌉, an upper bound on log A_α. */
    private static double logAInterpolated(double q, double z, double alpha) {
        int lower = (int) Math.floor(alpha);
        double t = alpha - lower;
        double logALower = lower == 1 ? 0.0 : logAInteger(q, z, lower);
        double logAUpper = logAInteger(q, z, lower + 1);
        if (t == 0.0 || logALower == Double.POSITIVE_INFINITY || logAUpper == Double.POSITIVE_INFINITY) {
            return t == 0.0 ? logALower : Double.POSITIVE_INFINITY;
        }
        return (1.0 - t) * logALower + t * logAUpper;
    }
}
