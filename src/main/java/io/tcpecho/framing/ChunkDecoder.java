package io.tcpecho.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.springframework.core.serializer.Deserializer;

/**
 * Raw framing (RFC 862): every read is echoed as it arrives. Spring Integration's
 * {@code ByteArrayRawSerializer} treats the whole stream up to the peer's close as one message,
 * which would echo nothing until the client hangs up. Reads longer than max-message-size are
 * split; raw framing has no oversize case.
 */
final class ChunkDecoder implements Deserializer<byte[]> {

    private final int maxChunk;

    ChunkDecoder(int maxChunk) {
        this.maxChunk = maxChunk;
    }

    @Override
    public byte[] deserialize(InputStream stream) throws IOException {
        if (!(stream instanceof FrameInputStream in)) {
            // the client side reads a plain socket stream: one read is one chunk (the client's
            // RawEchoAssembler gathers the chunks of one echo)
            byte[] buffer = new byte[Math.min(this.maxChunk, 64 * 1024)];
            int n = stream.read(buffer);
            if (n < 0) {
                throw new EndOfStream("Stream closed");
            }
            return Arrays.copyOf(buffer, n);
        }
        if (!in.fill()) {
            throw new EndOfStream("Stream closed");
        }
        return in.take(Math.min(in.buffered(), this.maxChunk));
    }
}
