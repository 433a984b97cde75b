package io.fedlead.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS options of {@code fedlead client} and the tls keys of {@code fedlead coordinator} fail before anything
 * connects or listens, with one line naming the flag or key (exit status 2). Runs with real TLS certificates are in
 * the client module's tests (TlsFederationTest, MutualTlsIdentityTest, TlsFailureMessagesTest).
 */
class TlsOptionsTest {
    private record Result(int status, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = FedLeadCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), err.toString());
    }

    private static String[] client(String... extra) {
        String[] base = {"client", "--coordinator", "127.0.0.1:7070", "--data", "leads.csv", "--schema", "schema.yaml",
                "--name", "unit-a"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void client_plaintextWithTlsCa_exitsNamingBothFlags() {
        Result r = run(client("--plaintext", "--tls-ca", "ca.pem"));
        assertEquals(2, r.status());
        assertEquals("fedlead: --plaintext cannot be combined with --tls-ca", r.err().strip());
    }

    @Test
    void client_certificateWithoutKey_exitsNamingTheFlag() {
        Result r = run(client("--tls-cert", "unit-a.pem"));
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fedlead: '--tls-cert' is unit-a.pem: given without a private key"), r.err());
    }

    @Test
    void client_missingCaFile_exitsNamingTheFlagAndFile(@TempDir Path dir) {
        Result r = run(client("--tls-ca", dir.resolve("ca.pem").toString()));
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fedlead: '--tls-ca' is " + dir.resolve("ca.pem") + ": no such file"), r.err());
    }

    @Test
    void coordinator_missingCertChainFile_exitsNamingTheKey(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("fed.yaml"), """
                tls:
                  cert-chain: %s
                  private-key: %s
                """.formatted(dir.resolve("coordinator.pem"), dir.resolve("coordinator.key")));
        Result r = run("coordinator", "--config", config.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fedlead: 'tls.cert-chain' is " + dir.resolve("coordinator.pem") + ": no such file"),
                r.err());
    }

    @Test
    void coordinator_clientCaWithoutCertChain_exitsNamingKeyAndLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("fed.yaml"), "rounds: 2\ntls:\n  client-ca: ca.pem\n");
        Result r = run("coordinator", "--config", config.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("fed.yaml line 3 column 3: 'tls.client-ca' is ca.pem: but tls.cert-chain is not set"),
                r.err());
    }

    @Test
    void coordinator_publicHostWithoutTls_exitsNamingHost(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("fed.yaml"), "host: 0.0.0.0\n");
        Result r = run("coordinator", "--config", config.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'host' is 0.0.0.0: is not a loopback address") && r.err().contains("tls.allow-plaintext"),
                r.err());
    }
}
