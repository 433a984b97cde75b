package io.fedlead.wire.tls;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * grpc-java credentials from PEM files, checked first: every file is read once, parsed, and the key matched to its
 * certificate, and those same bytes are what gRPC gets. Any problem is an {@link IllegalArgumentException} naming
 * the setting (config key or flag) and the file.
 */
public final class TlsCredentials {
    private TlsCredentials() {
    }

    /** A certificate chain with the key of its first certificate, both checked. */
    public record Identity(List<X509Certificate> chain, byte[] chainPem, byte[] keyPem) {
        public Identity {
            chain = List.copyOf(chain);
        }

        /** The certificate the key belongs to. */
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    /** Reads {@code certChain} and {@code privateKey} and checks that they belong together and are valid now. */
    public static Identity identity(PemFile certChain, PemFile privateKey) {
        byte[] chainPem = certChain.read();
        List<X509Certificate> chain = PemReader.certificates(certChain, chainPem);
        PemReader.checkValidNow(certChain, chain.get(0));
        byte[] keyPem = privateKey.read();
        PrivateKey key = PemReader.privateKey(privateKey, keyPem, chain.get(0).getPublicKey());
        PemReader.checkKeyMatches(privateKey, key, certChain, chain.get(0));
        return new Identity(chain, chainPem, keyPem);
    }

    /** CA certificates to verify the other side against, and their PEM bytes. */
    public record TrustRoots(List<X509Certificate> certificates, byte[] pem) {
        public TrustRoots {
            certificates = List.copyOf(certificates);
        }
    }

    /** Reads trust roots (CA certificates): at least one certificate. */
    public static TrustRoots trustRoots(PemFile roots) {
        byte[] pem = roots.read();
        return new TrustRoots(PemReader.certificates(roots, pem), pem);
    }

    /**
     * Server credentials: TLS with {@code identity}; with {@code clientCa}, client certificates are required and must
     * chain to it (mutual TLS).
     */
    public static ServerCredentials server(Identity identity, Optional<TrustRoots> clientCa) {
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(new ByteArrayInputStream(identity.chainPem()), new ByteArrayInputStream(identity.keyPem()));
            if (clientCa.isPresent()) {
                b.trustManager(new ByteArrayInputStream(clientCa.get().pem()))
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading byte arrays does not fail
        }
    }

    /** The plaintext server credentials, named here so that the choice is visible at the call site. */
    public static ServerCredentials plaintextServer() {
        return InsecureServerCredentials.create();
    }

    /**
     * Channel credentials for TLS: the coordinator's certificate is checked against {@code trustRoots} (the JDK's
     * default trust store when empty) and its host name; {@code clientIdentity} is presented when the coordinator
     * asks for a client certificate.
     */
    public static ChannelCredentials channel(Optional<TrustRoots> trustRoots, Optional<Identity> clientIdentity) {
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (trustRoots.isPresent()) {
                b.trustManager(new ByteArrayInputStream(trustRoots.get().pem()));
            }
            if (clientIdentity.isPresent()) {
                b.keyManager(new ByteArrayInputStream(clientIdentity.get().chainPem()),
                        new ByteArrayInputStream(clientIdentity.get().keyPem()));
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plaintext channel credentials. */
    public static ChannelCredentials plaintextChannel() {
        return InsecureChannelCredentials.create();
    }
}
