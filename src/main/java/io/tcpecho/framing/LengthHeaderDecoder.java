package io.tcpecho.framing;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.core.serializer.Deserializer;

/**
 * Big-endian unsigned length header of 1, 2 or 4 bytes, then the payload: the wire format of
 * Spring Integration's {@code ByteArrayLengthHeaderSerializer}. Reimplemented so the 4-byte
 * header is read as unsigned (SI rejects lengths of 2 GB and more as a negative-length argument
 * error rather than as oversize), so a length over max-message-size is refused before any
 * payload buffer is allocated, and so a payload that is not yet buffered is counted against the
 * connections' buffer memory before it is.
 */
final class LengthHeaderDecoder implements Deserializer<byte[]> {

    private final int headerSize;

    private final int maxMessageSize;

    LengthHeaderDecoder(int headerSize, int maxMessageSize) {
        this.headerSize = headerSize;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public byte[] deserialize(InputStream stream) throws IOException {
        FrameInputStream in = FrameInputStream.require(stream);
        if (!in.fill()) {
            throw new EndOfStream("Stream closed between frames");
        }
        long length = 0;
        for (int i = 0; i < this.headerSize; i++) {
            int b = in.read();
            if (b < 0) {
                throw new FramingException("partial-frame", "Connection closed in the middle of a length header");
            }
            length = (length << 8) | b;
        }
        if (length > this.maxMessageSize) {
            throw new FrameTooLargeException(this.maxMessageSize);
        }
        if (length <= in.buffered()) {
            return in.take((int) length);
        }
        // The payload is allocated whole before it arrives: counted first, so that headers alone
        // cannot make the server allocate max-message-size per connection (BufferMemory).
        in.holdFrame(length);
        byte[] payload = new byte[(int) length];
        if (!in.readFully(payload)) {
            throw new FramingException("partial-frame", "Connection closed in the middle of a frame");
        }
        in.releaseFrame(length);
        return payload;
    }
}
