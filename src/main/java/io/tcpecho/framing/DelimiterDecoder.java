package io.tcpecho.framing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.springframework.core.serializer.Deserializer;

/**
 * Frames ended by a one- or two-byte terminator (CRLF, LF, NUL, ETX with a leading STX), the wire
 * format of Spring Integration's {@code ByteArrayCrLfSerializer} and friends.
 *
 * <p>Why not those classes: they allocate a {@code max-message-size} buffer per frame before the
 * first byte arrives, so every idle connection pins 64 KB (a 256 MB heap ran out at ~118
 * connections), and they read one byte per call. This decoder scans the connection's read buffer
 * and allocates only the frame it returns. A payload of exactly max-message-size bytes is
 * accepted; one byte more closes the connection as soon as it is seen.
 */
final class DelimiterDecoder implements Deserializer<byte[]> {

    static final byte STX = 0x02;

    private final byte[] terminator;

    private final int maxMessageSize;

    private final boolean stxPrefix;

    DelimiterDecoder(byte[] terminator, int maxMessageSize, boolean stxPrefix) {
        if (terminator.length < 1 || terminator.length > 2) {
            throw new IllegalArgumentException("Terminator must be one or two bytes");
        }
        this.terminator = terminator;
        this.maxMessageSize = maxMessageSize;
        this.stxPrefix = stxPrefix;
    }

    @Override
    public byte[] deserialize(InputStream stream) throws IOException {
        FrameInputStream in = FrameInputStream.require(stream);
        if (!in.fill()) {
            throw new EndOfStream("Stream closed between frames");
        }
        if (this.stxPrefix) {
            if (in.peek() != STX) {
                throw new FramingException("framing", "Frame does not start with STX (0x02)");
            }
            in.skip(1);
        }
        byte last = this.terminator[this.terminator.length - 1];
        byte first = this.terminator[0];
        boolean twoBytes = this.terminator.length == 2;
        // bytes of this frame seen in earlier reads; only frames split across reads need it
        ByteArrayOutputStream earlier = null;
        int earlierLast = -1;
        // what earlier holds of the connections' buffer memory (BufferMemory), given back with the frame
        long held = 0;
        while (true) {
            if (!in.fill()) {
                throw new FramingException("partial-frame", "Connection closed in the middle of a frame");
            }
            byte[] buf = in.array();
            int start = in.position();
            int end = in.limit();
            for (int i = ByteScan.indexOf(buf, start, end, last); i >= 0; i = ByteScan.indexOf(buf, i + 1, end, last)) {
                if (twoBytes && !(i > start ? buf[i - 1] == first : earlierLast == (first & 0xff))) {
                    continue;
                }
                int fromBuffer = i - start - (twoBytes ? 1 : 0);
                byte[] frame;
                if (earlier == null) {
                    checkSize(fromBuffer);
                    frame = Arrays.copyOfRange(buf, start, start + fromBuffer);
                }
                else {
                    // fromBuffer is -1 when the first terminator byte ended the earlier read
                    int earlierLength = earlier.size() + Math.min(fromBuffer, 0);
                    int length = earlierLength + Math.max(fromBuffer, 0);
                    checkSize(length);
                    frame = new byte[length];
                    System.arraycopy(earlier.toByteArray(), 0, frame, 0, earlierLength);
                    if (fromBuffer > 0) {
                        System.arraycopy(buf, start, frame, earlierLength, fromBuffer);
                    }
                    in.releaseFrame(held);
                }
                in.skip(i + 1 - start);
                return frame;
            }
            if (earlier == null) {
                earlier = new ByteArrayOutputStream(Math.min(this.maxMessageSize, 2 * (end - start) + 16));
            }
            // Counted before it is copied, as the stream will grow (doubling): past max-message-size + 1
            // the frame is refused as oversize right below, so no more than that is counted.
            long most = BufferMemory.mostHeldByFrame(this.maxMessageSize);
            long needed = Math.min(earlier.size() + (long) (end - start), most);
            if (needed > held) {
                long more = Math.min(Math.max(needed, 2 * held), most) - held;
                in.holdFrame(more);
                held += more;
            }
            earlier.write(buf, start, end - start);
            earlierLast = buf[end - 1] & 0xff;
            in.skip(end - start);
            // a trailing first terminator byte may still turn out to be part of the terminator
            checkSize(earlier.size() - (twoBytes && earlierLast == (first & 0xff) ? 1 : 0));
        }
    }

    private void checkSize(int payloadLength) throws FrameTooLargeException {
        if (payloadLength > this.maxMessageSize) {
            throw new FrameTooLargeException(this.maxMessageSize);
        }
    }
}
