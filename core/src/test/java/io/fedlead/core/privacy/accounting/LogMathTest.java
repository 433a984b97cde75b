package io.fedlead.core.privacy.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogMathTest {

    /** Reference values: mpmath 1.3.0 at 40 digits, {@code mpmath.log(mpmath.erfc(x))}. */
    @ParameterizedTest
    @CsvSource({
        "-30.0, 0.69314718055994530942",
        "-3.0, 0.69313613525044681032",
        "-1.5, 0.67605450273396056397",
        "-1.0, 0.61123231767807049464",
        "-0.3, 0.28414589714140825002",
        "0.0, 0.0",
        "1e-08, -1.1283791734617103315e-8",
        "0.5, -0.73501112983708440303",
        "1.4999, -3.3841412183977522876",
        "1.5, -3.3844920895515527203",
        "2.0, -5.3649412646166375745",
        "3.0, -10.720363041981112568",
        "5.0, -27.200889545537434422",
        "10.0, -102.87988902484488857",
        "26.5, -706.10022041014808661",
        "27.0, -732.86888650789741098",
        "30.0, -903.97411711064387808",
        "100.0, -10005.177585122664333",
        "10000.0, -100000009.7827053199",
        "1e8, -10000000000000018.993",
    })
    void logErfc_againstMultiPrecision_relativeErrorBelow1e14(double x, double expected) {
        assertEquals(expected, LogMath.logErfc(x), 1e-14 * Math.abs(expected) + 1e-20, "x=" + x);
    }

    @Test
    void logErfc_infinities_limits() {
        assertEquals(Double.NEGATIVE_INFINITY, LogMath.logErfc(Double.POSITIVE_INFINITY));
        assertEquals(Math.log(2), LogMath.logErfc(Double.NEGATIVE_INFINITY), 1e-16);
        assertEquals(Double.NEGATIVE_INFINITY, LogMath.logErfc(1e200)); // erfc ~ exp(-1e400)
    }

    @Test
    void logAdd_andLogSub_matchDirectArithmetic() {
        assertEquals(Math.log(5.0), LogMath.logAdd(Math.log(2.0), Math.log(3.0)), 1e-15);
        assertEquals(Math.log(1.0), LogMath.logSub(Math.log(3.0), Math.log(2.0)), 1e-15);
        assertEquals(1000.0 + Math.log(2.0), LogMath.logAdd(1000.0, 1000.0), 1e-12); // exp(1000) overflows
        assertEquals(7.0, LogMath.logAdd(Double.NEGATIVE_INFINITY, 7.0));
        assertEquals(Double.NEGATIVE_INFINITY, LogMath.logSub(4.0, 4.0));
        assertEquals(Double.POSITIVE_INFINITY, LogMath.logAdd(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> LogMath.logSub(1.0, 2.0));
    }

    @Test
    void signedLogSum_alternatingHarmonicSeries_convergesToLn2() {
        LogMath.SignedLogSum sum = new LogMath.SignedLogSum();
        int n = 200_000;
        for (int k = 1; k <= n; k++) {
            sum.add(k % 2 == 1 ? 1 : -1, -Math.log(k));
        }
        assertEquals(1, sum.sign());
        // The alternating tail after n terms is at most 1/(n+1).
        assertEquals(Math.log(2.0), Math.exp(sum.logMagnitude()), 1.0 / (n + 1));
    }

    @Test
    void signedLogSum_crossingZero_flipsSign() {
        LogMath.SignedLogSum sum = new LogMath.SignedLogSum();
        sum.add(1, Math.log(2.0));
        sum.add(-1, Math.log(5.0));
        assertEquals(-1, sum.sign());
        assertEquals(Math.log(3.0), sum.logMagnitude(), 1e-15);
        sum.add(1, Math.log(3.0));
        assertTrue(Math.exp(sum.logMagnitude()) < 1e-14, "2 - 5 + 3 left " + sum.sign() + "·exp(" + sum.logMagnitude() + ")");
        sum.add(-sum.sign(), sum.logMagnitude());
        assertEquals(0, sum.sign());
        assertEquals(Double.NEGATIVE_INFINITY, sum.logMagnitude());
    }
}
