package io.fedlead.core.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampledGaussianRdpTest {

    @Test
    void rdp_fullBatch_isAlphaOverTwoZSquared() {
        assertEquals(0.1, SampledGaussianRdp.rdp(1.0, 10.0, 20.0), 1e-15);
        // dp_accounting rdp_privacy_accountant_test.py, test_compute_rdp_gaussian
        assertEquals(3.14159 / (2 * 2.71828 * 2.71828), SampledGaussianRdp.rdp(1.0, 2.71828, 3.14159), 1e-15);
    }

    @Test
    void rdp_tenStepsAtTenPercent_matchesPublishedValue() {
        // 10 * RDP(q=0.1, z=2, α=5) = 0.07737 (mpmath: 0.0773696848979586)
        assertEquals(0.07737, 10 * SampledGaussianRdp.rdp(0.1, 2.0, 5.0), 5e-6);
        assertEquals(0.0773696848979586, 10 * SampledGaussianRdp.rdp(0.1, 2.0, 5.0), 1e-13);
    }

    /**
     * dp_accounting rdp_privacy_accountant_test.py, test_compute_rdp_poisson_sampled_gaussian (q = 0.01, z = 2.5, 50
     * steps, rtol 1e-4). For α = 1.5 the exact value is 6.50071e-4 (TF Privacy / Opacus, and mpmath quadrature of
     * A_α: 6.50070897187e-4); dp_accounting's current 6.70579741e-4 sums |binomial| terms, an upper bound. Likewise
     * the exact α = 2.5 value is 1.08541806e-3 (quadrature), within 6e-5 of the published 1.08548710e-3.
     */
    @ParameterizedTest
    @CsvSource({
        "1.5, 6.50071e-4, 1e-5",
        "1.5, 6.50070897187e-4, 1e-9",
        "2.5, 1.08548710e-3, 1e-4",
        "2.5, 1.08541805692e-3, 1e-9",
        "5, 2.18075656e-3, 1e-4",
        "50, 2.38460375e-2, 1e-4",
        "100, 1.67416308e2, 1e-4",
    })
    void rdp_fiftyStepsAtOnePercent_matchesPublishedValues(double order, double expected, double relTol) {
        double rdp = 50 * SampledGaussianRdp.rdp(0.01, 2.5, order);
        assertEquals(expected, rdp, relTol * expected, "order " + order);
    }

    /**
     * The (q, z, α) cases of dp_accounting rdp_privacy_accountant_test.py, test_compute_log_a_equals_mp, which
     * compares log A_α against multi-precision quadrature; expected values here are the same quantity from mpmath at
     * 60 digits (series summed to 3000 terms, agreeing with 1500 terms to 17 digits).
     */
    @ParameterizedTest
    @CsvSource({
        "1e-7, 0.1, 1.01, 4.0034123225263981e-8",
        "1e-6, 0.1, 256, 3260463.2292971608",
        "1e-5, 0.1, 256.1, 3263607.0397884213",
        "1e-6, 1, 27, 8.7695113048484979e-10",
        "1e-4, 1, 1.5, 6.4426869538366497e-9",
        "1e-3, 1, 2, 1.7182803522145154e-6",
        "0.01, 10, 20, 1.9129699912842963e-4",
        "0.1, 100, 20.5, 1.9991818458068296e-4",
        "0.99, 0.1, 256, 3263997.4271140211",
        "0.999, 100, 256.1, 3.2601080379731127",
    })
    void logA_extremeRegimes_matchesMultiPrecision(double q, double z, double order, double expectedLogA) {
        double logA = SampledGaussianRdp.rdp(q, z, order) * (order - 1);
        assertEquals(expectedLogA, logA, 1e-9 * Math.abs(expectedLogA) + 1e-13, "q=" + q + " z=" + z + " α=" + order);
    }

    @ParameterizedTest
    @CsvSource({
        "2, 2.0000001", "2, 1.9999999", "4, 4.0000001", "4, 3.9999999", "10, 10.000001", "63, 63.000001",
    })
    void rdp_integerAndFractionalPaths_agreeNearIntegers(double integerOrder, double nearOrder) {
        for (double q : new double[] {0.001, 0.01, 0.1, 0.5, 0.9}) {
            for (double z : new double[] {0.7, 1.0, 2.5, 10.0}) {
                double atInteger = SampledGaussianRdp.rdp(q, z, integerOrder);
                double near = SampledGaussianRdp.rdp(q, z, nearOrder);
                assertTrue(Double.isFinite(near), "q=" + q + " z=" + z + " α=" + nearOrder);
                assertEquals(atInteger, near, 1e-5 * atInteger + 1e-15,
                        "q=" + q + " z=" + z + " α=" + integerOrder + " vs " + nearOrder);
            }
        }
    }

    /**
     * With q = 0.5 and z = 10^4 the fractional series decays only polynomially, so α = 1.5 takes the convex
     * interpolation bound: above the exact value (mpmath quadrature 1.8750000046875e-9) and within a factor 2 of it.
     * At z = 10 the series converges and is exact (quadrature 1.87968847533118e-3).
     */
    @Test
    void rdp_slowSeries_fallsBackToUpperBound() {
        double bound = SampledGaussianRdp.rdp(0.5, 1e4, 1.5);
        assertTrue(bound >= 1.8750000046875e-9 && bound <= 2 * 1.8750000046875e-9, "got " + bound);
        assertEquals(1.87968847533118e-3, SampledGaussianRdp.rdp(0.5, 10, 1.5), 1e-9 * 1.87968847533118e-3);
    }

    @Test
    void rdp_edgeCases_zeroSamplingFreeZeroNoiseInfinite() {
        assertEquals(0.0, SampledGaussianRdp.rdp(0.0, 0.0, 2.5));
        assertEquals(0.0, SampledGaussianRdp.rdp(0.0, 1.0, 32));
        assertEquals(Double.POSITIVE_INFINITY, SampledGaussianRdp.rdp(0.5, 0.0, 2.5));
        assertEquals(Double.POSITIVE_INFINITY, SampledGaussianRdp.rdp(0.5, 0.0, 3));
    }

    @Test
    void rdp_extremeInputs_neverNaNNorNegative() {
        double[] rates = {1e-300, 1e-12, 1e-3, 0.5, 1 - 1e-12};
        double[] noises = {1e-200, 1e-3, 0.05, 0.3, 1e4, 1e150};
        double[] orders = {1.001, 1.1, 1.5, 2, 7.3, 63, 256.5, 1024};
        for (double q : rates) {
            for (double z : noises) {
                for (double order : orders) {
                    double rdp = SampledGaussianRdp.rdp(q, z, order);
                    assertFalse(Double.isNaN(rdp), "q=" + q + " z=" + z + " α=" + order);
                    assertTrue(rdp >= 0.0, "q=" + q + " z=" + z + " α=" + order + " gave " + rdp);
                }
            }
        }
    }

    @Test
    void rdp_increasesWithOrderAndRateDecreasesWithNoise() {
        double previous = 0.0;
        for (double order = 1.1; order < 40; order += 0.7) {
            double rdp = SampledGaussianRdp.rdp(0.05, 1.2, order);
            assertTrue(rdp > previous, "order " + order);
            previous = rdp;
        }
        assertTrue(SampledGaussianRdp.rdp(0.02, 1.2, 5.5) < SampledGaussianRdp.rdp(0.05, 1.2, 5.5));
        assertTrue(SampledGaussianRdp.rdp(0.05, 1.5, 5.5) < SampledGaussianRdp.rdp(0.05, 1.2, 5.5));
    }

    @Test
    void rdp_invalidInputs_messagesNameTheValue() {
        assertMessageContains("1.5", () -> SampledGaussianRdp.rdp(1.5, 1.0, 2.0));
        assertMessageContains("-0.1", () -> SampledGaussianRdp.rdp(-0.1, 1.0, 2.0));
        assertMessageContains("NaN", () -> SampledGaussianRdp.rdp(Double.NaN, 1.0, 2.0));
        assertMessageContains("-2.0", () -> SampledGaussianRdp.rdp(0.1, -2.0, 2.0));
        assertMessageContains("1.0", () -> SampledGaussianRdp.rdp(0.1, 1.0, 1.0));
        assertMessageContains("Infinity", () -> SampledGaussianRdp.rdp(0.1, 1.0, Double.POSITIVE_INFINITY));
    }

    static void assertMessageContains(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should name " + expected);
    }
}
