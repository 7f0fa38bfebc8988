package io.tcpecho.server;

import org.springframework.integration.ip.tcp.connection.TcpConnectionCloseEvent;

/** Reads the close reason off Spring Integration's close event, whose source is the connection. */
public final class CloseReasons {

    private CloseReasons() {
    }

    public static CloseReason of(TcpConnectionCloseEvent event) {
        return event.getSource() instanceof EchoConnection connection ? connection.closeReason() : CloseReason.CLIENT;
    }
}
