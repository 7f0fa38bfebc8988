package io.tcpecho.framing;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A read buffer over a socket's input that decoders scan in place.
 *
 * <p>Spring Integration hands its deserializers the bare socket stream, and its line codecs read
 * it one byte per call, which is one system call per byte. This buffer starts small, so ten
 * thousand idle connections cost little, and doubles up to {@link #MAX_CAPACITY} while reads keep
 * filling it, and halves again after reads that use little of it. Growing takes from the
 * connection's {@link BufferMemory} account; refused, it reads with the buffer it has. Before it
 * blocks on the socket it runs {@code beforeBlocking}: the connection flushes the echoes it held
 * back there, so a pipelining client gets one write per read batch, not one per frame (what Netty
 * does on channelReadComplete). A read that times out asks {@code beforeBlocking} whether that ends
 * the connection; if not, the buffer goes back to its initial size and the read goes on.
 */
public final class FrameInputStream extends InputStream {

    static final int INITIAL_CAPACITY = 512;

    static final int MAX_CAPACITY = 64 * 1024;

    /** Around a read that may block: the connection flushes pending echoes before it. */
    public interface BeforeBlocking {

        void run() throws IOException;

        /** The read returned: bytes (or the end of stream) arrived. */
        default void afterRead() {
        }

        /**
         * The read timed out. Throws {@code timeout} to end the connection, or returns to have the
         * read buffer given back and the read go on.
         */
        default void timedOut(SocketTimeoutException timeout) throws IOException {
            throw timeout;
        }
    }

    private final InputStream source;

    private final BeforeBlocking beforeBlocking;

    private final BufferMemory.Account memory;

    private byte[] buffer = new byte[0];

    private int position;

    private int limit;

    private boolean eof;

    /** Reads in a row that used a quarter of the buffer or less: two of them halve it. */
    private int smallReads;

    /** Bytes consumed from buffers already replaced, so {@link #consumed()} counts the whole stream. */
    private long consumedBefore;

    public FrameInputStream(InputStream source, BufferMemory.Account memory, BeforeBlocking beforeBlocking) {
        this.source = source;
        this.memory = memory;
        this.beforeBlocking = beforeBlocking;
    }

    public FrameInputStream(InputStream source) {
        this(source, BufferMemory.unbounded().account(), () -> {
        });
    }

    static FrameInputStream require(InputStream stream) {
        if (stream instanceof FrameInputStream frames) {
            return frames;
        }
        throw new IllegalStateException("Server decoders read from a FrameInputStream, got " + stream.getClass());
    }

    /** Bytes read from the socket and not yet consumed. */
    public int buffered() {
        return this.limit - this.position;
    }

    /**
     * Makes at least one byte available, reading from the socket if none is buffered.
     * @return false at end of stream
     */
    public boolean fill() throws IOException {
        if (this.position < this.limit) {
            return true;
        }
        if (this.eof) {
            return false;
        }
        this.beforeBlocking.run();
        resize();
        this.consumedBefore += this.limit;
        this.position = 0;
        this.limit = 0;
        int n;
        while (true) {
            try {
                n = this.source.read(this.buffer, 0, this.buffer.length);
                break;
            }
            catch (SocketTimeoutException timeout) {
                this.beforeBlocking.timedOut(timeout);
                release();
            }
        }
        this.beforeBlocking.afterRead();
        if (n < 0) {
            this.eof = true;
            return false;
        }
        this.limit = n;
        int length = this.buffer.length;
        this.smallReads = length > INITIAL_CAPACITY && n <= length / 4 ? this.smallReads + 1 : 0;
        return true;
    }

    /** Sizes the empty buffer for the next read from how the last reads used it. */
    private void resize() {
        int length = this.buffer.length;
        if (length == 0) {
            this.buffer = new byte[INITIAL_CAPACITY];
        }
        else if (this.limit == length && length < MAX_CAPACITY) {
            // the last read filled the whole buffer: the peer sends faster than we read, so read more at once
            if (this.memory.tryGrow(length)) {
                this.buffer = new byte[length * 2];
            }
        }
        else if (this.smallReads >= 2) {
            // the burst is over: give the memory back rather than hold it while the peer is quiet
            this.buffer = new byte[length / 2];
            this.memory.give(length / 2);
            this.smallReads = 0;
        }
    }

    /** Whether the buffer has grown past its initial size, and holds some of the connection's buffer memory. */
    public boolean grown() {
        return this.buffer.length > INITIAL_CAPACITY;
    }

    /** Back to the initial size, giving back what growing took. Only between reads, when nothing is buffered. */
    private void release() {
        int length = this.buffer.length;
        if (length > INITIAL_CAPACITY) {
            this.buffer = new byte[INITIAL_CAPACITY];
            this.memory.give(length - INITIAL_CAPACITY);
            this.smallReads = 0;
        }
    }

    /**
     * Counts {@code bytes} of a frame that spans reads against the connection's buffer memory.
     * @throws FramingException ({@code buffer-memory}) when all connections' frames and buffers
     * leave no room for them
     */
    void holdFrame(long bytes) throws FramingException {
        if (!this.memory.tryHoldFrame(bytes)) {
            throw new FramingException("buffer-memory", "frame does not fit in max-buffer-memory of "
                    + this.memory.capacity() + " bytes, which frames and buffers of all connections fill");
        }
    }

    /** Gives back what {@link #holdFrame} counted, once the frame is complete. */
    void releaseFrame(long bytes) {
        this.memory.give(bytes);
    }

    /** Bytes handed to decoders since the stream opened; unchanged means no frame has begun. */
    public long consumed() {
        return this.consumedBefore + this.position;
    }

    byte[] array() {
        return this.buffer;
    }

    int position() {
        return this.position;
    }

    int limit() {
        return this.limit;
    }

    void skip(int count) {
        this.position += count;
    }

    byte peek() {
        return this.buffer[this.position];
    }

    /** Takes {@code count} buffered bytes as a new array. */
    byte[] take(int count) {
        byte[] bytes = Arrays.copyOfRange(this.buffer, this.position, this.position + count);
        this.position += count;
        return bytes;
    }

    /** Reads exactly {@code target.length} bytes; false if the stream ends first. */
    boolean readFully(byte[] target) throws IOException {
        int done = 0;
        while (done < target.length) {
            if (!fill()) {
                return false;
            }
            int n = Math.min(buffered(), target.length - done);
            System.arraycopy(this.buffer, this.position, target, done, n);
            this.position += n;
            done += n;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? this.buffer[this.position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, buffered());
        System.arraycopy(this.buffer, this.position, target, offset, n);
        this.position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return buffered() + this.source.available();
    }

    @Override
    public void close() throws IOException {
        this.source.close();
    }
}
