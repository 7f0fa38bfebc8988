package io.tcpecho.server;

import java.time.Duration;

import io.tcpecho.framing.Framing;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The TCP listener, {@code echo.tcp.*}. Every key is listed with its default in config/application.yml.
 *
 * @param port TCP port; 0 picks a free one
 * @param bindAddress address to bind; empty binds all interfaces, IPv4 and IPv6
 * @param backlog accept queue length handed to listen(2)
 * @param framing how the byte stream is cut into frames
 * @param maxMessageSize largest frame accepted; a longer one closes its connection
 * @param maxConnections connections served at once; one more is closed on accept
 * @param maxBufferMemory heap that all connections together may hold in grown read and write buffers
 * and in frames that span reads; unset: a quarter of the JVM's maximum heap
 * @param idleTimeout a connection silent this long, or whose echoes go unread this long, is closed; zero
 * switches it off
 * @param quitCommand a frame equal to this closes its connection unechoed; empty switches it off
 * @param tcpNoDelay TCP_NODELAY on accepted sockets
 * @param keepAlive SO_KEEPALIVE on accepted sockets
 * @param sendBufferSize SO_SNDBUF; zero keeps the kernel default
 * @param receiveBufferSize SO_RCVBUF; zero keeps the kernel default
 * @param shutdown graceful drain on SIGTERM
 * @param ssl TLS on the listener
 */
@ConfigurationProperties("echo.tcp")
@Validated
public record TcpServerProperties(
        @DefaultValue("7007") @Min(0) @Max(65535) int port,
        @DefaultValue("") @NotNull String bindAddress,
        @DefaultValue("4096") @Min(1) @Max(65535) int backlog,
        @DefaultValue("crlf") @NotNull Framing framing,
        @DefaultValue("64KB") @NotNull DataSize maxMessageSize,
        @DefaultValue("20000") @Min(1) int maxConnections,
        DataSize maxBufferMemory,
        @DefaultValue("0s") @NotNull Duration idleTimeout,
        @DefaultValue("exit") @NotNull String quitCommand,
        @DefaultValue("true") boolean tcpNoDelay,
        @DefaultValue("true") boolean keepAlive,
        @DefaultValue("0B") @NotNull DataSize sendBufferSize,
        @DefaultValue("0B") @NotNull DataSize receiveBufferSize,
        @DefaultValue @Valid @NotNull Shutdown shutdown,
        @DefaultValue @Valid @NotNull Ssl ssl) {

    public TcpServerProperties {
        if (maxMessageSize != null && (maxMessageSize.toBytes() < 1 || maxMessageSize.toBytes() > Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException(
                    "echo.tcp.max-message-size must be between 1B and 2GB, was " + maxMessageSize);
        }
        if (maxBufferMemory != null && maxBufferMemory.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "echo.tcp.max-buffer-memory must be positive (or unset for a quarter of the heap), was " + maxBufferMemory);
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.toMillis() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    "echo.tcp.idle-timeout must be zero (off) or a positive duration, was " + idleTimeout);
        }
    }

    public int maxMessageBytes() {
        return (int) this.maxMessageSize.toBytes();
    }

    /**
     * {@code max-buffer-memory} in bytes. Unset it follows the heap (-Xmx, or the container's memory
     * with MaxRAMPercentage), as a quarter of it: the rest is for the connections themselves
     * (4.5-8 KB each, 19 KB with TLS), their frames in flight and the JVM.
     */
    public long maxBufferMemoryBytes() {
        return this.maxBufferMemory != null ? this.maxBufferMemory.toBytes() : Runtime.getRuntime().maxMemory() / 4;
    }

    /** {@code idle-timeout} in milliseconds, the unit of a socket's read timeout; 0 when off (validated to fit an int). */
    public int idleTimeoutMillis() {
        return (int) this.idleTimeout.toMillis();
    }

    /** Whether idle connections, silent or with unread echoes, are closed at all. */
    public boolean closesIdleConnections() {
        return !this.idleTimeout.isZero();
    }

    /** @param drainTimeout how long connections in the middle of a frame get to finish it on SIGTERM */
    public record Shutdown(@DefaultValue("20s") @NotNull Duration drainTimeout) {
    }

    /** @param bundle name of a Spring Boot SSL bundle that turns TLS on; empty means plain TCP */
    public record Ssl(@DefaultValue("") @NotNull String bundle) {

        public boolean enabled() {
            return !this.bundle.isBlank();
        }
    }
}
