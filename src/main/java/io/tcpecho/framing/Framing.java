package io.tcpecho.framing;

import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.serializer.AbstractByteArraySerializer;
import org.springframework.integration.ip.tcp.serializer.TcpCodecs;

/**
 * How a byte stream is cut into frames, by the name users write in {@code echo.tcp.framing}.
 * Each value maps to Spring Integration's codec; the server reads with a decoder of the same
 * wire format that does not allocate a max-size buffer per frame (see {@link DelimiterDecoder}).
 */
public enum Framing {

    CRLF(new byte[] {'\r', '\n'}),
    LF(new byte[] {'\n'}),
    RAW(new byte[0]),
    STX_ETX(new byte[] {0x03}),
    LENGTH_HEADER_1(new byte[0]),
    LENGTH_HEADER_2(new byte[0]),
    LENGTH_HEADER_4(new byte[0]),
    NULL(new byte[] {0});

    private final byte[] terminator;

    Framing(byte[] terminator) {
        this.terminator = terminator;
    }

    /** The bytes that end each frame, a copy; empty for raw and the length-header framings, whose frames have no end mark. */
    public byte[] terminator() {
        return this.terminator.clone();
    }

    /** The name as written in configuration, e.g. {@code length-header-2}. */
    public String configName() {
        return name().toLowerCase().replace('_', '-');
    }

    /** Spring Integration's codec for this framing: what the client side and every encoder use. */
    public AbstractByteArraySerializer codec(int maxMessageSize) {
        return switch (this) {
            case CRLF -> TcpCodecs.crlf(maxMessageSize);
            case LF -> TcpCodecs.lf(maxMessageSize);
            case RAW -> TcpCodecs.raw(maxMessageSize);
            case STX_ETX -> TcpCodecs.stxetx(maxMessageSize);
            case LENGTH_HEADER_1 -> TcpCodecs.lengthHeader1(maxMessageSize);
            case LENGTH_HEADER_2 -> TcpCodecs.lengthHeader2(maxMessageSize);
            case LENGTH_HEADER_4 -> TcpCodecs.lengthHeader4(maxMessageSize);
            case NULL -> TcpCodecs.singleTerminator((byte) 0, maxMessageSize);
        };
    }

    /**
     * The decoder a client reads echoes with: Spring Integration's codec, except for raw, whose
     * codec waits for the peer to close; a client takes each read as the echo instead. SI's
     * delimiter codecs count the terminator against their limit, so they get room for it: an echo
     * of exactly max-message-size bytes, which the server accepts, must be readable.
     */
    public Deserializer<byte[]> clientDecoder(int maxMessageSize) {
        return this == RAW ? new ChunkDecoder(maxMessageSize) : codec(maxMessageSize + overhead());
    }

    /** The encoder the server writes echoes with: Spring Integration's, unchanged. */
    public Serializer<byte[]> encoder(int maxMessageSize) {
        return codec(maxMessageSize);
    }

    /**
     * The decoder the server reads frames with. Same wire format as {@link #codec(int)}, but it
     * allocates only what a frame needs, so an idle connection holds no max-size buffer, and it
     * scans the connection's read buffer instead of reading one byte per call.
     */
    public Deserializer<byte[]> decoder(int maxMessageSize) {
        return switch (this) {
            case CRLF, LF, NULL -> new DelimiterDecoder(this.terminator, maxMessageSize, false);
            case STX_ETX -> new DelimiterDecoder(this.terminator, maxMessageSize, true);
            case RAW -> new ChunkDecoder(maxMessageSize);
            case LENGTH_HEADER_1 -> new LengthHeaderDecoder(1, maxMessageSize);
            case LENGTH_HEADER_2 -> new LengthHeaderDecoder(2, maxMessageSize);
            case LENGTH_HEADER_4 -> new LengthHeaderDecoder(4, maxMessageSize);
        };
    }

    /** Bytes the framing adds around a payload on the wire, for byte counting. */
    public int overhead() {
        return switch (this) {
            case CRLF -> 2;
            case LF, NULL -> 1;
            case STX_ETX -> 2;
            case RAW -> 0;
            case LENGTH_HEADER_1 -> 1;
            case LENGTH_HEADER_2 -> 2;
            case LENGTH_HEADER_4 -> 4;
        };
    }
}
