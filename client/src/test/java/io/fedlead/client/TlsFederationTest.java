package io.fedlead.client;

import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.SyntheticLeadGenerator;
import io.fedlead.core.model.LocalTrainer;
import io.fedlead.core.privacy.GaussianMechanism;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.UpdatePrivatizer;
import io.fedlead.wire.tls.PemFile;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small federation over mutual TLS on loopback TCP: certificates made at test time (TestPki), the coordinator
 * configured through its tls keys, each node with its own client certificate. A server interceptor records the
 * TLS session of every call, so the test fails if any call went in plaintext.
 */
class TlsFederationTest {
    @Test
    void run_twoUnitsOverMutualTls_completesWithEveryCallOnTls(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "federation-ca");
        TestPki.Issued server = pki.server("coordinator");
        // Stated privacy: C = 1, z = 0.1. Two rounds of a logistic model: this tests the transport, not learning.
        FederationConfig config = FederationConfig.defaults().with("tls", 0, 2, 2, dir.resolve("runs").toString())
                .withTraining(new FederationConfig.Training(1, 64, 0.2, 1.0, 0.1, false, false))
                .withTls(new FederationConfig.Tls(server.certFile().toString(), server.keyFile().toString(),
                        pki.ca().certFile().toString()));
        AtomicInteger plaintextCalls = new AtomicInteger();
        Set<String> peers = new ConcurrentSkipListSet<>();
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                if (session == null) {
                    plaintextCalls.incrementAndGet();
                } else {
                    try {
                        peers.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal()
                                .getName() + " over " + session.getProtocol());
                    } catch (SSLPeerUnverifiedException e) {
                        peers.add("no client certificate");
                    }
                }
                return next.startCall(call, headers);
            }
        };
        SyntheticLeadGenerator gen = new SyntheticLeadGenerator(5);
        FeatureSchema schema = gen.schema();
        RunResult result;
        List<ClientOutcome> outcomes;
        try (LoopbackFederation fed = LoopbackFederation.withConfiguredTls(config, RunListener.NONE, recorder)) {
            for (int u = 0; u < 2; u++) {
                String name = SyntheticLeadGenerator.unitName(u);
                TestPki.Issued cert = pki.client(name);
                ClientSecurity security = ClientSecurity.tls(Optional.of(new PemFile("--tls-ca", pki.ca().certFile())),
                        Optional.of(new PemFile("--tls-cert", cert.certFile())),
                        Optional.of(new PemFile("--tls-key", cert.keyFile())));
                LocalData data = LocalData.of(gen.generate(u, 500), schema, false, 0.2, NoiseSources.seededForSimulation(u));
                fed.startNode(ClientNodeConfig.defaults(name), data, new LocalTrainer(NoiseSources.seededForSimulation(10 + u)),
                        new UpdatePrivatizer(new GaussianMechanism(NoiseSources.seededForSimulation(20 + u))),
                        ClientListener.NONE, ClientPrivacy.unrecorded("test"), security);
            }
            result = fed.coordinator.run().awaitResult();
            outcomes = fed.awaitNodes();
        }
        assertEquals("completed", result.status(), result.reason());
        assertEquals(2, result.history().size());
        for (ClientOutcome o : outcomes) {
            assertEquals(2, o.rounds());
        }
        assertEquals(0, plaintextCalls.get(), "calls without TLS");
        assertEquals(new TreeSet<>(Set.of("O=FedLead tests,CN=unit-a over TLSv1.3", "O=FedLead tests,CN=unit-b over TLSv1.3")),
                new TreeSet<>(peers));
    }
}
