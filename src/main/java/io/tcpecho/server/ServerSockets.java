package io.tcpecho.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>TLS is layered on each accepted socket instead of coming from an {@code SSLServerSocket}: the
 * bundle's current {@code SSLContext} is read at every accept, so a bundle reloaded on certificate
 * renewal ({@code reload-on-update}) serves new connections without the listener being rebound.
 * The handshake runs on the connection's own thread at its first read, never on the accept
 * thread, and is bounded like any read by {@code echo.tcp.idle-timeout}.
 */
@Component
class ServerSockets {

    private static final Log log = LogFactory.getLog(ServerSockets.class);

    private final TcpServerProperties properties;

    private final ObjectProvider<SslBundles> sslBundles;

    private final Set<ServerSocket> listeners = ConcurrentHashMap.newKeySet();

    ServerSockets(TcpServerProperties properties, ObjectProvider<SslBundles> sslBundles) {
        this.properties = properties;
        this.sslBundles = sslBundles;
    }

    TcpSocketFactorySupport socketFactorySupport() {
        Tls tls = this.properties.ssl().enabled() ? tls(this.properties.ssl().bundle()) : null;
        ServerSocketFactory listenerFactory = new ListenerFactory(tls);
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
     */
    void closeListeners() {
        for (ServerSocket listener : this.listeners) {
            try {
                listener.close();
            }
            catch (IOException ex) {
                log.warn("Closing the echo listener failed: " + ex.getMessage());
            }
            this.listeners.remove(listener);
        }
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
        }

        void update(SslBundle bundle) {
            this.settings = new Settings(bundle);
            log.info("SSL bundle '" + this.bundleName + "' reloaded; new connections use it");
        }

        SSLSocket serverSide(Socket accepted) throws IOException {
            Settings current = this.settings;
            // This overload makes a server-mode socket over an already connected one.
            SSLSocket socket = (SSLSocket) current.factory().createSocket(accepted, null, true);
            SslOptions options = current.options();
            if (options.getEnabledProtocols() != null) {
                socket.setEnabledProtocols(options.getEnabledProtocols());
            }
            if (options.getCiphers() != null) {
                socket.setEnabledCipherSuites(options.getCiphers());
            }
            return socket;
        }

        private record Settings(SSLSocketFactory factory, SslOptions options) {

            Settings(SslBundle bundle) {
                this(bundle.createSslContext().getSocketFactory(), bundle.getOptions());
            }
        }
    }

    /** Listening sockets, remembered for {@link #closeListeners()}; TLS ones wrap what they accept. */
    private final class ListenerFactory extends ServerSocketFactory {

        private final Tls tls;

        ListenerFactory(Tls tls) {
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

        private ServerSocket remember(ServerSocket listener) {
            // a restarted factory makes a new listener; the old one is closed by then
            ServerSockets.this.listeners.removeIf(ServerSocket::isClosed);
            ServerSockets.this.listeners.add(listener);
            return listener;
        }
    }

    private static final class Listener extends ServerSocket {

        private final Tls tls;

        Listener(Tls tls) throws IOException {
            this.tls = tls;
        }

        Listener(Tls tls, int port, int backlog, InetAddress address) throws IOException {
            super(port, backlog, address);
            this.tls = tls;
        }

        @Override
        public Socket accept() throws IOException {
            if (this.tls == null) {
                return super.accept();
            }
            // Spring Integration stops accepting for good when accept() throws; one connection that
            // cannot be wrapped is closed and the next one accepted instead.
            while (true) {
                Socket accepted = super.accept();
                try {
                    return this.tls.serverSide(accepted);
                }
                catch (IOException | RuntimeException ex) {
                    log.warn("Closing connection from " + accepted.getInetAddress().getHostAddress() + ":"
                            + accepted.getPort() + ": TLS could not be set up: " + ex.getMessage());
                    accepted.close();
                }
            }
        }
    }
}
