package io.fedlead.client;

import io.fedlead.coordinator.ServerSecurity;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.wire.tls.PemFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong TLS files stop the coordinator (ServerSecurity) or the node (ClientSecurity) before anything listens or
 * connects, with the config key or flag and the file in the message.
 */
class TlsConfigErrorsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued server;
    static TestPki.Issued otherServer;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(dir, "config-ca");
        server = pki.server("coordinator");
        otherServer = pki.server("other-coordinator");
    }

    private static String failure(String certChain, String privateKey, String clientCa) {
        return assertThrows(IllegalArgumentException.class,
                () -> ServerSecurity.of(new FederationConfig.Tls(certChain, privateKey, clientCa))).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
        }
    }

    @Test
    void of_validFiles_describesMutualTls() {
        String d = ServerSecurity.of(new FederationConfig.Tls(server.certFile().toString(), server.keyFile().toString(),
                pki.ca().certFile().toString())).description();
        assertContains(d, "mutual TLS", "CN=coordinator", "CN=config-ca");
    }

    @Test
    void of_missingCertChainFile_namesKeyAndPath() {
        String m = failure(dir.resolve("nope.pem").toString(), server.keyFile().toString(), null);
        assertContains(m, "'tls.cert-chain' is ", "nope.pem", "no such file");
    }

    @Test
    void of_keyOfAnotherCertificate_namesBothKeys() {
        String m = failure(server.certFile().toString(), otherServer.keyFile().toString(), null);
        assertContains(m, "'tls.private-key' is ", "other-coordinator.key", "does not match the certificate in "
                + "'tls.cert-chain'", "CN=coordinator");
    }

    @Test
    void of_sec1Key_namesTheFormatAndTheConversion() throws Exception {
        Path sec1 = TestPki.writeSec1Key(server, dir.resolve("sec1.key"));
        String m = failure(server.certFile().toString(), sec1.toString(), null);
        assertContains(m, "'tls.private-key' is ", "BEGIN EC PRIVATE KEY", "PKCS#8", "openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void of_keyFileGivenAsCertChain_namesKey() {
        String m = failure(server.keyFile().toString(), server.keyFile().toString(), null);
        assertContains(m, "'tls.cert-chain' is ", "holds no PEM certificate", "BEGIN PRIVATE KEY");
    }

    @Test
    void of_clientCaWithoutCertificates_namesKey() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-ca.pem"), "# nothing here\n");
        String m = failure(server.certFile().toString(), server.keyFile().toString(), empty.toString());
        assertContains(m, "'tls.client-ca' is ", "empty-ca.pem", "holds no PEM certificate");
    }

    @Test
    void of_expiredCertificate_namesKeyAndDate() throws Exception {
        TestPki.Issued expired = pki.expiredServer("expired");
        String m = failure(expired.certFile().toString(), expired.keyFile().toString(), null);
        assertContains(m, "'tls.cert-chain' is ", "expired on");
    }

    @Test
    void tls_certificateWithoutKey_namesTheFlag() {
        String m = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.tls(Optional.empty(),
                Optional.of(new PemFile("--tls-cert", server.certFile())), Optional.empty())).getMessage();
        assertContains(m, "'--tls-cert' is ", "without a private key");
    }

    @Test
    void tls_missingTrustRoots_namesTheFlag() {
        String m = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.tls(
                Optional.of(new PemFile("--tls-ca", dir.resolve("missing-ca.pem"))), Optional.empty(), Optional.empty()))
                .getMessage();
        assertContains(m, "'--tls-ca' is ", "missing-ca.pem", "no such file");
    }

    @Test
    void tls_validClientCertificate_describesIt() {
        ClientSecurity s = ClientSecurity.tls(Optional.of(new PemFile("--tls-ca", pki.ca().certFile())),
                Optional.of(new PemFile("--tls-cert", server.certFile())), Optional.of(new PemFile("--tls-key", server.keyFile())));
        assertTrue(s.tls());
        assertContains(s.description(), "TLS, trusting", "CN=config-ca", "client certificate", "CN=coordinator");
        assertFalse(ClientSecurity.plaintext().tls());
    }
}
