package io.tcpecho.server;

import java.time.Duration;

/**
 * Applies {@code echo.tcp.idle-timeout}: a connection that has waited that long for its client's
 * next bytes, or whose echoes the client has not read for that long, is closed
 * ({@code closed{reason="idle"}}).
 *
 * <p>One virtual thread looks at the open connections eight times per timeout, so a connection
 * closes between one and one and an eighth timeouts after it went quiet. Reads have no timeout of
 * their own, though the socket's read timeout (which Spring Integration sets from the same value)
 * would do it exactly: a timed wait costs the JDK's virtual-thread timer queue an entry and a
 * cancellation on every read that waits, and with every read timed same-run A/B rounds measured
 * 7-26% more server CPU per echo in ping-pong and 14-29% more in pipelined 1 KB frames, round by round
 * ({@code src/bench/README.md}, "Idle timeout"). The TLS handshake keeps that read timeout, so a
 * client that never finishes it is still closed as idle. A blocking write has no timeout in Java at
 * all, so a client that sends and never reads would park its connection's thread in a write for as
 * long as it kept the connection open, holding a slot of {@code max-connections} and megabytes of
 * kernel socket buffers; a write counts as blocked from the moment it starts, so a client has to
 * take at least one read batch of echoes (up to 64 KB) per timeout once the socket buffers between
 * it and the server are full.
 */
final class IdleConnections {

    private final ConnectionRegistry registry;

    private final long limitNanos;

    private final Duration checkEvery;

    private volatile Thread watcher;

    IdleConnections(ConnectionRegistry registry, Duration idleTimeout) {
        this.registry = registry;
        this.limitNanos = idleTimeout.toNanos();
        Duration eighth = idleTimeout.dividedBy(8);
        this.checkEvery = eighth.compareTo(Duration.ofMillis(10)) > 0 ? eighth : Duration.ofMillis(10);
    }

    void start() {
        this.watcher = Thread.ofVirtual().name("echo-idle-connections").start(this::watch);
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
                connection.closeIfIdle(now, this.limitNanos);
            }
        }
    }
}
