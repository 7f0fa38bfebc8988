package io.tcpecho.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The write buffer of one connection. Spring Integration's {@code TcpNetConnection} sizes its
 * {@code BufferedOutputStream} from SO_SNDBUF (about 2 MB a connection on loopback), which is what
 * ran a 256 MB heap out of memory at ~118 connections. This one starts empty, grows to what the
 * echoes need, at most {@link #MAX_CAPACITY}, and writes to the socket only on {@link #flush()}.
 */
final class FrameOutputStream extends OutputStream {

    static final int MAX_CAPACITY = 64 * 1024;

    private final OutputStream socket;

    /** Whether {@link #writingSince()} is kept: only with an idle timeout, which is what reads it. */
    private final boolean timed;

    /** When the socket write under way began ({@link System#nanoTime()}, never 0); 0 when none is. */
    private volatile long writingSince;

    private byte[] buffer = new byte[0];

    private int count;

    FrameOutputStream(OutputStream socket, boolean timed) {
        this.socket = socket;
        this.timed = timed;
    }

    /** When the socket write under way began, or 0; always 0 unless timed. */
    long writingSince() {
        return this.writingSince;
    }

    int capacity() {
        return this.buffer.length;
    }

    boolean hasPending() {
        return this.count > 0;
    }

    @Override
    public void write(int b) throws IOException {
        ensure(1);
        this.buffer[this.count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= MAX_CAPACITY) {
            flush();
            writeToSocket(bytes, offset, length);
            return;
        }
        ensure(length);
        System.arraycopy(bytes, offset, this.buffer, this.count, length);
        this.count += length;
    }

    private void ensure(int length) throws IOException {
        int needed = this.count + length;
        if (needed <= this.buffer.length) {
            return;
        }
        if (needed > MAX_CAPACITY) {
            flush();
            needed = length;
            if (needed <= this.buffer.length) {
                return;
            }
        }
        int capacity = Math.max(256, this.buffer.length);
        while (capacity < needed) {
            capacity *= 2;
        }
        byte[] grown = new byte[Math.min(capacity, MAX_CAPACITY)];
        System.arraycopy(this.buffer, 0, grown, 0, this.count);
        this.buffer = grown;
    }

    @Override
    public void flush() throws IOException {
        if (this.count > 0) {
            int n = this.count;
            this.count = 0;
            writeToSocket(this.buffer, 0, n);
        }
    }

    private void writeToSocket(byte[] bytes, int offset, int length) throws IOException {
        if (!this.timed) {
            this.socket.write(bytes, offset, length);
            return;
        }
        this.writingSince = System.nanoTime() | 1;
        try {
            this.socket.write(bytes, offset, length);
        }
        finally {
            this.writingSince = 0;
        }
    }
}
