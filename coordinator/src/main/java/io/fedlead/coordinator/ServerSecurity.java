package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.wire.tls.PemFile;
import io.fedlead.wire.tls.TlsCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The coordinator's transport security, from the {@code tls} keys of its config: plaintext, TLS, or mutual TLS.
 * {@link #of} reads and checks the PEM files at once, so a missing file, a key that does not match its certificate
 * or an expired certificate stops the coordinator before it listens, with the {@code tls.*} key in the message.
 *
 * @param credentials for {@link NettyServerBuilder#forAddress(java.net.SocketAddress, ServerCredentials)}
 * @param description one line for the start-up log: the mode, the certificate and, with mutual TLS, the client CA
 */
public record ServerSecurity(ServerCredentials credentials, String description) {

    public static ServerSecurity of(FederationConfig.Tls tls) {
        if (!tls.enabled()) {
            return new ServerSecurity(TlsCredentials.plaintextServer(), tls.allowPlaintext()
                    ? "plaintext (tls.allow-plaintext: true): session tokens and updates cross the network unencrypted "
                            + "unless a TLS-terminating proxy is in front"
                    : "plaintext (no TLS: tls.cert-chain not set; loopback only)");
        }
        TlsCredentials.Identity identity = TlsCredentials.identity(new PemFile("tls.cert-chain", Path.of(tls.certChain())),
                new PemFile("tls.private-key", Path.of(tls.privateKey())));
        X509Certificate leaf = identity.leaf();
        String own = "certificate " + leaf.getSubjectX500Principal().getName() + " valid until "
                + leaf.getNotAfter().toInstant();
        if (!tls.mutual()) {
            return new ServerSecurity(TlsCredentials.server(identity, Optional.empty()),
                    "TLS, " + own + "; no client certificates asked for (tls.client-ca not set)");
        }
        TlsCredentials.TrustRoots roots = TlsCredentials.trustRoots(new PemFile("tls.client-ca", Path.of(tls.clientCa())));
        String cas = roots.certificates().stream().map(c -> c.getSubjectX500Principal().getName()).collect(Collectors.joining("; "));
        return new ServerSecurity(TlsCredentials.server(identity, Optional.of(roots)),
                "mutual TLS, " + own + "; clients need a certificate from " + cas
                        + " and join only under its CN or a DNS name it carries");
    }

    /** A Netty server builder on {@code config}'s host and port with this security. */
    public NettyServerBuilder serverBuilder(FederationConfig config) {
        return NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()), credentials);
    }
}
