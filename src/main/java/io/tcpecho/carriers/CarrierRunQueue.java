package io.tcpecho.carriers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How long the carrier threads ran, and how long they waited for a CPU while they could have run,
 * from Linux's per-thread scheduler statistics ({@code /proc/self/task/TID/schedstat}: time on a
 * CPU, time waiting on a run queue, in nanoseconds). The JDK has no reading of either: its
 * {@code VirtualThreadSchedulerMXBean} counts carriers and queued tasks, not CPU.
 *
 * <p>The carriers are found by name. The JDK's virtual-thread scheduler is a {@code ForkJoinPool}
 * whose workers are named {@code ForkJoinPool-N-worker-M}, and the JVM gives each thread's name to
 * Linux, which keeps its first 15 bytes ({@code comm}). The common pool's workers
 * ({@code ForkJoinPool.commonPool-worker-M}) do not match, and this service starts no other pool.
 */
final class CarrierRunQueue {

    private static final Pattern CARRIER = Pattern.compile("ForkJoinPool-\\d.*");

    private static final long[] NEW_THREAD = { 0, 0 };

    /**
     * A thread's name is read once, not at every sample, and read again only this many calls later:
     * a new thread may show its creator's name for a moment before the JVM names it.
     */
    private static final int NAMES_READ_AGAIN_EVERY = 20;

    private final Path tasks;

    private Map<String, long[]> last = Map.of();

    /** Whether each thread seen is a carrier, by thread id, from its name. */
    private Map<String, Boolean> carrierByTid = new HashMap<>();

    private long calls;

    CarrierRunQueue(Path tasks) {
        this.tasks = tasks;
    }

    /** This JVM's threads, or null where there are no scheduler statistics to read (not Linux, or a kernel without them). */
    static CarrierRunQueue ofThisProcess() {
        Path self = Path.of("/proc/thread-self/schedstat");
        return Files.isReadable(self) ? new CarrierRunQueue(Path.of("/proc/self/task")) : null;
    }

    /**
     * The carriers' time on a CPU and waiting for one since the last call, summed: {@code {running,
     * waiting}} in nanoseconds. A carrier started since then counts from its start; one that ended
     * counts no more. Not thread-safe: one sampler calls it.
     */
    long[] sinceLast() throws IOException {
        if (++this.calls % NAMES_READ_AGAIN_EVERY == 0) {
            this.carrierByTid.clear();
        }
        Map<String, long[]> now = new HashMap<>();
        Map<String, Boolean> seen = new HashMap<>();
        long running = 0;
        long waiting = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(this.tasks)) {
            for (Path thread : threads) {
                String tid = thread.getFileName().toString();
                Boolean carrier = this.carrierByTid.get(tid);
                if (carrier == null) {
                    carrier = isCarrier(thread);
                }
                seen.put(tid, carrier);
                long[] stat = carrier ? stat(thread) : null;
                if (stat == null) {
                    continue;
                }
                now.put(tid, stat);
                long[] before = this.last.getOrDefault(tid, NEW_THREAD);
                running += stat[0] - before[0];
                waiting += stat[1] - before[1];
            }
        }
        this.carrierByTid = seen;
        this.last = now;
        return new long[] { running, waiting };
    }

    private static boolean isCarrier(Path thread) {
        try {
            return CARRIER.matcher(Files.readString(thread.resolve("comm"), StandardCharsets.US_ASCII).strip()).matches();
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** {@code {running, waiting}} of a thread; null for one that ended while being read. */
    private static long[] stat(Path thread) {
        try {
            String[] stat = Files.readString(thread.resolve("schedstat"), StandardCharsets.US_ASCII).strip().split(" ");
            return new long[] { Long.parseLong(stat[0]), Long.parseLong(stat[1]) };
        }
        catch (IOException ex) {
            return null;
        }
    }
}
