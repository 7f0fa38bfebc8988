package io.tcpecho.server;

import java.time.Duration;

/**
 * Applies {@code echo.tcp.idle-timeout} to the write side: a connection whose echoes the client
 * has not read for that long is closed ({@code closed{reason="idle"}}).
 *
 * <p>The read side needs no help: the timeout is the socket's read timeout. A blocking write has no
 * timeout in Java, so a client that sends and never reads parks its connection's thread in a write
 * for as long as it keeps the connection open, past any idle timeout, holding a slot of
 * {@code max-connections} and megabytes of kernel socket buffers. One virtual thread looks at the
 * open connections a few times per timeout; a write counts as blocked from the moment it starts,
 * so a client has to take at least one read batch of echoes (up to 64 KB) per timeout once the
 * socket buffers between it and the server are full.
 */
final class UnreadEchoes {

    private final ConnectionRegistry registry;

    private final long limitNanos;

    private final Duration checkEvery;

    private volatile Thread watcher;

    UnreadEchoes(ConnectionRegistry registry, Duration idleTimeout) {
        this.registry = registry;
        this.limitNanos = idleTimeout.toNanos();
        // a blocked write is closed between one and one and a quarter timeouts after it started
        Duration quarter = idleTimeout.dividedBy(4);
        this.checkEvery = quarter.compareTo(Duration.ofMillis(10)) > 0 ? quarter : Duration.ofMillis(10);
    }

    void start() {
        this.watcher = Thread.ofVirtual().name("echo-unread-echoes").start(this::watch);
    }

    void stop() {
        Thread thread = this.watcher;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(this.checkEvery);
            }
            catch (InterruptedException ex) {
                return;
            }
            long now = System.nanoTime();
            for (EchoConnection connection : this.registry.open()) {
                connection.closeIfEchoesUnread(now, this.limitNanos);
            }
        }
    }
}
