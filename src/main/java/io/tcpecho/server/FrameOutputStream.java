package io.tcpecho.server;

import java.io.IOException;
import java.io.OutputStream;

import io.tcpecho.framing.BufferMemory;

/**
 * The write buffer of one connection. Spring Integration's {@code TcpNetConnection} sizes its
 * {@code BufferedOutputStream} from SO_SNDBUF (about 2 MB a connection on loopback), which is what
 * ran a 256 MB heap out of memory at ~118 connections. This one starts empty, grows to what the
 * echoes need, at most {@link #MAX_CAPACITY}, halves again after flushes that use little of it, and
 * writes to the socket only on {@link #flush()}. Growing past {@link #INITIAL_CAPACITY} takes from the
 * connection's {@link BufferMemory} account; refused, it writes more often.
 */
final class FrameOutputStream extends OutputStream {

    static final int INITIAL_CAPACITY = 256;

    static final int MAX_CAPACITY = 64 * 1024;

    private final OutputStream socket;

    private final BufferMemory.Account memory;

    /** Whether {@link #writingSince()} is kept: only with an idle timeout, which is what reads it. */
    private final boolean timed;

    /** When the socket write under way began ({@link System#nanoTime()}, never 0); 0 when none is. */
    private volatile long writingSince;

    private byte[] buffer = new byte[0];

    private int count;

    /** Flushes in a row that used a quarter of the buffer or less: two of them halve it. */
    private int smallFlushes;

    FrameOutputStream(OutputStream socket, BufferMemory.Account memory, boolean timed) {
        this.socket = socket;
        this.memory = memory;
        this.timed = timed;
    }

    /** When the socket write under way began, or 0; always 0 unless timed. */
    long writingSince() {
        return this.writingSince;
    }

    int capacity() {
        return this.buffer.length;
    }

    /** Whether the buffer has grown past {@link #INITIAL_CAPACITY}, and holds some of the connection's buffer memory. */
    boolean grown() {
        return this.buffer.length > INITIAL_CAPACITY;
    }

    /** Gives back the whole buffer, if nothing is pending in it; the next echo starts a new one. */
    void release() {
        int length = this.buffer.length;
        if (this.count == 0 && length > 0) {
            this.buffer = new byte[0];
            this.memory.give(Math.max(0, length - INITIAL_CAPACITY));
            this.smallFlushes = 0;
        }
    }

    boolean hasPending() {
        return this.count > 0;
    }

    @Override
    public void write(int b) throws IOException {
        // a buffer of INITIAL_CAPACITY is not counted, so one byte always fits
        ensure(1);
        this.buffer[this.count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= MAX_CAPACITY || !ensure(length)) {
            flush();
            writeToSocket(bytes, offset, length);
            return;
        }
        System.arraycopy(bytes, offset, this.buffer, this.count, length);
        this.count += length;
    }

    /** Makes room for {@code length} more bytes; false if the buffer could not grow to hold them. */
    private boolean ensure(int length) throws IOException {
        int needed = this.count + length;
        if (needed <= this.buffer.length) {
            return true;
        }
        if (needed > MAX_CAPACITY) {
            flush();
            needed = length;
            if (needed <= this.buffer.length) {
                return true;
            }
        }
        // the first INITIAL_CAPACITY bytes are not counted against the account
        int counted = Math.max(INITIAL_CAPACITY, this.buffer.length);
        int capacity = counted;
        while (capacity < needed) {
            capacity *= 2;
        }
        capacity = Math.min(capacity, MAX_CAPACITY);
        if (capacity > counted && !this.memory.tryGrow(capacity - counted)) {
            flush();
            return length <= this.buffer.length;
        }
        byte[] grown = new byte[capacity];
        System.arraycopy(this.buffer, 0, grown, 0, this.count);
        this.buffer = grown;
        return true;
    }

    @Override
    public void flush() throws IOException {
        if (this.count > 0) {
            int n = this.count;
            this.count = 0;
            writeToSocket(this.buffer, 0, n);
            int length = this.buffer.length;
            this.smallFlushes = length > INITIAL_CAPACITY && n <= length / 4 ? this.smallFlushes + 1 : 0;
            if (this.smallFlushes >= 2) {
                // the burst is over: give the memory back rather than hold it while the peer is quiet
                this.buffer = new byte[length / 2];
                this.memory.give(length / 2);
                this.smallFlushes = 0;
            }
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
