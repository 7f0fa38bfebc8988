package io.tcpecho.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.integration.ip.tcp.connection.TcpSocketFactorySupport;
import org.springframework.stereotype.Component;

/**
 * Where listener sockets come from: plain TCP, or TLS from the Spring Boot SSL bundle named by
 * {@code echo.tcp.ssl.bundle}. It also keeps hold of the listening socket, so the shutdown drain
 * can close the listener alone (new connects refused) while accepted connections finish.
 *
 * <p>TLS is layered on each accepted socket ({@link #secure(Socket)}) instead of coming from an
 * {@code SSLServerSocket}: the bundle's current {@code SSLContext} is read at every accept, so a
 * bundle reloaded on certificate renewal ({@code reload-on-update}) serves new connections without
 * the listener being rebound. The handshake runs on the connection's own thread before its first
 * read, never on the accept thread, and is bounded like any read by {@code echo.tcp.idle-timeout}.
 */
@Component
class ServerSockets {

    private static final Log log = LogFactory.getLog(ServerSockets.class);

    private final ObjectProvider<SslBundles> sslBundles;

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

    private final Tls tls;

    private final ObjectProvider<ConnectionObserver> observer;

    /** A listener out of file descriptors fails every accept until some close: one WARN per 10 s says so. */
    private final WarningLimit acceptWarnings = new WarningLimit(1, Duration.ofSeconds(10));

    ServerSockets(TcpServerProperties properties, ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<ConnectionObserver> observer) {
        this.sslBundles = sslBundles;
        this.observer = observer;
        this.tls = properties.ssl().enabled() ? tls(properties.ssl().bundle()) : null;
    }

    TcpSocketFactorySupport socketFactorySupport() {
        ServerSocketFactory listenerFactory = new ListenerFactory(this.tls != null);
        return new TcpSocketFactorySupport() {

            @Override
            public ServerSocketFactory getServerSocketFactory() {
                return listenerFactory;
            }

            @Override
            public SocketFactory getSocketFactory() {
                // server side only; Spring Integration asks for it but never connects out
                return SocketFactory.getDefault();
            }
        };
    }

    /**
     * Closes the listening socket and nothing else: connects from now on are refused by the
     * kernel instead of being accepted and dropped, and accepted connections stay open.
     *
     * <p>Connections the kernel completed before this call but nobody has accepted yet are
     * accepted first (see {@link Listener}), so they get the drain every other connection gets
     * instead of a reset. Returns once every listener is closed: as soon as the accept loop has
     * taken the queue, at worst after twice {@link Listener#CLOSE_WAIT}.
     */
    void closeListeners() {
        requestListenersClose();
        awaitListenersClosed();
    }

    /** The first half of {@link #closeListeners()}: the accept loop takes what is queued, then closes the listener. */
    void requestListenersClose() {
        this.listeners.forEach(Listener::requestClose);
    }

    /** The second half of {@link #closeListeners()}. */
    void awaitListenersClosed() {
        for (Listener listener : this.listeners) {
            listener.awaitClosed();
            this.listeners.remove(listener);
        }
    }

    /**
     * The socket a connection talks through: for TLS a server-mode {@link SSLSocket} over the
     * accepted one (an {@link AcceptedSocket}), otherwise the accepted socket itself.
     */
    Socket secure(Socket accepted) throws IOException {
        return this.tls != null ? this.tls.serverSide(accepted) : accepted;
    }

