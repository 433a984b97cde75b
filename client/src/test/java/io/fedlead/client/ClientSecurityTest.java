package io.fedlead.client;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule of {@code fedlead client} for plaintext and TLS (no certificate files are read here). */
class ClientSecurityTest {
    @Test
    void forCommandLine_loopbackWithoutTlsFlags_plaintext() {
        for (String host : new String[]{"127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "::1", "[::1]"}) {
            ClientSecurity s = ClientSecurity.forCommandLine(host, false, false, null, null, null);
            assertFalse(s.tls(), host);
            assertTrue(s.description().contains("loopback"), s.description());
        }
    }

    @Test
    void forCommandLine_remoteWithoutFlags_tlsWithTheJdkTrustStore() {
        for (String host : new String[]{"coordinator.example.com", "10.0.0.7", "128.0.0.1", "localhost.example.com",
                "127.0.0.300", "::2"}) {
            ClientSecurity s = ClientSecurity.forCommandLine(host, false, false, null, null, null);
            assertTrue(s.tls(), host);
            assertTrue(s.description().contains("JDK's default CA certificates"), s.description());
        }
    }

    @Test
    void forCommandLine_tlsFlagOnLoopback_tls() {
        assertTrue(ClientSecurity.forCommandLine("127.0.0.1", false, true, null, null, null).tls());
    }

    @Test
    void forCommandLine_plaintextFlagToRemote_plaintext() {
        ClientSecurity s = ClientSecurity.forCommandLine("coordinator.example.com", true, false, null, null, null);
        assertFalse(s.tls());
        assertTrue(s.description().contains("--plaintext"), s.description());
    }

    @Test
    void forCommandLine_plaintextWithTlsFlags_rejectedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.forCommandLine(
                "127.0.0.1", true, false, Path.of("ca.pem"), Path.of("c.pem"), Path.of("c.key")));
        assertTrue(e.getMessage().equals("--plaintext cannot be combined with --tls-ca, --tls-cert, --tls-key"),
                e.getMessage());
    }

    @Test
    void forCommandLine_keyWithoutCertificate_rejectedNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.forCommandLine(
                "127.0.0.1", false, false, null, null, Path.of("c.key")));
        assertTrue(e.getMessage().startsWith("'--tls-key' is c.key: given without a certificate"), e.getMessage());
    }
}
