package io.tcpecho.carriers;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The carriers' CPU time as Linux counts it for this JVM's real threads. */
class CarrierRunQueueTests {

    private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(400);

    private CarrierRunQueue runQueue;

    @BeforeEach
    void linuxOnly() {
        this.runQueue = CarrierRunQueue.ofThisProcess();
        assumeThat(this.runQueue).as("per-thread scheduler statistics (Linux)").isNotNull();
    }

    @Test
    void countsTheCpuTimeOfVirtualThreadsAsTheirCarriers() throws Exception {
        this.runQueue.sinceLast();

        Thread.ofVirtual().start(CarrierRunQueueTests::spin).join(Duration.ofSeconds(10));
        long[] since = this.runQueue.sinceLast();

        assertThat(since[0]).as("nanoseconds the carriers ran").isGreaterThanOrEqualTo(BUSY_NANOS / 2);
        assertThat(since[1]).as("nanoseconds they waited for a CPU").isNotNegative();
    }

    @Test
    void leavesOutOtherThreads() throws Exception {
        this.runQueue.sinceLast();

        Thread.ofPlatform().name("busy-platform-thread").start(CarrierRunQueueTests::spin).join(Duration.ofSeconds(10));
        long[] since = this.runQueue.sinceLast();

        assertThat(since[0]).as("nanoseconds the carriers ran").isLessThan(BUSY_NANOS / 4);
    }

    @Test
    void countsEachIntervalOnce() throws Exception {
        Thread.ofVirtual().start(CarrierRunQueueTests::spin).join(Duration.ofSeconds(10));
        this.runQueue.sinceLast();

        long[] since = this.runQueue.sinceLast();

        assertThat(since[0]).as("nanoseconds the carriers ran between two reads in a row").isLessThan(BUSY_NANOS / 4);
    }

    /** A new thread shows its creator's name until the JVM names it; the names are read again. */
    @Test
    void findsACarrierThatGotItsNameAfterItWasFirstSeen() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch counted = new CountDownLatch(1);
        Thread late = Thread.ofPlatform().name("not-yet-named").start(() -> {
            try {
                seen.await();
                // on the thread itself, a new name reaches Linux too, as the JVM names a carrier it starts
                Thread.currentThread().setName("ForkJoinPool-99-worker-1");
                spin();
                spun.countDown();
                // alive until counted: a thread that ended counts no more
                counted.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            this.runQueue.sinceLast();
            seen.countDown();
            assertThat(spun.await(10, TimeUnit.SECONDS)).isTrue();

            long running = 0;
            for (int call = 0; call < 20; call++) {
                running += this.runQueue.sinceLast()[0];
            }

            assertThat(running).as("nanoseconds the carriers ran").isGreaterThanOrEqualTo(BUSY_NANOS / 2);
        }
        finally {
            counted.countDown();
            late.join(Duration.ofSeconds(10));
        }
    }

    private static void spin() {
        long end = System.nanoTime() + BUSY_NANOS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
