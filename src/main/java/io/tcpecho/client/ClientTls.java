package io.tcpecho.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.integration.ip.tcp.connection.DefaultTcpSocketSupport;
import org.springframework.integration.ip.tcp.connection.TcpSocketFactorySupport;
import org.springframework.integration.ip.tcp.connection.TcpSocketSupport;

/** TLS client sockets from an SSL bundle's trust (and, for mutual TLS, key) material. */
final class ClientTls {

    private ClientTls() {
    }

    static TcpSocketFactorySupport socketFactorySupport(SslBundle bundle) {
        return new TcpSocketFactorySupport() {

            @Override
            public ServerSocketFactory getServerSocketFactory() {
                throw new UnsupportedOperationException("client only");
            }

            @Override
            public SocketFactory getSocketFactory() {
                return bundle.createSslContext().getSocketFactory();
            }
        };
    }

    /**
     * Spring Integration's host verification ({@link DefaultTcpSocketSupport}), then the handshake
     * on the connecting thread. Left to itself, JSSE handshakes lazily on whichever of the
     * connection's reader thread and the sender touches the socket first; when the reader wins,
     * the sender only sees "Connection or outbound has closed" and the real reason (an untrusted
     * certificate, a name that does not match) goes to a log line that Spring Integration may
     * even drop to DEBUG. Handshaking here makes the failure the caller's exception, every time,
     * bounded by the socket's read timeout.
     */
    static TcpSocketSupport handshakeOnConnect() {
        return new DefaultTcpSocketSupport(true) {

            @Override
            public void postProcessSocket(Socket socket) {
                super.postProcessSocket(socket);
                if (socket instanceof SSLSocket tls) {
                    try {
                        tls.startHandshake();
                    }
                    catch (IOException ex) {
                        closeQuietly(socket, ex);
                        throw new UncheckedIOException(ex);
                    }
                }
            }
        };
    }

    private static void closeQuietly(Socket socket, IOException failure) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            failure.addSuppressed(ex);
        }
    }
}
