package io.tcpecho.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Other processes that keep CPUs busy, one each: real load from outside the JVM under test, which is
 * what the adaptive carrier count reads. Closing ends them all; it may be called more than once.
 */
public final class BusyProcesses implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();

    /** Starts {@code count} more busy shell loops. */
    public void start(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            this.processes.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        }
    }

    @Override
    public void close() {
        this.processes.forEach(Process::destroyForcibly);
        this.processes.clear();
    }
}
