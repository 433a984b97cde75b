package io.fedlead.core.privacy.accounting;

import static io.fedlead.core.privacy.accounting.SampledGaussianRdpTest.assertMessageContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpsilonConversionTest {

    /**
     * dp_accounting rdp_privacy_accountant_test.py, test_compute_epsilon_delta_pure_dp: a constant RDP of 1.1 over
     * orders 2..32 at δ = 1e-5 gives ε = 1.32783806176 at order 32.
     */
    @Test
    void improved_constantRdp_matchesDpAccountingVector() {
        List<Double> orders = new ArrayList<>();
        for (int a = 2; a <= 32; a++) {
            orders.add((double) a);
        }
        PrivacySpent spent = EpsilonConversion.IMPROVED.bestOver(orders, Collections.nCopies(orders.size(), 1.1), 1e-5);
        assertEquals(1.32783806176, spent.epsilon(), 1e-10);
        assertEquals(32.0, spent.optimalOrder());
    }

    @Test
    void formulas_handComputed() {
        // CLASSIC: 0.5 - ln(1e-5)/(10-1) = 0.5 + 11.512925465/9
        assertEquals(0.5 + 11.512925464970229 / 9, EpsilonConversion.CLASSIC.epsilon(10, 0.5, 1e-5), 1e-14);
        // IMPROVED: 0.5 + ln(0.9) - ln(1e-4)/9
        assertEquals(0.5 + Math.log(0.9) + 9.210340371976182 / 9, EpsilonConversion.IMPROVED.epsilon(10, 0.5, 1e-5),
                1e-14);
    }

    @Test
    void improvedNeverExceedsClassic() {
        for (double order = 1.01; order < 2000; order *= 1.3) {
            for (double rdp : new double[] {0.0, 1e-6, 0.01, 1, 30}) {
                for (double delta : new double[] {0.5, 1e-3, 1e-9}) {
                    double classic = EpsilonConversion.CLASSIC.epsilon(order, rdp, delta);
                    double improved = EpsilonConversion.IMPROVED.epsilon(order, rdp, delta);
                    assertTrue(improved <= classic, "α=" + order + " ρ=" + rdp + " δ=" + delta);
                    assertTrue(improved >= 0.0);
                }
            }
        }
    }

    @Test
    void improved_tinyRdp_usesKlBoundForZero() {
        // sqrt(1 - exp(-1e-12)) ~ 1e-6 <= δ = 1e-5, so (0, δ)-DP
        assertEquals(0.0, EpsilonConversion.IMPROVED.epsilon(2.0, 1e-12, 1e-5));
        assertTrue(EpsilonConversion.CLASSIC.epsilon(2.0, 1e-12, 1e-5) > 11.0);
    }

    @Test
    void infiniteRdp_givesInfiniteEpsilon() {
        assertEquals(Double.POSITIVE_INFINITY, EpsilonConversion.IMPROVED.epsilon(3, Double.POSITIVE_INFINITY, 1e-5));
        PrivacySpent spent = EpsilonConversion.CLASSIC.bestOver(List.of(2.0, 3.0),
                List.of(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY), 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, spent.epsilon());
        assertEquals(2.0, spent.optimalOrder());
    }

    @Test
    void labels_roundTrip_andBadLabelIsNamed() {
        assertEquals(EpsilonConversion.CLASSIC, EpsilonConversion.fromLabel("Classic"));
        assertEquals("improved", EpsilonConversion.IMPROVED.label());
        assertMessageContains("'tight'", () -> EpsilonConversion.fromLabel("tight"));
        assertMessageContains("NaN", () -> EpsilonConversion.IMPROVED.epsilon(2.0, Double.NaN, 1e-5));
        assertMessageContains("2 orders and 1", () -> EpsilonConversion.IMPROVED.bestOver(List.of(2.0, 3.0), List.of(1.0), 1e-5));
    }
}
