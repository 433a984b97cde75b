package io.fedlead.client;

import io.fedlead.core.config.Hosts;
import io.fedlead.wire.tls.PemFile;
import io.fedlead.wire.tls.TlsCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client node's channel to the coordinator is secured: plaintext, TLS, or TLS with a client certificate
 * (mutual TLS). With TLS the coordinator's certificate must chain to the given trust roots (the JDK's trust store
 * when none are given) and name the host the node connects to. The files are read and checked when this is built,
 * so a wrong one stops the node before it connects, naming the flag.
 *
 * @param credentials for {@link NettyChannelBuilder#forAddress(String, int, ChannelCredentials)}
 * @param tls         false for plaintext
 * @param description one line for the node's start-up output
 */
public record ClientSecurity(ChannelCredentials credentials, boolean tls, String description) {
    public ClientSecurity {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(description, "description");
    }

    public static ClientSecurity plaintext() {
        return new ClientSecurity(TlsCredentials.plaintextChannel(), false, "plaintext (no TLS)");
    }

    /**
     * TLS to the coordinator.
     *
     * @param trustRoots CA certificates the coordinator's certificate must chain to; empty = the JDK's trust store
     * @param certChain  this node's certificate (mutual TLS), with {@code privateKey}; both or neither
     */
    public static ClientSecurity tls(Optional<PemFile> trustRoots, Optional<PemFile> certChain,
                                     Optional<PemFile> privateKey) {
        if (certChain.isPresent() != privateKey.isPresent()) {
            PemFile given = certChain.orElseGet(privateKey::orElseThrow);
            throw given.problemWithout(certChain.isPresent() ? "a private key" : "a certificate");
        }
        Optional<TlsCredentials.TrustRoots> roots = trustRoots.map(TlsCredentials::trustRoots);
        Optional<TlsCredentials.Identity> identity = certChain.map(c -> TlsCredentials.identity(c, privateKey.get()));
        String trust = roots.map(r -> "trusting " + r.certificates().get(0).getSubjectX500Principal().getName()
                        + (r.certificates().size() > 1 ? " and " + (r.certificates().size() - 1) + " more" : "")
                        + " (" + trustRoots.get().path() + ")")
                .orElse("trusting the JDK's default CA certificates");
        String own = identity.map(i -> "; client certificate " + i.leaf().getSubjectX500Principal().getName())
                .orElse("; no client certificate");
        return new ClientSecurity(TlsCredentials.channel(roots, identity), true, "TLS, " + trust + own);
    }

    /**
     * The rule of {@code fedlead client}: TLS whenever a TLS flag is given or the coordinator is not on a loopback
     * address; plaintext when {@code --plaintext} is given, or to a loopback address (127.0.0.0/8, ::1,
     * {@code localhost}) without TLS flags, as the demo and local runs use.
     */
    public static ClientSecurity forCommandLine(String host, boolean plaintext, boolean tls, Path tlsCa, Path tlsCert,
                                                Path tlsKey) {
        List<String> tlsFlags = new ArrayList<>();
        if (tls) {
            tlsFlags.add("--tls");
        }
        if (tlsCa != null) {
            tlsFlags.add("--tls-ca");
        }
        if (tlsCert != null) {
            tlsFlags.add("--tls-cert");
        }
        if (tlsKey != null) {
            tlsFlags.add("--tls-key");
        }
        if (plaintext && !tlsFlags.isEmpty()) {
            throw new IllegalArgumentException("--plaintext cannot be combined with " + String.join(", ", tlsFlags));
        }
        if (plaintext || (tlsFlags.isEmpty() && Hosts.isLoopback(host))) {
            ClientSecurity p = plaintext();
            return new ClientSecurity(p.credentials(), false, p.description()
                    + (plaintext ? " (--plaintext)" : " (loopback coordinator; --tls or --tls-ca for TLS)"));
        }
        return tls(Optional.ofNullable(tlsCa).map(p -> new PemFile("--tls-ca", p)),
                Optional.ofNullable(tlsCert).map(p -> new PemFile("--tls-cert", p)),
                Optional.ofNullable(tlsKey).map(p -> new PemFile("--tls-key", p)));
    }

    /** A channel to {@code host:port} with these credentials (TLS checks the certificate against {@code host}). */
    public ManagedChannel channel(String host, int port) {
        return NettyChannelBuilder.forAddress(host, port, credentials).build();
    }
}
