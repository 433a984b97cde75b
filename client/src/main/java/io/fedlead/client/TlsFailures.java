package io.fedlead.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import javax.net.ssl.SSLException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Says why a call to the coordinator failed at the TLS level. gRPC reports every such failure as UNAVAILABLE ("io
 * exception", "ssl exception") with the real reason deep in the cause chain; a node that only printed the code would
 * send its operator hunting. The reasons told apart (as grpc-java 1.85 with its shaded BoringSSL or the JDK's TLS
 * reports them):
 * <ul>
 *   <li>the coordinator's certificate does not chain to a trusted CA (PKIX path building failed);</li>
 *   <li>it does not name the host the node connects to;</li>
 *   <li>the coordinator asked for a client certificate and got none it accepts (alert certificate_required from
 *       BoringSSL, bad_certificate from the JDK; a node only offers a certificate issued by a CA the coordinator
 *       names, so a certificate from another CA ends the same way);</li>
 *   <li>the coordinator answered in plaintext (a TLS node talking to a coordinator without TLS).</li>
 * </ul>
 * These do not heal by waiting. A plaintext node talking to a TLS coordinator sees only a connection closed without
 * a word, and other TLS errors (a handshake timeout) may pass; those are not certain enough to give up on, so
 * {@link #hint} adds the likely reason to the retry messages instead.
 */
final class TlsFailures {
    static final String CLOSED_WITHOUT_ANSWER = "Network closed for unknown reason";
    /**
     * TLS alerts a server sends about the client's certificate. Without one, BoringSSL sends certificate_required
     * and the JDK's TLS 1.3 server bad_certificate, so the message covers both "none" and "not accepted".
     */
    private static final List<String> CLIENT_CERTIFICATE_ALERTS = List.of("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE",
            "UNKNOWN_CA", "CERTIFICATE_UNKNOWN", "CERTIFICATE_EXPIRED", "CERTIFICATE_REVOKED", "UNSUPPORTED_CERTIFICATE");

    private TlsFailures() {
    }

    /** The TLS reason of {@code e}, in words that say what to fix; empty when it is not a TLS failure. */
    static Optional<String> explain(StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
            return Optional.empty();
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            String upper = message.toUpperCase(Locale.ROOT);
            if (t instanceof CertPathBuilderException || message.contains("PKIX path building failed")
                    || message.contains("unable to find valid certification path")) {
                return Optional.of("TLS: the coordinator's certificate is not issued by a CA this node trusts (the "
                        + "--tls-ca file, or the JDK's default CA certificates when --tls-ca is not given): "
                        + innermost(t));
            }
            if (t instanceof CertificateException && (message.contains("No subject alternative")
                    || message.contains("No name matching"))) {
                return Optional.of("TLS: the coordinator's certificate does not name the host this node connects to "
                        + "(connect with a name or address the certificate carries, or have it reissued with this "
                        + "one): " + message);
            }
            if (CLIENT_CERTIFICATE_ALERTS.stream().anyMatch(upper::contains)) {
                return Optional.of("TLS: the coordinator requires a client certificate (mutual TLS) and refused what "
                        + "this node offered (none, or one it does not accept): give --tls-cert and --tls-key with a "
                        + "current certificate issued by the CA in the coordinator's tls.client-ca (a node offers "
                        + "its certificate only to a coordinator that names its CA) [" + alert(message) + "]");
            }
            if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
                return Optional.of("TLS: the coordinator answered in plaintext, not TLS: it serves no TLS (no "
                        + "tls.cert-chain in its config); connect with --plaintext, or have it configured for TLS");
            }
        }
        return Optional.empty();
    }

    /**
     * A likely reason for a failure that is not certain enough to give up on; empty when there is none. Other TLS
     * errors (a handshake timeout, a connection reset mid-handshake) can be transient, so they are only named.
     */
    static Optional<String> hint(StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
            return Optional.empty();
        }
        if (e.getCause() == null && CLOSED_WITHOUT_ANSWER.equals(e.getStatus().getDescription())) {
            return Optional.of("the coordinator accepted the connection and closed it without answering, which is "
                    + "what a TLS coordinator does to a plaintext node: if it serves TLS, connect with --tls-ca "
                    + "(and --tls-cert/--tls-key for mutual TLS) instead of --plaintext");
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return Optional.of("TLS handshake with the coordinator failed: " + innermost(t));
            }
        }
        return Optional.empty();
    }

    private static String innermost(Throwable t) {
        Throwable last = t;
        while (last.getCause() != null && last.getCause() != last) {
            last = last.getCause();
        }
        return last.getClass().getSimpleName() + ": " + last.getMessage();
    }

    /**
     * "alert TLSV1_ALERT_CERTIFICATE_REQUIRED" out of BoringSSL's "...OpenSslException: error:1000045c:SSL
     * routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED", "alert certificate_required" out of the JDK's
     * "Received fatal alert: certificate_required".
     */
    private static String alert(String message) {
        int colon = message.lastIndexOf(':');
        return colon >= 0 ? "alert " + message.substring(colon + 1).strip() : message;
    }
}
