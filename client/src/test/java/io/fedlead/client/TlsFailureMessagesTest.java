package io.fedlead.client;

import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.ServerSecurity;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.wire.tls.PemFile;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that cannot talk to its coordinator because of TLS says why, over real TLS on loopback TCP: gRPC itself
 * reports all of these as UNAVAILABLE. Certificate problems stop the node at once (waiting does not fix them); a
 * plaintext node facing a TLS coordinator cannot be told apart from a dropped connection, so it retries and its
 * messages name the likely cause.
 */
class TlsFailureMessagesTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static TestPki other;
    static TestPki.Issued server;
    static LocalData data;

    @TempDir
    Path dir;
    private CoordinatorServer coordinator;
    private ManagedChannel channel;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.create(pkiDir.resolve("ours"), "our-ca");
        other = TestPki.create(pkiDir.resolve("other"), "someone-elses-ca");
        server = pki.server("coordinator");
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(3);
        data = LocalData.of(gen.generate(0, 200), gen.schema(), false, 0.2, NoiseSources.seededForSimulation(1));
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (coordinator != null) {
            coordinator.stop();
        }
    }

    private void startCoordinator(FederationConfig.Tls tls) throws Exception {
        // Stated privacy: defaults (C = 1, z = 0.5); no round runs here.
        FederationConfig config = FederationConfig.defaults().with("fail", 0, 1, 2, dir.toString()).withTls(tls);
        coordinator = CoordinatorServer.create(config, ServerSecurity.of(tls).serverBuilder(config), RunListener.NONE).start();
    }

    private static FederationConfig.Tls tls(TestPki.Issued cert, boolean mutual) {
        return new FederationConfig.Tls(cert.certFile().toString(), cert.keyFile().toString(),
                mutual ? pki.ca().certFile().toString() : null);
    }

    private static ClientSecurity trusting(TestPki ca, Optional<TestPki.Issued> clientCert) {
        return ClientSecurity.tls(Optional.of(new PemFile("--tls-ca", ca.ca().certFile())),
                clientCert.map(c -> new PemFile("--tls-cert", c.certFile())),
                clientCert.map(c -> new PemFile("--tls-key", c.keyFile())));
    }

    /** Runs a node named {@code name} against the coordinator and returns how it ended. */
    private RuntimeException runNode(String name, ClientSecurity security, Duration giveUpAfter) {
        channel = security.channel("127.0.0.1", coordinator.port());
        ClientNode node = new ClientNode(channel, ClientNodeConfig.defaults(name).withGiveUpAfter(giveUpAfter), data,
                Optional.empty(), new LocalTrainer(NoiseSources.seededForSimulation(2)),
                new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(3))),
                NoiseSources.seededForSimulation(4), new ClientListener() {
                    @Override
                    public void onMessage(String message) {
                        messages.add(message);
                    }
                });
        return assertThrows(RuntimeException.class, node::run);
    }

    private void assertGaveUpAtOnce(RuntimeException e, String... phrases) {
        assertTrue(e instanceof IllegalStateException, e.toString());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
        assertFalse(messages.stream().anyMatch(m -> m.contains("retrying")), messages.toString());
    }

    @Test
    void run_coordinatorCertificateFromUntrustedCa_stopsAtOnceNamingTrust() throws Exception {
        startCoordinator(tls(server, false));
        RuntimeException e = runNode("unit-a", trusting(other, Optional.empty()), Duration.ofMinutes(2));
        assertGaveUpAtOnce(e, "unit-a: cannot connect to the coordinator (join)",
                "certificate is not issued by a CA this node trusts", "--tls-ca");
    }

    @Test
    void run_coordinatorCertificateForAnotherHost_stopsAtOnceNamingTheHost() throws Exception {
        startCoordinator(tls(pki.serverFor("elsewhere", "coordinator.example.com"), false));
        RuntimeException e = runNode("unit-a", trusting(pki, Optional.empty()), Duration.ofMinutes(2));
        assertGaveUpAtOnce(e, "does not name the host this node connects to", "127.0.0.1");
    }

    @Test
    void run_noClientCertificateAgainstMutualTls_stopsAtOnceAskingForOne() throws Exception {
        startCoordinator(tls(server, true));
        RuntimeException e = runNode("unit-a", trusting(pki, Optional.empty()), Duration.ofMinutes(2));
        // BoringSSL (grpc-netty-shaded's default here) sends alert certificate_required, the JDK's TLS bad_certificate.
        assertGaveUpAtOnce(e, "requires a client certificate (mutual TLS)", "--tls-cert", "[alert ");
    }

    @Test
    void run_clientCertificateFromAnotherCa_stopsAtOnceAskingForOneFromTheRightCa() throws Exception {
        startCoordinator(tls(server, true));
        RuntimeException e = runNode("unit-a", trusting(pki, Optional.of(other.client("unit-a"))), Duration.ofMinutes(2));
        assertGaveUpAtOnce(e, "requires a client certificate", "issued by the CA in the coordinator's tls.client-ca");
        assertTrue(e.getMessage().contains("none, or one it does not accept"), e.getMessage());
    }

    @Test
    void run_certificateOfAnotherClient_permissionDeniedNamingBoth() throws Exception {
        startCoordinator(tls(server, true));
        RuntimeException e = runNode("unit-b", trusting(pki, Optional.of(pki.client("unit-a"))), Duration.ofMinutes(2));
        StatusRuntimeException denied = assertInstanceOfStatus(e);
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getMessage().contains("'unit-b'") && denied.getMessage().contains("[unit-a]"), denied.getMessage());
    }

    @Test
    void run_tlsNodeAgainstPlaintextCoordinator_stopsAtOnceNamingPlaintext() throws Exception {
        startCoordinator(FederationConfig.Tls.defaults());
        RuntimeException e = runNode("unit-a", trusting(pki, Optional.empty()), Duration.ofMinutes(2));
        assertGaveUpAtOnce(e, "the coordinator answered in plaintext, not TLS", "--plaintext");
    }

    @Test
    void run_plaintextNodeAgainstTlsCoordinator_retriesNamingTlsThenGivesUp() throws Exception {
        startCoordinator(tls(server, false));
        RuntimeException e = runNode("unit-a", ClientSecurity.plaintext(), Duration.ofMillis(1200));
        assertTrue(e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().contains("unit-a: coordinator unreachable for")
                && e.getMessage().contains("what a TLS coordinator does to a plaintext node"), e.getMessage());
        assertTrue(messages.stream().anyMatch(m -> m.contains("join failed with UNAVAILABLE (the coordinator accepted "
                + "the connection and closed it without answering")), messages.toString());
    }

    private static StatusRuntimeException assertInstanceOfStatus(RuntimeException e) {
        assertTrue(e instanceof StatusRuntimeException, e.toString());
        return (StatusRuntimeException) e;
    }
}
