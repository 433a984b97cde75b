package io.fedlead.coordinator;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Who a client is according to its TLS certificate (mutual TLS): the names the certificate vouches for, which are
 * its subject's common name (CN) and its DNS subject alternative names. A client may join only under one of them.
 * Matching is exact and case-sensitive, as client names are.
 *
 * @param subject the certificate's subject, for messages (RFC 2253 form)
 * @param names   CN first (when there is one), then the DNS SANs
 */
public record ClientIdentity(String subject, List<String> names) {
    /** SAN type of a DNS name (RFC 5280 GeneralName dNSName). */
    private static final int DNS_NAME = 2;

    public ClientIdentity {
        Objects.requireNonNull(subject, "subject");
        names = List.copyOf(names);
    }

    /** The identity of a verified client certificate. */
    public static ClientIdentity of(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("client certificate subject '" + subject + "' cannot be parsed", e);
        }
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && !names.contains(san.get(1))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("client certificate " + subject + ": subject alternative names cannot "
                    + "be parsed", e);
        }
        return new ClientIdentity(subject, names);
    }

    /** True if the certificate names {@code clientName}. */
    public boolean vouchesFor(String clientName) {
        return names.contains(clientName);
    }

    @Override
    public String toString() {
        return "certificate " + subject + " (names " + names + ")";
    }
}
