package io.fedlead.core.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FederationConfigPrivacyTest {
    @Test
    void parse_adaptiveClippingAndFixedDenominator_readsKebabKeys() {
        FederationConfig c = YamlConfig.parse("""
                fraction-fit: 0.5
                training:
                  noise-multiplier: 1.0
                  adaptive-clipping:
                    enabled: true
                    initial-clip-norm: 0.3
                    target-quantile: 0.7
                    learning-rate: 0.1
                    bit-stddev: 2.0
                aggregation:
                  weighting: fixed-denominator
                """, "test.yaml", FederationConfig.class);
        FederationConfig.AdaptiveClippingSettings a = c.training().adaptiveClipping();
        assertTrue(a.enabled());
        assertEquals(0.3, c.training().initialClipNorm());
        assertEquals(0.7, a.targetQuantile());
        assertEquals(0.1, a.learningRate());
        assertEquals(2.0, a.bitStddev());
        assertTrue(c.aggregation().fixedDenominator());
    }

    @Test
    void defaults_adaptiveClippingOff_initialClipNormIsClipNorm() {
        FederationConfig c = FederationConfig.defaults();
        assertFalse(c.training().adaptiveClipping().enabled());
        assertEquals(c.training().clipNorm(), c.training().initialClipNorm());
        assertEquals(0.1, c.training().adaptiveClipping().initialClipNorm());
        assertFalse(c.aggregation().fixedDenominator());
    }

    @Test
    void parse_bitStddevTooSmallForZ_errorNamesBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse("""
                training:
                  noise-multiplier: 1.0
                  adaptive-clipping: {enabled: true, bit-stddev: 0.4}
                """, "test.yaml", FederationConfig.class));
        assertTrue(e.getMessage().contains("training.adaptive-clipping.bit-stddev")
                && e.getMessage().contains("training.noise-multiplier") && e.getMessage().contains("0.4"), e.getMessage());
    }

    @Test
    void parse_unknownWeighting_errorListsFixedDenominator() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "aggregation: {weighting: median}", "test.yaml", FederationConfig.class));
        assertTrue(e.getMessage().contains("median") && e.getMessage().contains("fixed-denominator"), e.getMessage());
    }
}
