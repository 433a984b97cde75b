package io.fedlead.client;

import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.ServerSecurity;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.proto.v1.FederationGrpc;
import io.fedlead.proto.v1.JoinRequest;
import io.fedlead.proto.v1.JoinResponse;
import io.fedlead.proto.v1.PollTaskRequest;
import io.fedlead.wire.tls.PemFile;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS binds a client's certificate to its identity, over real TLS on loopback TCP: Join is accepted only under
 * a name the certificate vouches for (CN or DNS SAN), and a session token works only on connections whose
 * certificate vouches for the name it was issued to.
 */
class MutualTlsIdentityTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static TestPki.Issued server;
    static String schemaJson;

    @TempDir
    Path dir;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private CoordinatorServer coordinator;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(pkiDir, "identity-ca");
        server = pki.server("coordinator");
        schemaJson = SyntheticLeadGenerator.defaultSchema().toCanonicalJson();
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (coordinator != null) {
            coordinator.stop();
        }
    }

    /** A coordinator on 127.0.0.1 serving TLS, requiring client certificates from the test CA if {@code mutual}. */
    private int startCoordinator(boolean mutual) throws Exception {
        // Stated privacy: defaults (C = 1, z = 0.5); no round runs here (min-clients 3 is never reached).
        FederationConfig config = FederationConfig.defaults().with("identity", 0, 1, 3, dir.toString())
                .withTls(new FederationConfig.Tls(server.certFile().toString(), server.keyFile().toString(),
                        mutual ? pki.ca().certFile().toString() : null));
        coordinator = CoordinatorServer.create(config, ServerSecurity.of(config.tls()).serverBuilder(config),
                RunListener.NONE).start();
        return coordinator.port();
    }

    private FederationGrpc.FederationBlockingStub stub(Optional<TestPki.Issued> clientCert) {
        ClientSecurity security = ClientSecurity.tls(Optional.of(new PemFile("--tls-ca", pki.ca().certFile())),
                clientCert.map(c -> new PemFile("--tls-cert", c.certFile())),
                clientCert.map(c -> new PemFile("--tls-key", c.keyFile())));
        ManagedChannel channel = security.channel("127.0.0.1", coordinator.port());
        channels.add(channel);
        return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static JoinRequest join(String name) {
        return JoinRequest.newBuilder().setClientName(name).setSchemaJson(schemaJson).build();
    }

    @Test
    void join_certificateCommonNameIsTheClientName_accepted() throws Exception {
        startCoordinator(true);
        JoinResponse r = stub(Optional.of(pki.client("unit-a"))).join(join("unit-a"));
        assertFalse(r.getSessionToken().isEmpty());
        assertEquals("identity", r.getRunId());
    }

    @Test
    void join_dnsNameOfTheCertificateAsClientName_accepted() throws Exception {
        startCoordinator(true);
        FederationGrpc.FederationBlockingStub partner = stub(Optional.of(pki.client("Partner GmbH", "unit-c.partner.example")));
        assertFalse(partner.join(join("unit-c.partner.example")).getClientId().isEmpty());
    }

    @Test
    void join_nameTheCertificateDoesNotCarry_permissionDeniedNamingBoth() throws Exception {
        startCoordinator(true);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(Optional.of(pki.client("unit-a"))).join(join("unit-b")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(d.contains("client_name 'unit-b'") && d.contains("[unit-a]") && d.contains("CN=unit-a"), d);
    }

    @Test
    void pollTask_tokenUsedWithAnotherClientsCertificate_permissionDenied() throws Exception {
        startCoordinator(true);
        FederationGrpc.FederationBlockingStub a = stub(Optional.of(pki.client("unit-a")));
        JoinResponse session = a.join(join("unit-a"));
        PollTaskRequest poll = PollTaskRequest.newBuilder().setClientId(session.getClientId())
                .setSessionToken(session.getSessionToken()).setMaxWaitMillis(0).build();
        assertTrue(a.pollTask(poll).hasWait(), "the token works on its own client's connection");

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(Optional.of(pki.client("unit-b"))).pollTask(poll));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(d.contains("belongs to client 'unit-a'") && d.contains("[unit-b]"), d);
    }

    @Test
    void join_tlsWithoutClientCa_acceptsAnyNameWithoutCertificate() throws Exception {
        startCoordinator(false);
        assertFalse(stub(Optional.empty()).join(join("unit-z")).getClientId().isEmpty());
    }
}
