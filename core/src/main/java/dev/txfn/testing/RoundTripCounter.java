package dev.txfn.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of a PostgreSQL server that counts network round
 * trips, so tests can assert how many round trips a piece of database work costs.
 *
 * <p>A round trip is counted each time a client starts sending after the server last sent to it
 * (or after the connection opened): several client writes in a row count once, and so does the
 * server's reply to them. For a client that sends a query and waits for the reply this is exactly
 * one per query. Counting happens before the client's bytes are forwarded, and a connection
 * switches to "server has sent" before the server's bytes are written to the client, so once a
 * client has received a reply every round trip that led to it is already counted.
 *
 * <p>Opening a pgjdbc connection costs round trips of its own: with {@link #jdbcUrl} and trust
 * authentication, 1 if {@code assumeMinServerVersion} is at least 9.0 and 2 otherwise (pgjdbc then
 * sends {@code SET application_name}); password authentication adds its own exchanges, and TLS
 * negotiation one more. Closing a connection sends a Terminate message, which counts as one more.
 * Measure with {@link #reset()} after connecting and {@link #roundTrips()} before closing.
 *
 * <pre>{@code
 * try (RoundTripCounter counter = RoundTripCounter.start(db.host(), db.port());
 *      Connection c = DriverManager.getConnection(counter.jdbcUrl("postgres", "postgres"))) {
 *     counter.reset();
 *     c.createStatement().executeQuery("select 1").close();
 *     assertThat(counter.roundTrips()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>It also injects faults, so that a test can play the network and the endpoint in front of a server:
 * {@link #setDelay latency}, a {@link #setBlackhole blackhole}, a {@link #cutOnNextClientSend cut at an exact
 * protocol moment}, {@link #cutAllConnections cutting every connection}, and {@link #switchTo switching the
 * server} new connections go to (a failover behind a DNS name).
 *
 * <p>Thread-safe: every method may be called from any thread while connections are proxied. Each
 * accepted connection is served by two daemon threads, one per direction.
 */
public final class RoundTripCounter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoundTripCounter.class);
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private volatile Target target;
    private final ServerSocket listener;
    private final String threadPrefix;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    private volatile boolean cutOnNextClientSend;
    private volatile boolean blackhole;
    private volatile boolean closed;

    private RoundTripCounter(String targetHost, int targetPort, ServerSocket listener) {
        this.target = new Target(targetHost, targetPort);
        this.listener = listener;
        this.threadPrefix = "txfn-round-trip-counter-" + INSTANCES.incrementAndGet();
    }

    /**
     * Starts a proxy listening on an ephemeral port of {@code 127.0.0.1} that forwards every
     * accepted connection to {@code host:port}. The target is connected to only when a client
     * connects, so it need not be reachable yet.
     *
     * @param host the PostgreSQL server's host name or address
     * @param port the PostgreSQL server's port, 1 to 65535
     * @return the running proxy; close it to stop it
     * @throws IllegalArgumentException if {@code port} is out of range
     * @throws UncheckedIOException if the listening socket cannot be opened
     */
    public static RoundTripCounter start(String host, int port) {
        checkTarget(host, port);
        ServerSocket listener;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a listening socket on 127.0.0.1", e);
        }
        RoundTripCounter counter = new RoundTripCounter(host, port, listener);
        Thread acceptor = new Thread(counter::acceptLoop, counter.threadPrefix + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return counter;
    }

    /**
     * Returns the local port clients connect to. Thread-safe.
     *
     * @return the proxy's port on {@code 127.0.0.1}
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Returns a pgjdbc URL that connects through this proxy, with {@code sslmode=disable} so the
     * bytes counted are the PostgreSQL protocol itself. Further parameters (a password,
     * {@code assumeMinServerVersion=10}, ...) can be appended with {@code &}. Thread-safe.
     *
     * @param database the database name
     * @param user the user name
     * @return a URL such as {@code jdbc:postgresql://127.0.0.1:40123/postgres?user=postgres&sslmode=disable}
     */
    public String jdbcUrl(String database, String user) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + encode(Objects.requireNonNull(database, "database"))
                + "?user=" + encode(Objects.requireNonNull(user, "user")) + "&sslmode=disable";
    }

    /**
     * Returns the number of round trips counted across all proxied connections since the proxy
     * started or since the last {@link #reset()}. Thread-safe.
     *
     * @return the round-trip count
     */
    public long roundTrips() {
        return roundTrips.get();
    }

    /** Sets the round-trip count to zero; open connections stay open. Thread-safe. */
    public void reset() {
        roundTrips.set(0);
    }

    /**
     * Injects latency: from now on the proxy sleeps this long before forwarding the first bytes
     * of each server-to-client burst, so every round trip costs at least {@code perRoundTrip}.
     * Thread-safe.
     *
     * @param perRoundTrip the added latency; {@link Duration#ZERO} turns it off
     * @throws IllegalArgumentException if {@code perRoundTrip} is negative
     */
    public void setDelay(Duration perRoundTrip) {
        Objects.requireNonNull(perRoundTrip, "perRoundTrip");
        if (perRoundTrip.isNegative()) {
            throw new IllegalArgumentException("perRoundTrip cannot be negative, was " + perRoundTrip);
        }
        delayNanos = perRoundTrip.toNanos();
    }

    /**
     * Fault injection: the next bytes any client sends are not forwarded; instead that client's connection
     * (both sockets) is cut. Used to lose a connection at an exact protocol moment, e.g. right as
     * {@code COMMIT} is sent. Thread-safe; the fault fires once.
     */
    public void cutOnNextClientSend() {
        cutOnNextClientSend = true;
    }

    /**
     * Fault injection: while on, bytes from clients are read and silently dropped, never forwarded and never
     * answered, like a NAT gateway or firewall that forgot the connection. Thread-safe.
     *
     * @param on whether client bytes are dropped
     */
    public void setBlackhole(boolean on) {
        blackhole = on;
    }

    /**
     * Fault injection: from now on, connections accepted by the proxy are forwarded to {@code host:port};
     * those already open stay with the server they were made to (see {@link #cutAllConnections()}). Plays a DNS
     * name or cluster endpoint that is repointed after a failover. Thread-safe.
     *
     * @param host the new server's host name or address
     * @param port the new server's port, 1 to 65535
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public void switchTo(String host, int port) {
        checkTarget(host, port);
        target = new Target(host, port);
    }

    /**
     * Fault injection: closes both sockets of every connection open now, as a server crash or a proxy restart
     * would; clients find out on their next read or write. The proxy keeps accepting new connections.
     * Thread-safe.
     *
     * @return how many connections were cut
     */
    public int cutAllConnections() {
        int cut = 0;
        for (ProxiedConnection connection : connections) {
            connection.close();
            cut++;
        }
        return cut;
    }

    /**
     * Stops accepting connections and closes every proxied connection. Idempotent and
     * thread-safe.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (ProxiedConnection connection : connections) {
            connection.close();
        }
    }

    @Override
    public String toString() {
        Target t = target;
        return "RoundTripCounter[127.0.0.1:" + port() + " -> " + t.host() + ":" + t.port()
                + ", roundTrips=" + roundTrips() + (closed ? ", closed" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("round-trip counter stopped accepting connections", e);
                }
                return;
            }
            Socket server = new Socket();
            Target t = target;
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(t.host(), t.port()));
            } catch (IOException e) {
                LOG.warn("round-trip counter could not connect to {}:{}", t.host(), t.port(), e);
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            ProxiedConnection connection = new ProxiedConnection(client, server);
            connections.add(connection);
            if (closed) {
                connection.close();
                return;
            }
            connection.start(threadPrefix + "-" + connectionIds.incrementAndGet());
        }
    }

    private static void checkTarget(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
    }

    /** Where new connections are forwarded. */
    private record Target(String host, int port) {
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is best effort: the socket is unusable either way.
        }
    }

    /** One client connection, its server connection and who sent last. */
    private final class ProxiedConnection {
        private final Socket client;
        private final Socket server;
        private final Object lock = new Object();
        private boolean clientSentLast; // guarded by lock
        private int pumpsRunning = 2; // guarded by lock

        ProxiedConnection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start(String name) {
            Thread up = new Thread(() -> pump(client, server, true), name + "-client-to-server");
            Thread down = new Thread(() -> pump(server, client, false), name + "-server-to-client");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (fromClient && cutOnNextClientSend) {
                        cutOnNextClientSend = false;
                        close();
                        return;
                    }
                    if (fromClient && blackhole) {
                        continue;
                    }
                    if (fromClient) {
                        clientSending();
                    } else if (serverSending()) {
                        sleepDelay();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                // Half-close so bytes already forwarded still arrive; the other pump ends on its own.
                to.shutdownOutput();
                finishPump();
            } catch (SocketException e) {
                close(); // reset or closed by close(): nothing left to forward either way
            } catch (IOException e) {
                LOG.debug("round-trip counter connection failed", e);
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void clientSending() {
            synchronized (lock) {
                if (!clientSentLast) {
                    clientSentLast = true;
                    roundTrips.incrementAndGet();
                }
            }
        }

        /** Returns whether these bytes start a server burst; flips the state before they are written. */
        private boolean serverSending() {
            synchronized (lock) {
                boolean startsBurst = clientSentLast;
                clientSentLast = false;
                return startsBurst;
            }
        }

        private void sleepDelay() throws InterruptedException {
            long nanos = delayNanos;
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }

        private void finishPump() {
            boolean last;
            synchronized (lock) {
                last = --pumpsRunning == 0;
            }
            if (last) {
                close();
            }
        }

        void close() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(server);
        }
    }
}
