package dev.txfn.internal;

import dev.txfn.InvalidConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate authorities a server's certificate must chain to ({@code sslrootcert}): a file, which pgjdbc
 * reads itself on each new connection, or a classpath resource ({@value #CLASSPATH_PREFIX}{@code name}), which
 * {@link ClasspathCaSocketFactory} serves to pgjdbc from memory.
 *
 * <p>Both are checked when a pool is built, so a missing or malformed bundle fails at start, naming the setting;
 * messages never quote the bundle's content. A resource is read and parsed once per process; later pools naming
 * the same resource share it. Each connection gets a TLS context of its own, as with pgjdbc's file handling, so
 * nothing random is made before a SnapStart snapshot and reused after it. Thread-safe.
 */
public final class CaBundle {

    /** Marks an {@code sslrootcert} value as a classpath resource, e.g. {@code classpath:rds-global-bundle.pem}. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private static final ConcurrentMap<String, TrustManager[]> RESOURCE_TRUST = new ConcurrentHashMap<>();

    private CaBundle() {
    }

    /**
     * Whether {@code location} names a classpath resource rather than a file.
     *
     * @param location an {@code sslrootcert} value
     * @return {@code true} for {@value #CLASSPATH_PREFIX}{@code name}
     */
    public static boolean isResource(String location) {
        return location.startsWith(CLASSPATH_PREFIX);
    }

    /**
     * Checks that {@code file} is a readable file of X.509 certificates, PEM-encoded as pgjdbc expects.
     *
     * @param file the {@code sslrootcert} path
     * @param setting the setting it came from, for messages
     * @throws InvalidConfigurationException if it does not exist, cannot be read or holds no certificate
     */
    public static void checkFile(String file, String setting) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw invalid(setting, "sslrootcert is not a valid file path");
        }
        if (!Files.isRegularFile(path)) {
            throw invalid(setting, "sslrootcert file " + file + " does not exist");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw invalid(setting, "sslrootcert file " + file + " cannot be read");
        }
        parse(content, "sslrootcert file " + file, setting);
    }

    /**
     * Reads and parses the resource {@code name} (without {@value #CLASSPATH_PREFIX}) now, unless an earlier pool
     * did, and keeps it for {@link ClasspathCaSocketFactory}. Looks in the thread's context class loader, then in
     * txfn's own.
     *
     * @param name the resource name, e.g. {@code rds-global-bundle.pem} or {@code certs/ca.pem}
     * @param setting the setting it came from, for messages
     * @throws InvalidConfigurationException if no such resource exists or it holds no certificate
     */
    public static void loadResource(String name, String setting) {
        trust(name, setting);
    }

    /**
     * A new socket factory trusting the resource's certificates, loading it if no pool has (a URL from
     * {@code Database.jdbcUrl()} reused elsewhere, say).
     */
    static SSLSocketFactory resourceFactory(String name) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust(name, ClasspathCaSocketFactory.RESOURCE_PROPERTY), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not create a TLS context", e);
        }
    }

    private static TrustManager[] trust(String name, String setting) {
        return RESOURCE_TRUST.computeIfAbsent(name, n -> trustManagers(readResource(n, setting),
                "sslrootcert resource " + CLASSPATH_PREFIX + n, setting));
    }

    private static byte[] readResource(String name, String setting) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        if (path.isEmpty()) {
            throw invalid(setting, "sslrootcert " + CLASSPATH_PREFIX + " names no resource");
        }
        for (ClassLoader loader : loaders()) {
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in != null) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                throw invalid(setting, "sslrootcert resource " + CLASSPATH_PREFIX + name + " cannot be read");
            }
        }
        throw invalid(setting, "sslrootcert resource " + CLASSPATH_PREFIX + name + " is not on the classpath");
    }

    private static Set<ClassLoader> loaders() {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        ClassLoader own = CaBundle.class.getClassLoader();
        loaders.add(own != null ? own : ClassLoader.getSystemClassLoader());
        return loaders;
    }

    private static List<Certificate> parse(byte[] content, String what, String setting) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(content));
        } catch (CertificateException e) {
            // The parser's message may quote the content; it is left out.
            throw invalid(setting, what + " is not a PEM file of X.509 certificates");
        }
        if (certificates.isEmpty()) {
            throw invalid(setting, what + " holds no certificate; expected PEM X.509 certificates");
        }
        return new ArrayList<>(certificates);
    }

    private static TrustManager[] trustManagers(byte[] content, String what, String setting) {
        List<Certificate> certificates = parse(content, what, setting);
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trusted.setCertificateEntry("ca" + i, certificates.get(i));
            }
            // What pgjdbc's own LibPQFactory does with an sslrootcert file.
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(trusted);
            return trust.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust manager from " + what, e);
        }
    }

    private static InvalidConfigurationException invalid(String setting, String problem) {
        return new InvalidConfigurationException(setting, problem);
    }
}
