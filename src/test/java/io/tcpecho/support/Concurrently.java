package io.tcpecho.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs tasks at once on virtual threads and collects their results within one overall deadline. */
public final class Concurrently {

    /** One task of a concurrent run; {@code index} tells the tasks apart. */
    @FunctionalInterface
    public interface Task<T> {

        T call(int index) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code count} tasks concurrently and returns their results in index order. Fails with the
     * first task's failure, or with a {@link TimeoutException} if they are not all done in
     * {@code within}; unfinished tasks are interrupted, which closes their sockets.
     */
    public static <T> List<T> run(int count, Duration within, Task<T> task) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<T>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(threads.submit(() -> task.call(index)));
            }
            List<T> results = new ArrayList<>(count);
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
                catch (ExecutionException ex) {
                    throw ex.getCause() instanceof Exception cause ? cause : ex;
                }
            }
            return results;
        }
        finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
