package io.tcpecho.framing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pins the read buffer that replaces Spring Integration's unbuffered socket reads: it starts small,
 * doubles while the peer keeps it full, never exceeds its cap, and runs its hook (where the
 * connection flushes held-back echoes) only before a read from the socket.
 */
class FrameInputStreamTests {

    @Test
    void startsSmallAndDoublesWhileReadsFillItUpToItsCap() throws IOException {
        byte[] data = new byte[1024 * 1024];
        FrameInputStream in = new FrameInputStream(new ByteArrayInputStream(data));
        assertThat(in.array()).as("nothing allocated before the first read").isEmpty();
        assertThat(in.fill()).isTrue();
        assertThat(in.array()).hasSize(FrameInputStream.INITIAL_CAPACITY);
        int largest = 0;
        while (in.fill()) {
            largest = Math.max(largest, in.array().length);
            in.skip(in.buffered());
        }
        assertThat(largest).isEqualTo(FrameInputStream.MAX_CAPACITY);
        assertThat(in.consumed()).isEqualTo(data.length);
    }

    @Test
    void staysSmallForAPeerThatSendsLittle() throws IOException {
        InputStream trickle = new InputStream() {
            private int left = 100;

            @Override
            public int read() {
                return this.left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (this.left <= 0) {
                    return -1;
                }
                this.left -= 10;
                return 10; // ten bytes per read, like a slow client
            }
        };
        FrameInputStream in = new FrameInputStream(trickle);
        while (in.fill()) {
            in.skip(in.buffered());
        }
        assertThat(in.array()).hasSize(FrameInputStream.INITIAL_CAPACITY);
    }

    @Test
    void runsItsHookOnlyBeforeReadingFromTheSocket() throws IOException {
        AtomicInteger hooks = new AtomicInteger();
        FrameInputStream in = new FrameInputStream(new ByteArrayInputStream("a\nb\nc\n".getBytes()),
                BufferMemory.unbounded().account(), hooks::incrementAndGet);
        assertThat(in.read()).isEqualTo('a');
        assertThat(hooks).hasValue(1);
        for (int i = 0; i < 5; i++) {
            in.read();
        }
        assertThat(hooks).as("served from the buffer: no hook").hasValue(1);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(hooks).hasValue(2);
    }

    @Test
    void keepsReadingEveryByteWithTheBufferItHasWhenMemoryRefusesGrowth() throws IOException {
        byte[] data = new byte[256 * 1024];
        new Random(3).nextBytes(data);
        BufferMemory memory = new BufferMemory(2 * 1024);
        FrameInputStream in = new FrameInputStream(new ByteArrayInputStream(data), memory.account(), () -> {
        });
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int largest = 0;
        while (in.fill()) {
            largest = Math.max(largest, in.array().length);
            read.write(in.take(in.buffered()));
        }
        assertThat(read.toByteArray()).isEqualTo(data);
        assertThat(largest).as("grown into half of 2 KB: 512 + 512").isEqualTo(1024);
        assertThat(memory.used()).isEqualTo(512);
    }

    @Test
    void halvesAfterReadsThatUseLittleOfItAndGivesTheMemoryBack() throws IOException {
        InputStream burstThenTrickle = new InputStream() {
            private int burst = 64 * 1024;

            private int trickle = 40;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (this.burst > 0) {
                    int n = Math.min(length, this.burst);
                    this.burst -= n;
                    return n; // fills every read: the buffer grows
                }
                return this.trickle-- > 0 ? 1 : -1; // one byte a read, like a quiet client
            }
        };
        BufferMemory memory = new BufferMemory(1024 * 1024);
        FrameInputStream in = new FrameInputStream(burstThenTrickle, memory.account(), () -> {
        });
        int largest = 0;
        while (in.fill()) {
            largest = Math.max(largest, in.array().length);
            in.skip(in.buffered());
        }
        assertThat(largest).isGreaterThan(FrameInputStream.INITIAL_CAPACITY);
        assertThat(in.array()).as("back to its first size after the burst").hasSize(FrameInputStream.INITIAL_CAPACITY);
        assertThat(memory.used()).as("all growth given back").isZero();
    }

    @Test
    void givesItsGrownBufferBackWhenItsHookLetsATimedOutReadGoOn() throws IOException {
        BufferMemory memory = new BufferMemory(1024 * 1024);
        AtomicInteger timeouts = new AtomicInteger();
        BurstThenTimeout source = new BurstThenTimeout();
        FrameInputStream in = new FrameInputStream(source, memory.account(),
                new FrameInputStream.BeforeBlocking() {

                    @Override
                    public void run() {
                    }

                    @Override
                    public void timedOut(SocketTimeoutException timeout) {
                        timeouts.incrementAndGet();
                    }
                });
        while (!source.filledAtCap) {
            assertThat(in.fill()).isTrue();
            in.skip(in.buffered());
        }
        assertThat(memory.used()).isPositive();
        assertThat(in.grown()).isTrue();
        assertThat(in.read()).as("the byte after the timeout").isEqualTo('z');
        assertThat(timeouts).hasValue(1);
        assertThat(in.grown()).isFalse();
        assertThat(in.array()).hasSize(FrameInputStream.INITIAL_CAPACITY);
        assertThat(memory.used()).as("all growth given back").isZero();
    }

    @Test
    void aTimedOutReadEndsWithTheTimeoutUnlessItsHookLetsItGoOn() throws IOException {
        BurstThenTimeout source = new BurstThenTimeout();
        FrameInputStream in = new FrameInputStream(source);
        while (!source.filledAtCap) {
            assertThat(in.fill()).isTrue();
            in.skip(in.buffered());
        }
        assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::fill);
        assertThat(in.grown()).as("nothing given back").isTrue();
    }

    /** Fills every read until it has filled the buffer at its cap, then times out once, then sends one byte. */
    private static final class BurstThenTimeout extends InputStream {

        boolean filledAtCap;

        private boolean timedOut;

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws SocketTimeoutException {
            if (!this.filledAtCap) {
                this.filledAtCap = length == FrameInputStream.MAX_CAPACITY;
                return length;
            }
            if (!this.timedOut) {
                this.timedOut = true;
                throw new SocketTimeoutException("Read timed out");
            }
            buffer[offset] = 'z';
            return 1;
        }
    }
}
