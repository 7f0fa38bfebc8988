package io.tcpecho.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;

/**
 * Bytes on the wire, written out by hand for each framing so the tests do not encode their input
 * with the codecs they test, and a read that tells a clean close from a reset.
 */
final class Wire {

    private Wire() {
    }

    /** One frame as a client puts it on the wire. */
    static byte[] frame(Framing framing, byte[] payload) {
        return switch (framing) {
            case CRLF -> concat(payload, new byte[] {'\r', '\n'});
            case LF -> concat(payload, new byte[] {'\n'});
            case NULL -> concat(payload, new byte[] {0});
            case STX_ETX -> concat(new byte[] {0x02}, payload, new byte[] {0x03});
            case LENGTH_HEADER_1 -> concat(new byte[] {(byte) payload.length}, payload);
            case LENGTH_HEADER_2 -> concat(ByteBuffer.allocate(2).putShort((short) payload.length).array(), payload);
            case LENGTH_HEADER_4 -> concat(ByteBuffer.allocate(4).putInt(payload.length).array(), payload);
            case RAW -> payload.clone();
        };
    }

    /** {@code count} CRLF frames of 1 KB, 1,022 random printable bytes each, the same for the same seed. */
    static byte[] lines(int seed, int count) {
        Random random = new Random(seed);
        byte[] wire = new byte[count * 1024];
        for (int frame = 0; frame < count; frame++) {
            for (int i = 0; i < 1022; i++) {
                wire[frame * 1024 + i] = (byte) (' ' + random.nextInt(95));
            }
            wire[frame * 1024 + 1022] = '\r';
            wire[frame * 1024 + 1023] = '\n';
        }
        return wire;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] filled(int length, char c) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    /** Closes with a reset (RST) instead of a FIN: SO_LINGER on with a zero timeout. */
    static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Every byte value once, 0x00 to 0xFF: NUL, control bytes, and bytes that are never valid UTF-8. */
    static byte[] everyByteValue() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** Invalid UTF-8: overlong NUL, lone continuation, UTF-16 surrogate, 5-byte form, 0xFE 0xFF, truncated sequence. */
    static byte[] invalidUtf8() {
        return new byte[] {(byte) 0xC0, (byte) 0x80, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xF8,
                (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0xFE, (byte) 0xFF, (byte) 0xE2, (byte) 0x82};
    }

    /** What a peer got before the server ended the connection, and how it ended. */
    record Ending(byte[] received, boolean reset) {
    }

    /**
     * A plain client to {@code port} on loopback with a 4 KB receive buffer, set before the connect so
     * the window is small from the start: with {@link #floodWithoutReading} the server's echo writes
     * block sooner.
     */
    static Socket connectWithSmallReceiveBuffer(int port) throws IOException {
        Socket client = new Socket();
        client.setReceiveBufferSize(4096);
        client.connect(new InetSocketAddress("127.0.0.1", port), (int) EchoSocket.TIMEOUT.toMillis());
        return client;
    }

    /**
     * Writes 64 MB of {@code frame} on a virtual thread and reads nothing: more than the socket
     * buffers between client and server hold (loopback sizes them to a few MB), so the server's
     * echo write blocks, then its reads, then this writer. The thread ends when the connection does.
     */
    static Thread floodWithoutReading(Socket socket, byte[] frame) {
        return Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int written = 0; written < 64 << 20; written += frame.length) {
                    out.write(frame);
                }
            }
            catch (IOException expected) {
                // the connection ended
            }
        });
    }

    /**
     * Reads until the server closes (end of stream) or resets; fails when neither happens within
     * the socket's read timeout.
     */
    static Ending readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
            return new Ending(received.toByteArray(), false);
        }
        catch (SocketTimeoutException ex) {
            throw new IOException("Server neither closed nor reset within the read timeout; got "
                    + received.size() + " bytes", ex);
        }
        catch (IOException ex) {
            return new Ending(received.toByteArray(), true);
        }
    }
}
