package io.fedlead.coordinator;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Puts the identity of the client's TLS certificate (mutual TLS) into the gRPC {@link Context} of each call, where
 * {@link FederationService} checks it against the client name a Join asks for and the session a token belongs to.
 * The certificate was already verified against {@code tls.client-ca} in the handshake; this only reads it from the
 * call's {@link Grpc#TRANSPORT_ATTR_SSL_SESSION}. Calls without a certificate pass with no identity.
 */
final class ClientCertificateInterceptor implements ServerInterceptor {
    static final Context.Key<ClientIdentity> IDENTITY = Context.key("fedlead-client-certificate-identity");

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        Optional<ClientIdentity> identity;
        try {
            identity = identityOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        } catch (IllegalArgumentException e) {
            // A verified certificate whose names cannot be read: refuse it rather than let the call in unnamed.
            call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (identity.isEmpty()) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(IDENTITY, identity.get()), call, headers, next);
    }

    static Optional<ClientIdentity> identityOf(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return Optional.of(ClientIdentity.of(leaf));
    }
}
