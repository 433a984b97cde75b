package io.fedlead.core.privacy.accounting;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How an RDP guarantee (α, ρ) becomes an (ε, δ) guarantee; the accountant minimises ε over its orders.
 *
 * <p>{@link #CLASSIC}: ε = ρ - log(δ)/(α-1) (Mironov 2017, Proposition 3). {@link #IMPROVED}, the default:
 * ε = ρ + log1p(-1/α) - log(δ·α)/(α-1) (Balle et al. 2020, Theorem 21; Canonne, Kamath &amp; Steinke 2020,
 * Proposition 12), never larger than CLASSIC; as in Google's dp_accounting it also uses the KL-divergence bound
 * δ &gt;= sqrt(1 - exp(-ρ)) ⇒ ε = 0. Both are clamped at 0 (a negative ε bound implies (0, δ)-DP).
 */
public enum EpsilonConversion {
    CLASSIC {
        @Override
        double unclampedEpsilon(double order, double rdp, double delta) {
            return rdp - Math.log(delta) / (order - 1.0);
        }
    },
    IMPROVED {
        @Override
        double unclampedEpsilon(double order, double rdp, double delta) {
            // Total variation <= sqrt(1 - exp(-KL)) <= sqrt(1 - exp(-rdp)) (RDP is non-decreasing in α).
            if (delta * delta + Math.expm1(-rdp) > 0.0) {
                return 0.0;
            }
            return rdp + Math.log1p(-1.0 / order) - (Math.log(delta) + Math.log(order)) / (order - 1.0);
        }
    };

    abstract double unclampedEpsilon(double order, double rdp, double delta);

    /** Lower-case name used on the command line and in reports ("classic", "improved"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #label()} (case-insensitive); the message names the bad text. */
    public static EpsilonConversion fromLabel(String label) {
        Objects.requireNonNull(label, "conversion label");
        for (EpsilonConversion c : values()) {
            if (c.label().equalsIgnoreCase(label.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("conversion must be 'classic' or 'improved', got '" + label + "'");
    }

    /**
     * ε for one order: +∞ when the RDP is +∞, otherwise finite and &gt;= 0.
     *
     * @throws IllegalArgumentException naming the value for an order outside (1, ∞), a negative or NaN RDP, or a δ
     *                                  outside (0, 1)
     */
    public double epsilon(double order, double rdp, double delta) {
        checkDelta(delta);
        if (!(order > 1.0) || Double.isInfinite(order)) {
            throw new IllegalArgumentException("RDP order must be a finite number > 1, got " + order);
        }
        if (!(rdp >= 0.0)) {
            throw new IllegalArgumentException("RDP at order " + order + " must be >= 0, got " + rdp);
        }
        if (rdp == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double eps = unclampedEpsilon(order, rdp, delta);
        return Double.isNaN(eps) ? Double.POSITIVE_INFINITY : Math.max(0.0, eps);
    }

    /**
     * The smallest ε over an RDP curve and the order attaining it (the first such order on ties; the first order if
     * every ε is +∞).
     */
    public PrivacySpent bestOver(List<Double> orders, List<Double> rdp, double delta) {
        if (orders.isEmpty() || orders.size() != rdp.size()) {
            throw new IllegalArgumentException("need one RDP value per order and at least one order, got "
                    + orders.size() + " orders and " + rdp.size() + " RDP values");
        }
        int best = 0;
        double bestEpsilon = Double.POSITIVE_INFINITY;
        for (int i = 0; i < orders.size(); i++) {
            double eps = epsilon(orders.get(i), rdp.get(i), delta);
            if (eps < bestEpsilon) {
                bestEpsilon = eps;
                best = i;
            }
        }
        return new PrivacySpent(bestEpsilon, delta, orders.get(best), this);
    }

    static void checkDelta(double delta) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
    }
}
