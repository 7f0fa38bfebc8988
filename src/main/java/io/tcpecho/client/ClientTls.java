package io.tcpecho.client;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.integration.ip.tcp.connection.TcpSocketFactorySupport;

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
}
