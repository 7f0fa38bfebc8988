package io.tcpecho.carriers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import jdk.management.VirtualThreadSchedulerMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Resizes the JDK's virtual-thread scheduler to {@link CarrierPolicy}'s count, through the JDK's
 * own management interface for it ({@link VirtualThreadSchedulerMXBean#setParallelism}). Samples
 * this JVM's CPU time, the machine's (or container's) CPU load and the carriers' CPU and run-queue
 * time ({@link CarrierRunQueue}) on a platform thread of its own, which keeps sampling while every
 * carrier is busy. On stop the JDK's count comes back.
 *
 * <p>A {@code -Djdk.virtualThreadScheduler.parallelism} on the command line is an operator's fixed
 * choice: the controller then leaves the count alone.
 */
final class CarrierController implements SmartLifecycle {

    static final String PARALLELISM_PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    /**
     * After a return to the JDK's count for want of CPU, how long before fewer carriers are tried
     * again ({@link CarrierPolicy}).
     */
    static final Duration FIRST_HOLD = Duration.ofSeconds(10);

    /** The longest such wait, reached by doubling. */
    static final Duration MAX_HOLD = Duration.ofMinutes(5);

    private static final Log log = LogFactory.getLog(CarrierController.class);

    private final VirtualThreadSchedulerMXBean scheduler;

    private final OperatingSystemMXBean os;

    private final Duration sampleInterval;

    private final CarrierRunQueue runQueue;

    private ScheduledExecutorService sampler;

    private int initial;

    private CarrierPolicy policy;

    private long lastCpuNanos;

    private long lastSampleNanos;

    /**
     * @param runQueue the carriers' CPU and run-queue time; null where the system has none to read,
     *        and then the count stays the JDK's
     */
    CarrierController(VirtualThreadSchedulerMXBean scheduler, OperatingSystemMXBean os, CarrierRunQueue runQueue,
            Duration sampleInterval) {
        this.scheduler = scheduler;
        this.os = os;
        this.runQueue = runQueue;
        this.sampleInterval = sampleInterval;
    }

    @Override
    public synchronized void start() {
        if (this.sampler != null) {
            return;
        }
        String fixed = System.getProperty(PARALLELISM_PROPERTY);
        if (fixed != null) {
            log.info("Carrier threads fixed at " + this.scheduler.getParallelism() + " by -D" + PARALLELISM_PROPERTY
                    + "=" + fixed + "; echo.carriers.adaptive has no effect");
            return;
        }
        if (this.runQueue == null) {
            log.info("No per-thread scheduler statistics (/proc/thread-self/schedstat) to tell whether fewer carriers "
                    + "would wait for a CPU; carrier threads stay at the JDK's " + this.scheduler.getParallelism());
            return;
        }
        this.initial = this.scheduler.getParallelism();
        if (this.initial < 2) {
            // one CPU (a pod with a CPU limit of 1, say): there is no carrier to give up, so nothing to sample
            return;
        }
        this.policy = new CarrierPolicy(this.initial, samples(FIRST_HOLD), samples(MAX_HOLD));
        readRunQueue();
        // The first load reading covers the time since boot; this one is discarded.
        this.os.getCpuLoad();
        this.lastCpuNanos = this.os.getProcessCpuTime();
        this.lastSampleNanos = System.nanoTime();
        this.sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("carrier-sampler").daemon().factory());
        long millis = this.sampleInterval.toMillis();
        this.sampler.scheduleAtFixedRate(this::sample, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * One sample. Micrometer's {@code system.cpu.usage} gauge reads the same load figure on every
     * scrape, and the JDK measures each reading since the one before, so a sample right after a
     * scrape covers a shorter time; it is still a measurement of the recent load.
     */
    private void sample() {
        try {
            long now = System.nanoTime();
            long cpuNanos = this.os.getProcessCpuTime();
            double load = this.os.getCpuLoad();
            long[] carriers = readRunQueue();
            double elapsed = now - this.lastSampleNanos;
            double usedCpus = (cpuNanos - this.lastCpuNanos) / elapsed;
            this.lastCpuNanos = cpuNanos;
            this.lastSampleNanos = now;
            if (cpuNanos < 0 || load < 0 || Double.isNaN(load)) {
                return;
            }
            CarrierPolicy.Sample sample = new CarrierPolicy.Sample(usedCpus,
                    this.os.getAvailableProcessors() * (1.0 - load), carriers[0] / elapsed, carriers[1] / elapsed);
            int current = this.scheduler.getParallelism();
            int next = this.policy.next(current, sample);
            if (log.isTraceEnabled()) {
                // every sample, for "why this count": DEBUG has only the changes
                log.trace("Carrier threads " + current + ", next " + next + ": " + readings(sample));
            }
            if (next != current) {
                this.scheduler.setParallelism(next);
                if (log.isDebugEnabled()) {
                    log.debug("Carrier threads " + current + " -> " + next + ": " + readings(sample));
                }
            }
        }
        catch (RuntimeException ex) {
            // A failed sample must not end the schedule; the next one tries again.
            log.warn("Carrier threads not adjusted: " + ex);
        }
    }

    /** A sample's readings as the DEBUG and TRACE lines give them. */
    private static String readings(CarrierPolicy.Sample sample) {
        return String.format("this JVM used %.2f CPUs, %.2f CPUs idle; its carriers ran on %.2f CPUs and waited for one "
                + "%.0f%% of their runnable time, %.0f%% beyond what its other threads took", sample.usedCpus(),
                sample.idleCpus(), sample.carrierCpus(), sample.carrierWaitShare() * 100,
                sample.carrierWaitShareBeyondOwnThreads() * 100);
    }

    private long[] readRunQueue() {
        try {
            return this.runQueue.sinceLast();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private int samples(Duration hold) {
        return (int) Math.max(1, hold.toMillis() / this.sampleInterval.toMillis());
    }

    @Override
    public synchronized void stop() {
        if (this.sampler == null) {
            return;
        }
        this.sampler.shutdownNow();
        this.sampler = null;
        this.scheduler.setParallelism(this.initial);
    }

    @Override
    public synchronized boolean isRunning() {
        return this.sampler != null;
    }
}
