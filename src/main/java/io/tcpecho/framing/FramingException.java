package io.tcpecho.framing;

import java.io.IOException;

/** Bytes that break the framing's rules (a missing STX, a frame cut short by the peer's close). */
public class FramingException extends IOException {

    private final String reason;

    public FramingException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Short tag for the {@code echo.errors} meter, e.g. {@code framing} or {@code partial-frame}. */
    public String reason() {
        return this.reason;
    }
}
