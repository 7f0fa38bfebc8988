package io.tcpecho.server;

import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;

/**
 * Spring Integration's blocking server factory, with one cost taken out that grew with the number of
 * open connections.
 *
 * <p>After every accept, {@link TcpNetServerConnectionFactory} calls {@code harvestClosedConnections()}.
 * That call walks every connection the factory holds, under the factory's lock, to drop the closed
 * ones, and builds a list of the open ones' ids that nobody reads. With 10,000 idle connections held,
 * connect-echo-close cycles ran at 0.25x to 0.32x of Netty's rate (Netty did not slow down) and their
 * p50 rose tenfold; opening the 10,000 raised peak RSS by about 50 MB. Here a connection leaves the
 * factory's map when it closes, so an accept costs the same at any connection count
 * ({@code src/bench/held-churn.sh}, {@code src/bench/README.md}).
 */
class EchoServerConnectionFactory extends TcpNetServerConnectionFactory {

    EchoServerConnectionFactory(int port) {
        super(port);
    }

    /** Nothing left to harvest: closed connections removed themselves ({@link #addConnection}). */
    @Override
    protected void harvestClosedConnections() {
    }

    @Override
    protected void addConnection(TcpConnectionSupport connection) {
        super.addConnection(connection);
        // Runs at once if the connection already closed on another thread (a shutdown's forced close):
        // a closed connection is never left behind in the map.
        ((EchoConnection) connection).whenClosed(() -> this.connections.remove(connection.getConnectionId()));
    }

    /** Connections the factory holds: what Spring Integration's own stop() would close. */
    int tracked() {
        return this.connections.size();
    }
}
