package io.tcpecho.framing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that all connections together may hold in grown buffers and in frames that span reads,
 * {@code echo.tcp.max-buffer-memory}.
 *
 * <p>Each connection's buffers start small, and a frame longer than what one read brings is
 * collected until its end arrives. Without a bound across connections, the heap is the limit: 2,500
 * connections pipelining 64 KB each, or 6,000 that each sent 64 KB of a frame and waited, ran a
 * 256 MB heap out of memory and took every connection down with it ({@code src/bench/memory.sh}).
 * Java has no pooled-buffer budget to reuse here (Netty's allocator bounds direct memory, not what
 * a blocking reader holds), so this counts bytes.
 *
 * <p>Two kinds of use, so that buffers cannot starve frames:
 * <ul>
 * <li>Growing a read or write buffer beyond its initial size is optional: a connection that is
 * refused keeps reading and writing with the buffer it has, in more system calls. Buffers may
 * take half of the budget. Once all connections hold a quarter of it ({@link Account#scarce()}),
 * those that have gone quiet give their buffers back, so quiet ones cannot keep busy ones from growing.</li>
 * <li>A frame that spans reads needs its bytes: one that does not fit in the whole budget closes its
 * connection (error {@code buffer-memory}). Every other connection goes on.</li>
 * </ul>
 */
public final class BufferMemory {

    private final long capacity;

    private final AtomicLong used = new AtomicLong();

    public BufferMemory(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * The most one frame holds of the budget while it spans reads, for frames of {@code maxMessageSize}:
     * a delimited frame is counted up to its payload, a two-byte terminator's first byte and the byte
     * that shows it is oversize ({@code DelimiterDecoder}); a length header's payload is never more
     * than {@code maxMessageSize}.
     */
    public static long mostHeldByFrame(long maxMessageSize) {
        return maxMessageSize + 2;
    }

    /** No bound: for the client side, which holds one connection's worth. */
    public static BufferMemory unbounded() {
        return new BufferMemory(Long.MAX_VALUE);
    }

    public long capacity() {
        return this.capacity;
    }

    /** Bytes held now, by all connections. */
    public long used() {
        return this.used.get();
    }

    /** An account for one connection, which gives back everything it holds when it closes. */
    public Account account() {
        return new Account();
    }

    private boolean take(long bytes, long limit) {
        while (true) {
            long now = this.used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (this.used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    private void give(long bytes) {
        this.used.addAndGet(-bytes);
    }

    /**
     * What one connection holds. Its reader takes and gives; {@link #close()} may run on another
     * thread (a drain, the flow's quit), hence the lock, which is uncontended and taken only when a
     * buffer changes size or a frame spans reads.
     */
    public final class Account {

        private long held;

        private boolean closed;

        private Account() {
        }

        /** For a bigger read or write buffer: false when buffers hold half the budget already. */
        public synchronized boolean tryGrow(long bytes) {
            return takeUnlessClosed(bytes, BufferMemory.this.capacity / 2);
        }

        /** For the bytes of a frame that spans reads: false when the whole budget is in use. */
        public synchronized boolean tryHoldFrame(long bytes) {
            return takeUnlessClosed(bytes, BufferMemory.this.capacity);
        }

        private boolean takeUnlessClosed(long bytes, long limit) {
            if (this.closed) {
                return true; // on its way out: its memory is freed with it, not counted
            }
            if (!take(bytes, limit)) {
                return false;
            }
            this.held += bytes;
            return true;
        }

        public synchronized void give(long bytes) {
            if (!this.closed) {
                long given = Math.min(bytes, this.held);
                this.held -= given;
                BufferMemory.this.give(given);
            }
        }

        /**
         * Whether all connections hold more than a quarter of the budget, half of what buffers may
         * take: room to grow is running out, so a connection that has gone quiet should give its
         * grown buffers back.
         */
        public boolean scarce() {
            return BufferMemory.this.used.get() > BufferMemory.this.capacity / 4;
        }

        /** The budget of all connections together. */
        public long capacity() {
            return BufferMemory.this.capacity;
        }

        /** Bytes this connection holds. */
        public synchronized long held() {
            return this.held;
        }

        /** Gives back all this connection holds; later takes succeed without counting. */
        public synchronized void close() {
            if (!this.closed) {
                this.closed = true;
                BufferMemory.this.give(this.held);
                this.held = 0;
            }
        }
    }
}
