package io.fedlead.cli.privacy;

import io.fedlead.core.privacy.accounting.PrivacySpent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting for the privacy commands' key=value lines. */
final class Formats {
    private Formats() {
    }

    /** Shortest round-tripping form, Python style: 0.04, 1.5, 2250, 1e-05. */
    static String compact(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exponent = Integer.parseInt(s.substring(e + 1));
        return String.format(Locale.ROOT, "%se%s%02d", mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
    }

    /** ε to four decimals (scientific below 1e-4), "inf" when unbounded. */
    static String epsilon(double eps) {
        if (Double.isInfinite(eps)) {
            return "inf";
        }
        return eps != 0.0 && eps < 1e-4 ? String.format(Locale.ROOT, "%.4e", eps) : String.format(Locale.ROOT, "%.4f", eps);
    }

    /** z rounded up to six decimals: rounding up can only add noise, so the target still holds. */
    static double roundUpNoise(double z) {
        return new BigDecimal(z).setScale(6, RoundingMode.CEILING).doubleValue();
    }

    static String spent(PrivacySpent spent) {
        return "epsilon=" + epsilon(spent.epsilon()) + " delta=" + compact(spent.delta()) + " order="
                + compact(spent.optimalOrder()) + " conversion=" + spent.conversion().label();
    }
}
