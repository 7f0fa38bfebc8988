package io.tcpecho.framing;

import java.io.IOException;

/** A frame longer than {@code echo.tcp.max-message-size}; its connection is closed. */
public class FrameTooLargeException extends IOException {

    private final long limit;

    public FrameTooLargeException(long limit) {
        super("Frame exceeds max-message-size of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return this.limit;
    }
}
