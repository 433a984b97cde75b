package io.fedlead.core.privacy.accounting;

import static io.fedlead.core.privacy.accounting.SampledGaussianRdpTest.assertMessageContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseCalibratorTest {
    private final NoiseCalibrator calibrator = new NoiseCalibrator();

    /**
     * Opacus tests/accountants_test.py, test_get_noise_multiplier_rdp_epochs / _steps: Opacus returns 1.416 (2250
     * steps) and 1.3562 (2000 steps), the upper end of a search that stops once ε is within 0.01 below 8. So ε at
     * their z lies in [7.99, 8], and our smallest z is no larger.
     */
    @Test
    void calibrate_opacusVectors_consistent() {
        double[][] cases = {{2250, 1.416}, {2000, 1.3562}};
        for (double[] c : cases) {
            int steps = (int) c[0];
            double opacusZ = c[1];
            double atOpacus = RdpAccountant.withDefaultOrders().advance(0.04, opacusZ, steps).epsilon(1e-5).epsilon();
            assertTrue(atOpacus <= 8.0 && atOpacus >= 7.99, "ε at Opacus' z " + opacusZ + " = " + atOpacus);
            NoiseCalibration ours = calibrator.calibrate(8.0, 1e-5, 0.04, steps);
            assertTrue(ours.noiseMultiplier() <= opacusZ, "z=" + ours.noiseMultiplier());
            assertTrue(ours.noiseMultiplier() >= opacusZ - 0.01, "z=" + ours.noiseMultiplier());
        }
    }

    @Test
    void calibrate_isSmallestWithinTolerance() {
        NoiseCalibration c = calibrator.calibrate(8.0, 1e-5, 0.04, 2250);
        double z = c.noiseMultiplier();
        assertTrue(c.spent().epsilon() <= 8.0);
        double below = RdpAccountant.withDefaultOrders().advance(0.04, z - NoiseCalibrator.ABSOLUTE_TOLERANCE, 2250)
                .epsilon(1e-5).epsilon();
        assertTrue(below > 8.0, "z - 1e-4 still meets the target: ε=" + below);
    }

    @Test
    void calibrate_thenEpsilon_roundTrips() {
        double[] targets = {0.5, 2.0, 8.0};
        double[] rates = {0.005, 0.1, 1.0};
        int[] rounds = {10, 500};
        for (double target : targets) {
            for (double q : rates) {
                for (int steps : rounds) {
                    for (EpsilonConversion conversion : EpsilonConversion.values()) {
                        NoiseCalibrator cal = new NoiseCalibrator(RdpAccountant.withDefaultOrders(), conversion);
                        NoiseCalibration c = cal.calibrate(target, 1e-6, q, steps);
                        double eps = RdpAccountant.withDefaultOrders().advance(q, c.noiseMultiplier(), steps)
                                .epsilon(1e-6, conversion).epsilon();
                        String where = "ε0=" + target + " q=" + q + " T=" + steps + " " + conversion;
                        assertEquals(eps, c.spent().epsilon(), 0.0, where);
                        assertTrue(eps <= target, where + " gave ε=" + eps);
                        assertTrue(eps >= target * (1 - 1e-3), where + " gave ε=" + eps);
                    }
                }
            }
        }
    }

    @Test
    void calibrate_priorSpend_needsMoreNoise() {
        RdpAccountant spent = RdpAccountant.withDefaultOrders().advance(0.04, 1.5, 1000);
        double fresh = calibrator.calibrate(8.0, 1e-5, 0.04, 1250).noiseMultiplier();
        double afterPrior = new NoiseCalibrator(spent, EpsilonConversion.IMPROVED)
                .calibrate(8.0, 1e-5, 0.04, 1250).noiseMultiplier();
        assertTrue(afterPrior > fresh, fresh + " vs " + afterPrior);
    }

    @Test
    void calibrate_noSamplingOrNoRounds_needsNoNoise() {
        assertEquals(0.0, calibrator.calibrate(1.0, 1e-5, 0.0, 100).noiseMultiplier());
        assertEquals(0.0, calibrator.calibrate(1.0, 1e-5, 0.3, 0).noiseMultiplier());
    }

    @Test
    void calibrate_unreachableTarget_namesTheTarget() {
        // CLASSIC with no spend still pays -ln(δ)/(α-1) >= 11.51/1023 = 0.01125 at δ = 1e-5.
        NoiseCalibrator classic = new NoiseCalibrator(RdpAccountant.withDefaultOrders(), EpsilonConversion.CLASSIC);
        assertMessageContains("target epsilon 0.001", () -> classic.calibrate(0.001, 1e-5, 0.1, 10));
        RdpAccountant heavy = RdpAccountant.withDefaultOrders().advance(0.5, 0.5, 100);
        assertMessageContains("target epsilon 2.0",
                () -> new NoiseCalibrator(heavy, EpsilonConversion.IMPROVED).calibrate(2.0, 1e-5, 0.1, 10));
    }

    @Test
    void calibrate_invalidInputs_messagesNameTheValue() {
        assertMessageContains("-1.0", () -> calibrator.calibrate(-1.0, 1e-5, 0.1, 10));
        assertMessageContains("2.0", () -> calibrator.calibrate(1.0, 2.0, 0.1, 10));
        assertMessageContains("1.2", () -> calibrator.calibrate(1.0, 1e-5, 1.2, 10));
        assertMessageContains("-4", () -> calibrator.calibrate(1.0, 1e-5, 0.1, -4));
    }
}