    private Tls tls(String bundleName) {
        SslBundles bundles = this.sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new IllegalStateException("echo.tcp.ssl.bundle is '" + bundleName
                    + "' but no SSL bundles are configured (spring.ssl.bundle.*)");
        }
        Tls tls = new Tls(bundleName, bundles.getBundle(bundleName));
        bundles.addBundleUpdateHandler(bundleName, tls::update);
        return tls;
    }

    /** The bundle's TLS settings as of now; replaced as a whole when the bundle is reloaded. */
    private static final class Tls {

        private final String bundleName;

        private volatile Settings settings;

        Tls(String bundleName, SslBundle bundle) {
            this.bundleName = bundleName;
            this.settings = new Settings(bundle);
            // Options the JDK does not support would otherwise fail every connection, one by one.
            try (SSLSocket unconnected = (SSLSocket) this.settings.factory().createSocket()) {
                this.settings.applyTo(unconnected);
            }
            catch (IOException | IllegalArgumentException ex) {
                throw new IllegalStateException("SSL bundle '" + bundleName + "' (echo.tcp.ssl.bundle): options "
                        + "not supported: " + ex.getMessage(), ex);
            }
        }

        void update(SslBundle bundle) {
            this.settings = new Settings(bundle);
            log.info("SSL bundle '" + this.bundleName + "' reloaded; new connections use it");
        }

        SSLSocket serverSide(Socket accepted) throws IOException {
            Settings current = this.settings;
            // This overload makes a server-mode socket over an already connected one.
            return current.applyTo((SSLSocket) current.factory().createSocket(accepted, null, true));
        }

        private record Settings(SSLSocketFactory factory, SslOptions options) {

            Settings(SslBundle bundle) {
                this(bundle.createSslContext().getSocketFactory(), bundle.getOptions());
            }

            SSLSocket applyTo(SSLSocket socket) {
                if (this.options.getEnabledProtocols() != null) {
                    socket.setEnabledProtocols(this.options.getEnabledProtocols());
                }
                if (this.options.getCiphers() != null) {
                    socket.setEnabledCipherSuites(this.options.getCiphers());
                }
                return socket;
            }
        }
    }

    /** Listening sockets, remembered for {@link #closeListeners()}. */
    private final class ListenerFactory extends ServerSocketFactory {

        private final boolean tls;

        ListenerFactory(boolean tls) {
            this.tls = tls;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return remember(new Listener(this.tls));
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return createServerSocket(port, 50, null);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return createServerSocket(port, backlog, null);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return remember(new Listener(this.tls, port, backlog, address));
        }

        private ServerSocket remember(Listener listener) {
            // a restarted factory makes a new listener; the old one is closed by then
            ServerSockets.this.listeners.removeIf(ServerSocket::isClosed);
            ServerSockets.this.listeners.add(listener);
            return listener;
        }
    }

    /**
     * A listening socket that, asked to close, first accepts what waits in the kernel's accept
     * queue.
     *
     * <p>Closing a listening socket makes Linux reset every connection still in its accept queue:
     * the client completed its handshake and may have sent whole frames, and gets a reset instead
     * of its echo. A blocked {@code accept()} cannot be woken except by closing the socket, so
     * {@link #requestClose()} wakes it with a connection of its own, to the listener over
     * loopback, which queues behind every connection the kernel completed before it. The accept
     * loop (Spring Integration's, calling {@link #accept()}) hands those out as usual; when it
     * reaches the wake-up connection it closes the listener, and connects from then on are
     * refused. Nothing polls while the service runs.
     *
     * <p>An accept that fails for want of resources (file descriptors: "Too many open files", or
     * kernel memory) leaves the listener open and tries again after a pause. Spring Integration's
     * accept loop treats any failure as fatal and stops the factory, which closes every open
     * connection: 20,000 TLS connections at a 20,000-file limit took the service down that way. The
     * pause (50 ms, doubling to 1.6 s, as Tomcat's acceptor does) lets connections close and free
     * their descriptors, and new connects wait in the backlog meanwhile.
     */
    private final class Listener extends ServerSocket {

        static final Duration FIRST_PAUSE = Duration.ofMillis(50);

        static final Duration LONGEST_PAUSE = Duration.ofMillis(1600);

        /** How long the wake-up connect and then the accept loop may take before the listener is closed anyway. */
        static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

        /** Whether TLS will be layered over what this listener accepts ({@link #secure(Socket)}). */
        private final boolean tls;

        private final CountDownLatch closed = new CountDownLatch(1);

        /** The pause before the next accept if this one fails for want of resources; only the accept loop uses it. */
        private Duration pause = FIRST_PAUSE;

        /** The wake-up connection's own address and port, once a close is requested. */
        private volatile InetSocketAddress wakeUp;

        Listener(boolean tls) throws IOException {
            this.tls = tls;
        }

        Listener(boolean tls, int port, int backlog, InetAddress address) throws IOException {
            super(port, backlog, address);
            this.tls = tls;
        }

        /** Wakes the accept loop to empty the queue and close; if the wake-up cannot connect, closes now. */
        void requestClose() {
            if (isClosed()) {
                return;
            }
            if (!isBound()) {
                closeQuietly(); // nothing can be queued on a socket that never listened
                return;
            }
            // Bound to all interfaces (IPv4, or IPv6 with IPv4 mapped): 127.0.0.1 reaches it.
            InetAddress address = getInetAddress().isAnyLocalAddress() ? InetAddress.ofLiteral("127.0.0.1")
                    : getInetAddress();
            try (Socket wake = new Socket()) {
                wake.bind(new InetSocketAddress(address, 0));
                this.wakeUp = (InetSocketAddress) wake.getLocalSocketAddress();
                wake.connect(new InetSocketAddress(address, getLocalPort()), (int) CLOSE_WAIT.toMillis());
            }
            catch (IOException ex) {
                log.warn("Could not wake the echo listener's accept loop (" + ex.getMessage()
                        + "); closing it now, connections still queued are reset");
                closeQuietly();
            }
        }

        /** Waits for the accept loop to close this listener; closes it here if the loop does not. */
        void awaitClosed() {
            try {
                if (!this.closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("The echo listener's accept loop did not close it within " + CLOSE_WAIT
                            + "; closing it now, connections still queued are reset");
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            closeQuietly();
        }

        @Override
        public Socket accept() throws IOException {
            Socket accepted = acceptWhileResourcesAllow();
            if (isWakeUp(accepted)) {
                accepted.close();
                closeQuietly();
                // Spring Integration's accept loop ends on this, as it did when the socket was closed under it.
                throw new SocketException("Echo listener closed for the drain");
            }
            return accepted;
        }

        private Socket acceptWhileResourcesAllow() throws IOException {
            while (true) {
                try {
                    Socket accepted = this.tls ? acceptForTls() : super.accept();
                    this.pause = FIRST_PAUSE;
                    return accepted;
                }
                catch (SocketException | SocketTimeoutException ex) {
                    throw ex; // closed (the drain, a stop), or Spring Integration's own timeout
                }
                catch (IOException ex) {
                    // The JDK reports accept(2)'s EMFILE, ENFILE, ENOBUFS and ENOMEM as a plain IOException.
                    if (isClosed()) {
                        throw ex;
                    }
                    pauseAccepting(ex);
                }
            }
        }

        private void pauseAccepting(IOException failure) throws IOException {
            ServerSockets.this.observer.getIfAvailable(() -> ConnectionObserver.NONE).error("accept");
            String warning = "Could not accept a connection (" + failure.getMessage() + "); accepting again in "
                    + this.pause.toMillis() + " ms, new connects wait in the backlog meanwhile. Out of file"
                    + " descriptors: raise the limit (ulimit -n) or lower echo.tcp.max-connections";
            ServerSockets.this.acceptWarnings.warn(log, "accept", warning, warning);
            try {
                Thread.sleep(this.pause);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new SocketException("Interrupted while accepting was paused");
            }
            Duration doubled = this.pause.multipliedBy(2);
            this.pause = doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
        }

        /** What {@link ServerSocket#accept()} does, with the socket TLS will be layered over. */
        private Socket acceptForTls() throws IOException {
            if (isClosed()) {
                throw new SocketException("Socket is closed");
            }
            if (!isBound()) {
                throw new SocketException("Socket is not bound yet");
            }
            AcceptedSocket accepted = new AcceptedSocket();
            implAccept(accepted);
            return accepted;
        }

        private boolean isWakeUp(Socket accepted) {
            InetSocketAddress wake = this.wakeUp;
            return wake != null && wake.equals(accepted.getRemoteSocketAddress());
        }

        private void closeQuietly() {
            try {
                close();
            }
            catch (IOException ex) {
                log.warn("Closing the echo listener failed: " + ex.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            }
            finally {
                // null when ServerSocket's own constructor closes the socket after a failed bind
                if (this.closed != null) {
                    this.closed.countDown();
                }
            }
        }
    }
}
