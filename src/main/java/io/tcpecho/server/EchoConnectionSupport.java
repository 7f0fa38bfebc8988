package io.tcpecho.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;

import io.tcpecho.framing.BufferMemory;
import io.tcpecho.framing.Framing;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;

/**
 * Creates an {@link EchoConnection} per accepted socket and enforces {@code max-connections}: past
 * the limit the socket is closed at once and the connection never reaches the flow.
 */
final class EchoConnectionSupport implements TcpNetConnectionSupport {

    private static final Log log = LogFactory.getLog(EchoConnectionSupport.class);

    private final ConnectionRegistry registry;

    private final ConnectionObserver observer;

    private final Framing framing;

    private final ServerSockets sockets;

    private final BufferMemory bufferMemory;

    private final int idleTimeoutMillis;

    /**
     * For each reason a connection is closed with a WARN: enough lines to see what a few bad clients
     * do, too few for a flood of them to fill the node's disk or the log pipeline.
     */
    private final WarningLimit connectionWarnings = new WarningLimit(10, Duration.ofSeconds(1));

    /** A flood of connects past max-connections must not become a flood of log lines. */
    private final WarningLimit rejectWarnings = new WarningLimit(1, Duration.ofSeconds(10));

    /** @param idleTimeoutMillis {@code echo.tcp.idle-timeout}, 0 when off */
    EchoConnectionSupport(ConnectionRegistry registry, ConnectionObserver observer, Framing framing,
            ServerSockets sockets, BufferMemory bufferMemory, int idleTimeoutMillis) {
        this.registry = registry;
        this.observer = observer;
        this.framing = framing;
        this.sockets = sockets;
        this.bufferMemory = bufferMemory;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
            ApplicationEventPublisher publisher, String connectionFactoryName) {

        Socket wire;
        try {
            // Layered here rather than in the listener's accept(), so the connection gets the plain socket too.
            wire = this.sockets.secure(socket);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex); // Spring Integration closes the socket and accepts the next
        }
        AcceptedSocket accepted = socket instanceof AcceptedSocket tls ? tls : null;
        boolean admitted = this.registry.tryAdmit();
        try {
            EchoConnection connection = new EchoConnection(wire, accepted, admitted, this.registry, this.observer,
                    this.connectionWarnings, this.framing, this.bufferMemory, this.idleTimeoutMillis, publisher,
                    connectionFactoryName);
            if (admitted) {
                this.registry.register(connection);
            }
            else {
                reject(socket);
            }
            return connection;
        }
        catch (IOException ex) {
            if (admitted) {
                this.registry.releaseUnregistered();
            }
            throw new UncheckedIOException(ex);
        }
    }

    private void reject(Socket socket) {
        this.observer.rejected();
        try {
            socket.close();
        }
        catch (IOException ex) {
            // closing is all we wanted
        }
        String remote = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.rejectWarnings.warn(log, "max-connections", "Rejecting connections: max-connections of "
                + this.registry.max() + " reached (latest from " + remote + ")", "Rejected connection from " + remote);
    }
}
