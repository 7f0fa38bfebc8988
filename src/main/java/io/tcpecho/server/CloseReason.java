package io.tcpecho.server;

/** Why a connection ended: the {@code reason} tag of {@code echo.connections.closed}. */
public enum CloseReason {

    /** The client closed or reset the connection. */
    CLIENT,
    /** The client sent the quit command. */
    QUIT,
    /** Nothing arrived for {@code echo.tcp.idle-timeout}. */
    IDLE,
    /** A frame exceeded {@code echo.tcp.max-message-size}. */
    OVERSIZE,
    /** A framing violation or an I/O failure on our side. */
    ERROR,
    /** The service is shutting down. */
    SHUTDOWN;

    public String tag() {
        return name().toLowerCase();
    }
}
