package io.tcpecho.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/** A plain client socket for tests: every read is bounded by a timeout. */
public final class EchoSocket implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;

    private final InputStream in;

    private final OutputStream out;

    private EchoSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static EchoSocket connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static EchoSocket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return new EchoSocket(socket);
    }

    public Socket socket() {
        return this.socket;
    }

    public EchoSocket send(byte[] bytes) throws IOException {
        this.out.write(bytes);
        this.out.flush();
        return this;
    }

    public EchoSocket send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads exactly {@code length} bytes, or fails on timeout or end of stream. */
    public byte[] read(int length) throws IOException {
        byte[] bytes = this.in.readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("Stream ended after " + bytes.length + " of " + length + " bytes: "
                    + Arrays.toString(bytes));
        }
        return bytes;
    }

    public String readText(int length) throws IOException {
        return new String(read(length), StandardCharsets.UTF_8);
    }

    /** Everything until the server closes; fails if it does not close within the timeout. */
    public byte[] readUntilClosed() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = this.in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
        }
        return all.toByteArray();
    }

    /** True when the server has closed the connection (end of stream or reset) within the timeout. */
    public boolean isClosedByServer() throws IOException {
        try {
            return this.in.read() < 0;
        }
        catch (SocketTimeoutException ex) {
            return false;
        }
        catch (IOException ex) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}
