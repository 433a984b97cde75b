package io.fedlead.client;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture: a certificate authority made at test time (BouncyCastle, EC P-256) that issues a server certificate
 * for 127.0.0.1/localhost and client certificates, written as PEM files (certificates, unencrypted PKCS#8 keys) the
 * way an operator would hand them to FedLead.
 */
final class TestPki {
    /** A certificate and its key, in memory and as PEM files. */
    record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path dir;
    private final String name;
    private final Issued ca;

    private TestPki(Path dir, String name, Issued ca) {
        this.dir = dir;
        this.name = name;
        this.ca = ca;
    }

    /** A new CA named {@code name}, writing its files into {@code dir}. */
    static TestPki create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name + ",O=FedLead tests");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate cert = sign(b, keys);
        return new TestPki(dir, name, write(dir, name + "-ca", cert, keys));
    }

    Issued ca() {
        return ca;
    }

    /** A server certificate for 127.0.0.1 and localhost (what a client connecting to 127.0.0.1 checks). */
    Issued server(String fileName) throws Exception {
        return issue(fileName, "coordinator", KeyPurposeId.id_kp_serverAuth, List.of(
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")),
                Instant.now().plus(Duration.ofDays(1)));
    }

    /** A server certificate only for {@code dnsName}: a client connecting to 127.0.0.1 must refuse it. */
    Issued serverFor(String fileName, String dnsName) throws Exception {
        return issue(fileName, dnsName, KeyPurposeId.id_kp_serverAuth,
                List.of(new GeneralName(GeneralName.dNSName, dnsName)), Instant.now().plus(Duration.ofDays(1)));
    }

    /** A client certificate whose subject CN is {@code commonName}, with {@code dnsNames} as DNS SANs. */
    Issued client(String commonName, String... dnsNames) throws Exception {
        List<GeneralName> sans = new ArrayList<>();
        for (String d : dnsNames) {
            sans.add(new GeneralName(GeneralName.dNSName, d));
        }
        return issue(commonName, commonName, KeyPurposeId.id_kp_clientAuth, sans, Instant.now().plus(Duration.ofDays(1)));
    }

    /** A server certificate that expired a minute ago. */
    Issued expiredServer(String fileName) throws Exception {
        return issue(fileName, "coordinator", KeyPurposeId.id_kp_serverAuth,
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")), Instant.now().minusSeconds(60));
    }

    private Issued issue(String fileName, String commonName, KeyPurposeId purpose, List<GeneralName> sans,
                         Instant notAfter) throws Exception {
        KeyPair keys = newKeys();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(notAfter),
                new X500Name("CN=" + commonName + ",O=FedLead tests"), keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new ArrayList<>(sans).toArray(GeneralName[]::new)));
        }
        return write(dir, fileName, sign(b, ca.keys()), keys);
    }

    /** Writes {@code issued}'s key in the older SEC1 form ("BEGIN EC PRIVATE KEY") that FedLead refuses. */
    static Path writeSec1Key(Issued issued, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(issued.keys().getPrivate());
        }
        return file;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static Issued write(Path dir, String fileName, X509Certificate cert, KeyPair keys) throws IOException {
        Path certFile = dir.resolve(fileName + ".pem");
        Path keyFile = dir.resolve(fileName + ".key");
        try (Writer w = Files.newBufferedWriter(certFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(cert);
        }
        try (Writer w = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return new Issued(cert, keys, certFile, keyFile);
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    @Override
    public String toString() {
        return "TestPki(" + name + ")";
    }
}
