package io.fedlead.core.privacy.accounting;

import static io.fedlead.core.privacy.accounting.SampledGaussianRdpTest.assertMessageContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RdpAccountantTest {
    private static final RdpAccountant FRESH = RdpAccountant.withDefaultOrders();

    @Test
    void defaultOrders_areTheTfPrivacyGrid() {
        List<Double> orders = RdpAccountant.DEFAULT_ORDERS;
        assertEquals(156, orders.size());
        assertEquals(1.1, orders.get(0));
        assertEquals(2.0, orders.get(9));
        assertEquals(10.9, orders.get(98));
        assertEquals(11.0, orders.get(99));
        assertEquals(63.0, orders.get(151));
        assertEquals(List.of(128.0, 256.0, 512.0, 1024.0), orders.subList(152, 156));
    }

    /** Opacus tests/accountants_test.py, test_rdp_accountant: 7.32911117143 (assertAlmostEqual, 7 places). */
    @Test
    void epsilon_opacusVector_improvedConversion() {
        PrivacySpent spent = FRESH.advance(0.04, 1.5, 2250).epsilon(1e-5);
        assertEquals(7.3291, spent.epsilon(), 5e-5);
        assertEquals(7.32911117143, spent.epsilon(), 5e-8);
        assertEquals(3.9, spent.optimalOrder());
        assertEquals(EpsilonConversion.IMPROVED, spent.conversion());
        assertEquals(1e-5, spent.delta());
    }

    @Test
    void epsilon_opacusVector_classicConversionIsLarger() {
        // mpmath reference with the same orders: 8.0738482771233527 at α = 4.1
        PrivacySpent spent = FRESH.advance(0.04, 1.5, 2250).epsilon(1e-5, EpsilonConversion.CLASSIC);
        assertEquals(8.0738482771233527, spent.epsilon(), 1e-8);
        assertEquals(4.1, spent.optimalOrder());
    }

    /**
     * dp_accounting rdp_privacy_accountant_test.py, test_compute_epsilon_delta_gaussian: z = 4.530877117 gives
     * exactly (1, 1e-6)-DP for the (unsampled) Gaussian mechanism over orders 1.001..99.999.
     */
    @Test
    void epsilon_gaussianCalibratedToOne_isOneToSevenDecimals() {
        List<Double> orders = new ArrayList<>();
        for (int i = 1001; i < 100_000; i++) {
            orders.add(0.001 * i);
        }
        PrivacySpent spent = RdpAccountant.withOrders(orders).advance(1.0, 4.530877117, 1).epsilon(1e-6);
        assertEquals(1.0, spent.epsilon(), 5e-8);
    }

    /**
     * dp_accounting rdp_privacy_accountant_test.py, test_delta_bounds_gaussian: for the Gaussian mechanism with z = 1
     * the RDP-derived guarantee is sound (never below the exact Balle-Wang 2018 Theorem 8 curve) and no worse than
     * the standard bound δ = exp(-(ε - 1/2)²/2).
     */
    @Test
    void epsilon_gaussianUnitNoise_betweenExactAndStandardBounds() {
        List<Double> orders = new ArrayList<>();
        for (int x = 11; x < 505; x++) {
            orders.add(0.1 * x);
        }
        RdpAccountant accountant = RdpAccountant.withOrders(orders).advance(1.0, 1.0, 1);
        for (double delta : new double[] {0.3, 0.1, 1e-2, 1e-3, 1e-5, 1e-8, 1e-12, 1e-20}) {
            double eps = accountant.epsilon(delta).epsilon();
            double exactDelta = 0.5 * Math.exp(LogMath.logErfc((eps - 0.5) / Math.sqrt(2)))
                    - 0.5 * Math.exp(eps + LogMath.logErfc((eps + 0.5) / Math.sqrt(2)));
            assertTrue(exactDelta <= delta * (1 + 1e-9), "δ=" + delta + ": ε=" + eps + " is below the exact curve");
            assertTrue(eps <= 0.5 + Math.sqrt(-2 * Math.log(delta)) + 1e-12, "δ=" + delta + ": ε=" + eps);
        }
    }

    @Test
    void advance_stepsMultiplyRdp_andEqualRepeatedSingleSteps() {
        RdpAccountant once = FRESH.advance(0.1, 2.0, 10);
        RdpAccountant repeated = FRESH;
        for (int i = 0; i < 10; i++) {
            repeated = repeated.advance(0.1, 2.0, 1);
        }
        for (int i = 0; i < once.orders().size(); i++) {
            double single = SampledGaussianRdp.rdp(0.1, 2.0, once.orders().get(i));
            assertEquals(10 * single, once.rdp().get(i), 1e-15 * once.rdp().get(i));
            assertEquals(once.rdp().get(i), repeated.rdp().get(i), 1e-12 * once.rdp().get(i));
        }
        assertEquals(10, once.steps());
        assertEquals(10, repeated.steps());
    }

    @Test
    void advance_heterogeneousRounds_addUp_andLeaveTheOriginalUntouched() {
        RdpAccountant first = FRESH.advance(0.05, 1.1, 30);
        RdpAccountant both = first.advance(0.2, 3.0, 7);
        for (int i = 0; i < both.orders().size(); i++) {
            double order = both.orders().get(i);
            double expected = 30 * SampledGaussianRdp.rdp(0.05, 1.1, order) + 7 * SampledGaussianRdp.rdp(0.2, 3.0, order);
            assertEquals(expected, both.rdp().get(i), 1e-12 * expected);
        }
        assertEquals(37, both.steps());
        assertEquals(30, first.steps());
        assertEquals(FRESH.advance(0.05, 1.1, 30), first);
        assertTrue(FRESH.rdp().stream().allMatch(r -> r == 0.0));
    }

    @Test
    void advance_zeroSteps_returnsSameLedgerEvenWithoutNoise() {
        assertSame(FRESH, FRESH.advance(0.5, 0.0, 0));
    }

    @Test
    void epsilon_zeroSampling_isZero() {
        assertEquals(0.0, FRESH.advance(0.0, 0.0, 1000).epsilon(1e-10).epsilon());
        assertEquals(0.0, FRESH.epsilon(1e-5).epsilon());
    }

    @Test
    void epsilon_noNoiseOrTinyNoise_isInfiniteOrFiniteButNeverNaN() {
        assertEquals(Double.POSITIVE_INFINITY, FRESH.advance(0.1, 0.0, 1).epsilon(0.1).epsilon());
        for (double z : new double[] {1e-300, 1e-100, 1e-8, 1e-3, 0.01, 0.1}) {
            for (EpsilonConversion conversion : EpsilonConversion.values()) {
                double eps = FRESH.advance(0.3, z, 100).epsilon(1e-5, conversion).epsilon();
                assertFalse(Double.isNaN(eps), "z=" + z);
                assertTrue(eps > 10.0, "z=" + z + " gave ε=" + eps);
            }
        }
    }

    @Test
    void epsilon_grid_growsWithRoundsAndRate_shrinksWithNoise_classicAtLeastImproved() {
        double[] rates = {0.01, 0.1, 0.5};
        double[] noises = {0.8, 1.5, 4.0};
        int[] rounds = {1, 10, 100, 1000};
        double delta = 1e-5;
        double[][][] eps = new double[rates.length][noises.length][rounds.length];
        for (int a = 0; a < rates.length; a++) {
            for (int b = 0; b < noises.length; b++) {
                for (int c = 0; c < rounds.length; c++) {
                    RdpAccountant acc = FRESH.advance(rates[a], noises[b], rounds[c]);
                    PrivacySpent improved = acc.epsilon(delta);
                    PrivacySpent classic = acc.epsilon(delta, EpsilonConversion.CLASSIC);
                    assertTrue(classic.epsilon() >= improved.epsilon(), "q=" + rates[a] + " z=" + noises[b]);
                    eps[a][b][c] = improved.epsilon();
                }
            }
        }
        for (int a = 0; a < rates.length; a++) {
            for (int b = 0; b < noises.length; b++) {
                for (int c = 0; c < rounds.length; c++) {
                    String where = "q=" + rates[a] + " z=" + noises[b] + " T=" + rounds[c];
                    if (c > 0) {
                        assertTrue(eps[a][b][c] > eps[a][b][c - 1], "rounds: " + where);
                    }
                    if (a > 0) {
                        assertTrue(eps[a][b][c] > eps[a - 1][b][c], "rate: " + where);
                    }
                    if (b > 0) {
                        assertTrue(eps[a][b][c] < eps[a][b - 1][c], "noise: " + where);
                    }
                }
            }
        }
    }

    @Test
    void invalidInputs_messagesNameTheValue() {
        assertMessageContains("1.01", () -> FRESH.advance(1.01, 1.0, 1));
        assertMessageContains("-1.0", () -> FRESH.advance(0.1, -1.0, 1));
        assertMessageContains("-3", () -> FRESH.advance(0.1, 1.0, -3));
        assertMessageContains("0.0", () -> FRESH.epsilon(0.0));
        assertMessageContains("1.0", () -> FRESH.epsilon(1.0));
        assertMessageContains("0.5", () -> RdpAccountant.withOrders(List.of(2.0, 0.5)));
        assertMessageContains("at least one", () -> RdpAccountant.withOrders(List.of()));
    }

    @Test
    void customOrders_areKeptInOrder() {
        RdpAccountant acc = RdpAccountant.withOrders(List.of(8.0, 2.5, 32.0)).advance(0.01, 1.0, 100);
        assertEquals(List.of(8.0, 2.5, 32.0), acc.orders());
        assertEquals(100 * SampledGaussianRdp.rdp(0.01, 1.0, 2.5), acc.rdp().get(1), 1e-15);
    }
}
