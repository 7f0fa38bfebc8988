package io.tcpecho.client;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The errors of one bench run: how many, and what the first one was, so that a run that failed
 * says why (a refused connect, a timed-out echo, a wrong byte) instead of only counting.
 */
final class BenchErrors {

    private final AtomicLong count = new AtomicLong();

    private final AtomicReference<String> first = new AtomicReference<>();

    void add(String what) {
        this.count.incrementAndGet();
        this.first.compareAndSet(null, what);
    }

    void add(String doing, Exception ex) {
        add(doing + ": " + ex.getClass().getSimpleName() + (ex.getMessage() != null ? " " + ex.getMessage() : ""));
    }

    long count() {
        return this.count.get();
    }

    /** The first error, or {@code null} when there was none. */
    String first() {
        return this.first.get();
    }
}
