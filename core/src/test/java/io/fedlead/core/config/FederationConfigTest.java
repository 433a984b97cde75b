package io.fedlead.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FederationConfigTest {
    static Path example() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("examples/federation.yaml"))) {
            dir = dir.getParent();
        }
        return dir.resolve("examples/federation.yaml");
    }

    @Test
    void load_shippedExample_parsesWithItsValues() {
        FederationConfig c = YamlConfig.load(example(), FederationConfig.class);
        assertEquals(15, c.rounds());
        assertEquals(4, c.minClients());
        assertEquals(1.0, c.training().clipNorm());
        assertEquals(0.2, c.training().noiseMultiplier());
        assertEquals("examples", c.aggregation().weighting());
        assertEquals(1e-5, c.privacy().delta());
        assertEquals(java.util.List.of("region", "source"), c.evaluation().auditGroups());
        assertEquals(30, c.evaluation().auditMinGroupSize());
    }

    @Test
    void parse_noEvaluationKey_noAuditAndMinimumGroupSize30() {
        FederationConfig c = YamlConfig.parse("rounds: 3", "test.yaml", FederationConfig.class);
        assertEquals(java.util.List.of(), c.evaluation().auditGroups());
        assertEquals(30, c.evaluation().auditMinGroupSize());
        assertEquals(c, FederationConfig.defaults().with(c.runId(), c.port(), 3, c.minClients(), c.checkpointDir()));
    }

    @Test
    void parse_badAuditSettings_namesKeyAndLine() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "rounds: 3\nevaluation:\n  audit-groups: [region, region]\n", "fed.yaml", FederationConfig.class));
        assertTrue(twice.getMessage().startsWith("fed.yaml line 3 column 3: 'evaluation.audit-groups' is [region, region]: "
                + "names column 'region' twice"), twice.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "evaluation:\n  audit-groups: [region]\n  audit-min-group-size: 0\n", "fed.yaml", FederationConfig.class));
        assertTrue(size.getMessage().startsWith("fed.yaml line 3 column 3: 'evaluation.audit-min-group-size' is 0"),
                size.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "evaluation:\n  audit-group: [region]\n", "fed.yaml", FederationConfig.class));
        assertTrue(unknown.getMessage().contains("unknown key 'audit-group' at 'evaluation.audit-group'"),
                unknown.getMessage());
    }

    @Test
    void parse_emptyDocument_takesDefaults() {
        FederationConfig c = YamlConfig.parse("rounds: 3", "test.yaml", FederationConfig.class);
        assertEquals(3, c.rounds());
        assertEquals(FederationConfig.defaults().training(), c.training());
    }

    @Test
    void parse_unknownNestedKey_namesKeyAndPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "training:\n  clip-normm: 1.0\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().contains("clip-normm") && e.getMessage().contains("fed.yaml"), e.getMessage());
    }

    @Test
    void parse_zeroNoiseWithoutOptIn_rejectedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "training:\n  noise-multiplier: 0\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().contains("training.noise-multiplier") && e.getMessage().contains("allow-no-noise"),
                e.getMessage());
        FederationConfig ok = YamlConfig.parse("training:\n  noise-multiplier: 0\n  allow-no-noise: true\n", "fed.yaml",
                FederationConfig.class);
        assertEquals(0.0, ok.training().noiseMultiplier());
    }

    @Test
    void parse_outOfRangeValue_namesKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "rounds: 3\nfraction-fit: 1.5\nseed: 4\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().startsWith("fed.yaml line 2 column 1: 'fraction-fit' is 1.5"), e.getMessage());
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "rounds: 3\nfraction-fit: 0.5\ntraining:\n  local-epochs: 2\n  clip-norm: -1\nseed: 4\n", "fed.yaml",
                FederationConfig.class));
        assertTrue(nested.getMessage().startsWith("fed.yaml line 5 column 3: 'training.clip-norm' is -1.0"), nested.getMessage());
    }

    @Test
    void parse_tlsKeys_readAndOffByDefault() {
        assertFalse(FederationConfig.defaults().tls().enabled());
        FederationConfig c = YamlConfig.parse("""
                tls:
                  cert-chain: pki/coordinator.pem
                  private-key: pki/coordinator.key
                  client-ca: pki/ca.pem
                """, "fed.yaml", FederationConfig.class);
        assertEquals("pki/coordinator.pem", c.tls().certChain());
        assertTrue(c.tls().enabled() && c.tls().mutual());
        assertTrue(YamlConfig.toYaml(c).contains("client-ca: pki/ca.pem"), YamlConfig.toYaml(c));
    }

    @Test
    void parse_clientCaWithoutCertChain_rejectedNamingKeyAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "rounds: 3\ntls:\n  client-ca: ca.pem\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().startsWith("fed.yaml line 3 column 3: 'tls.client-ca' is ca.pem"), e.getMessage());
        assertTrue(e.getMessage().contains("tls.cert-chain is not set"), e.getMessage());
    }

    @Test
    void parse_certChainWithoutKey_rejectedNamingBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "tls:\n  cert-chain: c.pem\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().contains("'tls.cert-chain' is c.pem") && e.getMessage().contains("tls.private-key"),
                e.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "tls:\n  private-key: k.pem\n", "fed.yaml", FederationConfig.class));
        assertTrue(key.getMessage().contains("'tls.private-key' is k.pem"), key.getMessage());
    }

    @Test
    void parse_nonLoopbackHostWithoutTls_rejectedUnlessPlaintextIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "rounds: 3\nhost: 0.0.0.0\n", "fed.yaml", FederationConfig.class));
        assertTrue(e.getMessage().startsWith("fed.yaml line 2 column 1: 'host' is 0.0.0.0: is not a loopback address"),
                e.getMessage());
        assertTrue(e.getMessage().contains("tls.allow-plaintext: true"), e.getMessage());
        FederationConfig allowed = YamlConfig.parse("host: 0.0.0.0\ntls:\n  allow-plaintext: true\n", "fed.yaml",
                FederationConfig.class);
        assertFalse(allowed.tls().enabled());
        FederationConfig withTls = YamlConfig.parse("host: 10.1.2.3\ntls:\n  cert-chain: c.pem\n  private-key: k.pem\n",
                "fed.yaml", FederationConfig.class);
        assertTrue(withTls.tls().enabled());
        assertEquals("localhost", YamlConfig.parse("host: localhost\n", "fed.yaml", FederationConfig.class).host());
    }

    @Test
    void parse_allowPlaintextWithCertChain_rejectedAsContradiction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse(
                "tls:\n  cert-chain: c.pem\n  private-key: k.pem\n  allow-plaintext: true\n", "fed.yaml",
                FederationConfig.class));
        assertTrue(e.getMessage().contains("'tls.allow-plaintext' is true: but tls.cert-chain is set"), e.getMessage());
    }
}
