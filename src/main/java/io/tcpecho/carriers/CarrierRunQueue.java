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

    private final Path tasks;

    private Map<String, long[]> last = Map.of();

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
        Map<String, long[]> now = new HashMap<>();
        long running = 0;
        long waiting = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(this.tasks)) {
            for (Path thread : threads) {
                long[] stat = carrierStat(thread);
                if (stat == null) {
                    continue;
                }
                String tid = thread.getFileName().toString();
                now.put(tid, stat);
                long[] before = this.last.getOrDefault(tid, NEW_THREAD);
                running += stat[0] - before[0];
                waiting += stat[1] - before[1];
            }
        }
        this.last = now;
        return new long[] { running, waiting };
    }

    /** {@code {running, waiting}} of a carrier; null for another thread, or one that ended while being read. */
    private static long[] carrierStat(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm"), StandardCharsets.US_ASCII).strip();
            if (!CARRIER.matcher(name).matches()) {
                return null;
            }
            String[] stat = Files.readString(thread.resolve("schedstat"), StandardCharsets.US_ASCII).strip().split(" ");
            return new long[] { Long.parseLong(stat[0]), Long.parseLong(stat[1]) };
        }
        catch (IOException ex) {
            return null;
        }
    }
}
