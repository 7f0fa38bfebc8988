package io.tcpecho.server;

import org.springframework.integration.ip.tcp.connection.DefaultTcpNetSocketFactorySupport;
import org.springframework.integration.ip.tcp.connection.TcpSocketFactorySupport;
import org.springframework.stereotype.Component;

/** Where listener sockets come from: plain TCP, or TLS from an SSL bundle. */
@Component
class ServerSockets {

    TcpSocketFactorySupport socketFactorySupport() {
        return new DefaultTcpNetSocketFactorySupport();
    }
}
