package dev.txfn.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory} when {@code sslrootcert} names a classpath resource: TLS sockets that trust exactly
 * the certificates of the resource named by {@code sslfactoryarg}. pgjdbc instantiates it for each new
 * connection; the parsed bundle is shared ({@link CaBundle}), the TLS context is the connection's own.
 *
 * <p>It only checks the chain. With {@code sslmode=verify-full} pgjdbc still checks the host name against the
 * certificate after the handshake ({@code MakeSSL.verifyPeerName}, whatever the factory), as it does with a file.
 *
 * <p>Public only because pgjdbc instantiates it by name. Thread-safe.
 */
public final class ClasspathCaSocketFactory extends SSLSocketFactory {

    /** The pgjdbc property naming the resource, as pgjdbc hands it to a factory. */
    public static final String RESOURCE_PROPERTY = "sslfactoryarg";

    private final SSLSocketFactory delegate;

    /**
     * Called by pgjdbc with the connection's properties.
     *
     * @param properties the connection's properties; {@value #RESOURCE_PROPERTY} names the resource
     * @throws dev.txfn.InvalidConfigurationException if the resource is missing or holds no certificate
     */
    public ClasspathCaSocketFactory(Properties properties) {
        String resource = properties.getProperty(RESOURCE_PROPERTY);
        if (resource == null) {
            throw new IllegalArgumentException(RESOURCE_PROPERTY + " must name the CA bundle resource");
        }
        this.delegate = CaBundle.resourceFactory(resource);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
