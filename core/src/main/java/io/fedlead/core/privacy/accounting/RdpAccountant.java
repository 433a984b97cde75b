package io.fedlead.core.privacy.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Immutable Rényi-DP ledger of Poisson-subsampled Gaussian steps: per order, the RDP accumulated so far.
 *
 * <p>Composition is additive in RDP at each order, so {@link #advance} returns a new accountant whose RDP is this
 * one's plus {@code steps} times the per-step RDP; rounds with different (q, z) simply add up. Immutability lets the
 * coordinator keep the ledger of each committed round and try a candidate round without touching it; the
 * per-step RDP is computed once per order per {@code advance}, not per step.
 */
public final class RdpAccountant {
    /** 1 + x/10 for x = 1..99, the integers 11..63, then 128, 256, 512, 1024 (156 orders, as in TF Privacy). */
    public static final List<Double> DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;
    private final double[] rdp;
    private final long steps;

    private RdpAccountant(double[] orders, double[] rdp, long steps) {
        this.orders = orders;
        this.rdp = rdp;
        this.steps = steps;
    }

    /** A fresh accountant (no privacy spent) over {@link #DEFAULT_ORDERS}. */
    public static RdpAccountant withDefaultOrders() {
        return withOrders(DEFAULT_ORDERS);
    }

    /**
     * A fresh accountant over the given orders.
     *
     * @throws IllegalArgumentException if the list is empty or an order is not a finite number in
     *                                  (1, {@value SampledGaussianRdp#MAX_ORDER}] (the message names it)
     */
    public static RdpAccountant withOrders(List<Double> orders) {
        Objects.requireNonNull(orders, "orders");
        if (orders.isEmpty()) {
            throw new IllegalArgumentException("at least one RDP order is needed");
        }
        double[] copy = new double[orders.size()];
        for (int i = 0; i < copy.length; i++) {
            Double order = Objects.requireNonNull(orders.get(i), "order at index " + i);
            SampledGaussianRdp.checkOrder(order);
            copy[i] = order;
        }
        return new RdpAccountant(copy, new double[copy.length], 0L);
    }

    /**
     * This ledger plus {@code steps} steps of the sampled Gaussian mechanism at rate {@code q} and noise multiplier
     * {@code z}.
     *
     * @throws IllegalArgumentException naming the value if q is outside [0, 1], z &lt; 0 or NaN, or steps &lt; 0
     */
    public RdpAccountant advance(double q, double z, int steps) {
        SampledGaussianRdp.checkSampleRate(q);
        SampledGaussianRdp.checkNoiseMultiplier(z);
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (steps == 0) {
            return this; // also avoids 0 * Infinity for z = 0
        }
        double[] next = new double[rdp.length];
        for (int i = 0; i < orders.length; i++) {
            double perStep = SampledGaussianRdp.rdp(q, z, orders[i]);
            next[i] = perStep == 0.0 ? rdp[i] : rdp[i] + steps * perStep;
        }
        return new RdpAccountant(orders, next, this.steps + steps);
    }

    /** (ε, δ) by the {@link EpsilonConversion#IMPROVED} conversion, minimised over the orders. */
    public PrivacySpent epsilon(double delta) {
        return epsilon(delta, EpsilonConversion.IMPROVED);
    }

    /**
     * (ε, δ) by the given conversion, minimised over the orders; ε is +∞ when every order's RDP is +∞.
     *
     * @throws IllegalArgumentException naming the value if delta is outside (0, 1)
     */
    public PrivacySpent epsilon(double delta, EpsilonConversion conversion) {
        Objects.requireNonNull(conversion, "conversion");
        return conversion.bestOver(orders(), rdp(), delta);
    }

    /** The RDP orders, in the order given. */
    public List<Double> orders() {
        return boxed(orders);
    }

    /** The accumulated RDP, one value per order (0 for a fresh accountant, +∞ allowed). */
    public List<Double> rdp() {
        return boxed(rdp);
    }

    /** Total number of steps composed so far. */
    public long steps() {
        return steps;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return List.copyOf(list);
    }

    private static List<Double> defaultOrders() {
        List<Double> orders = new ArrayList<>();
        for (int x = 1; x <= 99; x++) {
            orders.add(1.0 + x / 10.0); // exact integers at x = 10, 20, ..., 90, so those take the integer path
        }
        for (int a = 11; a <= 63; a++) {
            orders.add((double) a);
        }
        orders.addAll(List.of(128.0, 256.0, 512.0, 1024.0));
        return List.copyOf(orders);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RdpAccountant a && steps == a.steps && Arrays.equals(orders, a.orders)
                && Arrays.equals(rdp, a.rdp);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(orders) + Arrays.hashCode(rdp)) + Long.hashCode(steps);
    }

    @Override
    public String toString() {
        return "RdpAccountant[" + orders.length + " orders, " + steps + " steps]";
    }
}
