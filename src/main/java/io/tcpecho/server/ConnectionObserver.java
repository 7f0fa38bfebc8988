package io.tcpecho.server;

/**
 * What a connection reports on its hot path. Implemented by the metrics; kept to plain counters so
 * a frame costs a few atomic adds (a Spring event per frame would cost more than the echo).
 */
public interface ConnectionObserver {

    /** A frame was decoded; {@code wireBytes} includes its framing. */
    void frameReceived(int wireBytes);

    /** A frame's echo was written; {@code nanos} is the server time from decode to write. */
    void frameEchoed(int payloadBytes, int wireBytes, long nanos);

    /** A connection was turned away at max-connections. */
    void rejected();

    /** Something went wrong on one connection; {@code reason} is a short tag. */
    void error(String reason);

    ConnectionObserver NONE = new ConnectionObserver() {
        @Override
        public void frameReceived(int wireBytes) {
        }

        @Override
        public void frameEchoed(int payloadBytes, int wireBytes, long nanos) {
        }

        @Override
        public void rejected() {
        }

        @Override
        public void error(String reason) {
        }
    };
}
