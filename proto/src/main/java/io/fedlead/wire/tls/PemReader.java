package io.fedlead.wire.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks the PEM files of a TLS setup before gRPC gets them, so that a wrong file fails at start-up with
 * the setting's name instead of at the first handshake with a generic SSL error. Certificates are parsed by the
 * JDK's X.509 factory; the private key must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), the one format
 * grpc-java reads without BouncyCastle, and older formats are named with the command that converts them.
 */
final class PemReader {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemReader() {
    }

    /** The X.509 certificates in {@code bytes}, in file order; at least one. */
    static List<X509Certificate> certificates(PemFile file, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw file.problem("holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' line)"
                    + found(text));
        }
        Collection<? extends java.security.cert.Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw file.problem("is not a readable PEM certificate file: " + e.getMessage());
        }
        List<X509Certificate> out = new ArrayList<>();
        for (java.security.cert.Certificate c : parsed) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw file.problem("holds no PEM certificate");
        }
        return out;
    }

    /** The unencrypted PKCS#8 private key in {@code bytes}, of the algorithm of {@code publicKey}. */
    static PrivateKey privateKey(PemFile file, byte[] bytes, PublicKey publicKey) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String convert = " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.path() + " -out key.pk8.pem";
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
                throw file.problem("is a PKCS#1/SEC1 key ('" + firstBlock(text) + "'); FedLead needs unencrypted "
                        + "PKCS#8 ('BEGIN PRIVATE KEY'):" + convert);
            }
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw file.problem("is an encrypted private key; FedLead reads only unencrypted PKCS#8 (protect the "
                        + "file with permissions):" + convert);
            }
            throw file.problem("holds no PKCS#8 private key (no '-----BEGIN PRIVATE KEY-----' block)" + found(text));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw file.problem("private key block is not valid base64: " + e.getMessage());
        }
        String algorithm = publicKey.getAlgorithm();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw file.problem("is not a " + algorithm + " private key (the certificate's key type): " + e.getMessage());
        }
    }

    /**
     * Fails unless {@code key} is the private half of {@code certificate}'s public key: signs a random challenge and
     * verifies it with the certificate, which works for every key type the JDK can sign with.
     */
    static void checkKeyMatches(PemFile keyFile, PrivateKey key, PemFile certFile, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return; // an exotic key type (e.g. RSASSA-PSS): the handshake will tell
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw keyFile.problem("does not match the certificate in '" + certFile.setting() + "' (" + certFile.path()
                    + ", subject " + certificate.getSubjectX500Principal().getName()
                    + "); the key must belong to the first certificate of the chain");
        }
    }

    /** Fails if {@code certificate} has expired or is not yet valid. */
    static void checkValidNow(PemFile file, X509Certificate certificate) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw file.problem("certificate " + certificate.getSubjectX500Principal().getName() + " expired on "
                    + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw file.problem("certificate " + certificate.getSubjectX500Principal().getName()
                    + " is not valid before " + certificate.getNotBefore().toInstant());
        }
    }

    private static String found(String text) {
        String block = firstBlock(text);
        return block.isEmpty() ? "" : "; it holds '" + block + "'";
    }

    private static String firstBlock(String text) {
        Matcher m = BEGIN.matcher(text);
        return m.find() ? m.group() : "";
    }
}
