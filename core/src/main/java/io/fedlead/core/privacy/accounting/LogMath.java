package io.fedlead.core.privacy.accounting;

/**
 * Log-space arithmetic and a log-complementary-error-function, the numerical kernel of the RDP accountant.
 *
 * <p>Values are carried as natural logarithms so that sums of terms like {@code exp(10^6)} or {@code exp(-10^6)}
 * neither overflow nor underflow; zero is {@code -Infinity}.
 */
final class LogMath {
    static final double LN_HALF = Math.log(0.5);
    private static final double LN_TWO = Math.log(2.0);
    private static final double HALF_LN_PI = 0.5 * Math.log(Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    /** Below this |x| erfc is 1 - erf with erf from its power series; above, the continued fraction. */
    private static final double SERIES_LIMIT = 1.5;
    private static final int MAX_FRACTION_TERMS = 1_000;

    private LogMath() {
    }

    /** log(exp(a) + exp(b)). */
    static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        if (hi == Double.POSITIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** log(exp(a) - exp(b)) for a >= b. */
    static double logSub(double a, double b) {
        if (b > a) {
            throw new IllegalArgumentException("log-space difference would be negative: a=" + a + " < b=" + b);
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == Double.POSITIVE_INFINITY) {
            return b == Double.POSITIVE_INFINITY ? Double.NaN : a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        return a + Math.log1p(-Math.exp(b - a));
    }

    /**
     * log(erfc(x)) to about 1e-15 relative accuracy for every finite x, including x far beyond 26.5 where erfc
     * itself underflows to zero.
     *
     * <p>Method: for |x| &lt; 1.5, erf(x) = (2/sqrt(pi)) exp(-x^2) sum_n x (2x^2)^n / (2n+1)!! (all terms positive, so
     * no cancellation inside erf) and log(erfc) = log1p(-erf); the subtraction costs at most a factor 1/erfc(1.5) = 30
     * in relative error. For x &gt;= 1.5, Laplace's continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x +
     * 1/(x + (3/2)/(x + ...)))), evaluated by the modified Lentz method, gives the log directly as -x^2 - log(sqrt(pi))
     * - log(fraction) (at most ~90 terms at x = 1.5, 6 at x = 30). For x &lt;= -1.5, erfc(x) = 2 - erfc(-x). Checked
     * in the tests against 40-digit mpmath values.
     */
    static double logErfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= -SERIES_LIMIT) {
            // erfc(x) = 2 - erfc(-x), with erfc(-x) <= erfc(1.5) = 0.034, so no precision is lost.
            return LN_TWO + Math.log1p(-0.5 * Math.exp(logErfcContinuedFraction(-x)));
        }
        if (x < SERIES_LIMIT) {
            return Math.log1p(-erfSeries(x));
        }
        return logErfcContinuedFraction(x);
    }

    private static double erfSeries(double x) {
        double twoXSquared = 2.0 * x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= twoXSquared / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
    }

    /** log(erfc(x)) for x >= 1.5 from the continued fraction; never underflows. */
    private static double logErfcContinuedFraction(double x) {
        if (x == Double.POSITIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int n = 1; n <= MAX_FRACTION_TERMS; n++) {
            double a = 0.5 * n;
            d = x + a * d;
            d = d == 0.0 ? tiny : d;
            d = 1.0 / d;
            c = x + a / c;
            c = c == 0.0 ? tiny : c;
            double step = c * d;
            f *= step;
            if (Math.abs(step - 1.0) < 1e-16) {
                break;
            }
        }
        return -x * x - HALF_LN_PI - Math.log(f);
    }

    /** A running sum of signed terms held as (sign, log magnitude); local to one computation, never shared. */
    static final class SignedLogSum {
        private int sign;
        private double logMagnitude = Double.NEGATIVE_INFINITY;

        /** Adds sign * exp(logTerm), sign being +1 or -1. */
        void add(int termSign, double logTerm) {
            if (logTerm == Double.NEGATIVE_INFINITY) {
                return;
            }
            if (sign == 0) {
                sign = termSign;
                logMagnitude = logTerm;
            } else if (sign == termSign) {
                logMagnitude = logAdd(logMagnitude, logTerm);
            } else if (logMagnitude > logTerm) {
                logMagnitude = logSub(logMagnitude, logTerm);
            } else if (logMagnitude < logTerm) {
                logMagnitude = logSub(logTerm, logMagnitude);
                sign = termSign;
            } else if (Double.isNaN(logTerm) || Double.isNaN(logMagnitude) || logTerm == Double.POSITIVE_INFINITY) {
                logMagnitude = Double.NaN; // includes ∞ - ∞
            } else {
                sign = 0;
                logMagnitude = Double.NEGATIVE_INFINITY;
            }
            if (logMagnitude == Double.NEGATIVE_INFINITY) {
                sign = 0;
            }
        }

        int sign() {
            return sign;
        }

        double logMagnitude() {
            return logMagnitude;
        }
    }
}
