package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.proto.v1.JoinRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS fails closed: a coordinator configured with tls.client-ca refuses calls that carry no client
 * certificate even when the transport it was given has no TLS at all (here in-process). The real TLS paths are
 * tested over TCP in the client module (MutualTlsIdentityTest, TlsFederationTest).
 */
class ClientCertificateRequiredTest {
    @Test
    void join_mutualTlsConfiguredButNoCertificateOnTheCall_unauthenticated(@TempDir Path dir) throws Exception {
        // The files are never read: the in-process builder carries no TLS. Stated privacy: defaults, C = 1, z = 0.5.
        FederationConfig config = FederationConfig.defaults().with("mtls", 0, 1, 2, dir.toString())
                .withTls(new FederationConfig.Tls("server.pem", "server.key", "ca.pem"));
        try (InProcessCoordinator c = InProcessCoordinator.start(config)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> FakeClient.stub(c.channel)
                    .join(JoinRequest.newBuilder().setClientName("unit-a")
                            .setSchemaJson(new SyntheticLeadGenerator(1).schema().toCanonicalJson()).build()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("requires a client certificate"),
                    e.getStatus().getDescription());
        }
    }
}
