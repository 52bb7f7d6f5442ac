package dev.txfn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test support: a certificate authority made for one test run, and the server certificates it signs (EC P-256,
 * valid from an hour ago for a day), for a PostgreSQL server with TLS that tests and the benchmark start on
 * 127.0.0.1. Nothing is read from or written to a fixed place. Needs BouncyCastle's {@code bcpkix-jdk18on} on the
 * class path (an optional dependency of txfn-core, like the embedded PostgreSQL of {@link PostgresTestDatabase}).
 * Immutable and thread-safe.
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificates(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /**
     * A new self-signed certificate authority.
     *
     * @param name its common name, {@code CN=name}
     * @return the authority
     */
    public static TestCertificates authority(String name) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCertificates(name, keys, sign(builder, keys.getPrivate()));
    }

    /**
     * The authority's certificate as PEM, what a client trusts.
     *
     * @return the PEM text
     */
    public String certificatePem() {
        return pem("CERTIFICATE", encoded(certificate));
    }

    /**
     * Writes {@link #certificatePem()} to {@code file}.
     *
     * @param file where
     * @return {@code file}
     * @throws IOException if it cannot be written
     */
    public Path writeCertificate(Path file) throws IOException {
        return Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
    }

    /**
     * A server certificate signed by this authority, valid for exactly the given subject alternative names, e.g.
     * {@code new GeneralName(GeneralName.dNSName, "localhost")}.
     *
     * @param subjectAlternativeNames the names
     * @return the certificate and its key
     */
    public ServerCertificate issue(GeneralName... subjectAlternativeNames) {
        KeyPair serverKeys = newKeys();
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=txfn test server"),
                serverKeys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAlternativeNames));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServerCertificate(sign(builder, keys.getPrivate()), serverKeys.getPrivate());
    }

    /**
     * A server's certificate and private key, for PostgreSQL's {@code ssl_cert_file} and {@code ssl_key_file}.
     *
     * @param certificate the certificate
     * @param key its private key
     */
    public record ServerCertificate(X509Certificate certificate, PrivateKey key) {
        /**
         * The certificate as PEM.
         *
         * @return the PEM text
         */
        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /**
         * The key as PEM: PKCS #8, unencrypted.
         *
         * @return the PEM text
         */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        @Override
        public String toString() {
            return "ServerCertificate[" + certificate.getSubjectX500Principal() + "]"; // never the key
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
