package io.tcpecho.server;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's open connections: admission against {@code max-connections}, the active count the
 * gauge and health read, and closing a connection by id (quit command, shutdown drain).
 */
public class ConnectionRegistry {

    private final int maxConnections;

    private final AtomicInteger active = new AtomicInteger();

    private final Map<String, EchoConnection> connections = new ConcurrentHashMap<>();

    public ConnectionRegistry(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Counts a new connection in if there is room; the caller must {@link #release} it later. */
    boolean tryAdmit() {
        while (true) {
            int current = this.active.get();
            if (current >= this.maxConnections) {
                return false;
            }
            if (this.active.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void register(EchoConnection connection) {
        this.connections.put(connection.getConnectionId(), connection);
    }

    void release(EchoConnection connection) {
        this.connections.remove(connection.getConnectionId());
        this.active.decrementAndGet();
    }

    /** Undoes {@link #tryAdmit} for a connection that failed before it was registered. */
    void releaseUnregistered() {
        this.active.decrementAndGet();
    }

    Collection<EchoConnection> open() {
        return this.connections.values();
    }

    /** Closes one connection, flushing echoes it still holds, and records why. */
    public void close(String connectionId, CloseReason reason) {
        EchoConnection connection = this.connections.get(connectionId);
        if (connection != null) {
            connection.close(reason);
        }
    }

    public int active() {
        return this.active.get();
    }

    public int max() {
        return this.maxConnections;
    }
}
