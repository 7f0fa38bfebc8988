package io.tcpecho.server;

import java.util.Optional;

import io.tcpecho.framing.BufferMemory;

/**
 * Whether {@code max-connections} idle connections fit in the heap beside {@code max-buffer-memory}
 * and in the process's file-descriptor limit, a frame of {@code max-message-size} in
 * {@code max-buffer-memory}, and the heap in the memory limit beside the rest of the JVM.
 * What a connection holds is measured, not configured (README "Performance": 7.2 KB of heap plain,
 * 17.0–18.9 KB with TLS, in JSSE's buffers and a deeper parked stack), so a setting that cannot fit is
 * only known at start-up, and a flood of connections would find it as an OutOfMemoryError that takes
 * every connection down. The JVM cannot tell in advance; this says so in the log instead.
 */
final class ResourceFit {

    /**
     * 7.2 KB measured per idle plain connection when a fresh JVM takes 19,000 at once (its first ones park
     * in frames not yet compiled; 4.4-4.5 KB once warm), src/bench/per-connection.sh.
     */
    static final long PLAIN_CONNECTION_BYTES = 7 * 1024;

    /** 17.0–18.9 KB measured per idle TLS connection, rounded up. */
    static final long TLS_CONNECTION_BYTES = 20 * 1024;

    /**
     * The application itself, idle, after a full GC: 20.7–23.4 MB measured with G1, 30.3 MB with
     * Serial GC (which a pod under 2 CPUs or 1792 MB gets); this sits between the two.
     */
    static final long BASELINE_BYTES = 28L * 1024 * 1024;

    /**
     * Descriptors the JVM holds besides its connections: 18 measured idle (the jar, epoll and event
     * descriptors, the TCP and HTTP listeners), plus the Actuator's HTTP connections; rounded up generously.
     */
    static final long JVM_FILES = 100;

    /**
     * What the JVM holds beside its heap: 113–137 MB measured under load (metaspace, JIT-compiled code,
     * class data, threads, the GC's own structures and the JVM's code), as the resident size, or the
     * memory cgroup's usage, less the heap, with the heap fully committed (README "Memory limit");
     * rounded up.
     */
    static final long JVM_NON_HEAP_BYTES = 140L * 1024 * 1024;

    private ResourceFit() {
    }

    /** A warning when the connections would not fit in {@code maxHeap}; empty when they would. */
    static Optional<String> heapWarning(int maxConnections, boolean tls, long bufferMemory, long maxHeap) {
        long perConnection = tls ? TLS_CONNECTION_BYTES : PLAIN_CONNECTION_BYTES;
        long needed = BASELINE_BYTES + bufferMemory + maxConnections * perConnection;
        if (needed <= maxHeap) {
            return Optional.empty();
        }
        long fit = Math.max(0, (maxHeap - BASELINE_BYTES - bufferMemory) / perConnection);
        return Optional.of("echo.tcp.max-connections of " + maxConnections + (tls ? " TLS" : "") + " connections needs about "
                + megabytes(needed) + " MB of heap (" + perConnection / 1024 + " KB each, max-buffer-memory "
                + megabytes(bufferMemory) + " MB), more than the heap's " + megabytes(maxHeap) + " MB: about " + fit
                + " fit before the JVM runs out of memory. Lower echo.tcp.max-connections, or raise the heap"
                + " (-Xmx; in the chart, resources.limits.memory)");
    }

    /**
     * A warning when a frame of {@code max-message-size} could never be collected: a frame longer
     * than one read is counted against {@code max-buffer-memory} while its end is awaited.
     */
    static Optional<String> frameWarning(long maxMessageSize, long bufferMemory) {
        if (BufferMemory.mostHeldByFrame(maxMessageSize) <= bufferMemory) {
            return Optional.empty();
        }
        return Optional.of("echo.tcp.max-message-size of " + maxMessageSize + " bytes is more than max-buffer-memory of "
                + bufferMemory + " bytes: frames longer than that are refused (error buffer-memory), not echoed."
                + " Raise echo.tcp.max-buffer-memory (or the heap) or lower echo.tcp.max-message-size");
    }

    /**
     * A warning when {@code max-connections} connections, one descriptor each, would not fit in the
     * process's limit ({@code maxFiles}: RLIMIT_NOFILE, which the JVM raises to the hard limit at
     * start-up); empty when they would, or when the limit is unknown ({@code maxFiles <= 0}). Past
     * the limit accept fails and the listener pauses (ServerSockets), so connects wait instead of
     * being served.
     */
    static Optional<String> fileWarning(int maxConnections, long maxFiles) {
        long needed = maxConnections + JVM_FILES;
        if (maxFiles <= 0 || needed <= maxFiles) {
            return Optional.empty();
        }
        long fit = Math.max(0, maxFiles - JVM_FILES);
        return Optional.of("echo.tcp.max-connections of " + maxConnections + " needs about " + needed
                + " file descriptors (one a connection, about " + JVM_FILES + " for the JVM), more than this process's limit of "
                + maxFiles + ": past about " + fit + " connections accepting fails and pauses, and new connects wait."
                + " Raise the limit (ulimit -n; systemd LimitNOFILE; the container runtime's nofile) or lower"
                + " echo.tcp.max-connections");
    }

    /**
     * A warning when the heap leaves too little of the memory limit ({@code memoryLimit}: a container's
     * limit as the JVM reads it from its cgroup, or the machine's memory) for the rest of the JVM; empty
     * when it leaves enough, or when the limit is unknown ({@code memoryLimit <= 0}). Past the limit
     * the kernel kills the process, every connection with it, and without a line in the log: at
     * {@code -XX:MaxRAMPercentage=75} of a 512 MB limit, 2,500 pipelining connections drove a pod-sized
     * memory cgroup to its limit in three runs of five and the kernel killed the JVM in one.
     */
    static Optional<String> memoryWarning(long maxHeap, long memoryLimit) {
        if (memoryLimit <= 0 || maxHeap <= 0 || maxHeap + JVM_NON_HEAP_BYTES <= memoryLimit) {
            return Optional.empty();
        }
        return Optional.of("The heap's maximum of " + megabytes(maxHeap) + " MB leaves " + megabytes(Math.max(0,
                memoryLimit - maxHeap)) + " MB of the memory limit of " + megabytes(memoryLimit) + " MB for the rest of"
                + " the JVM, which needs about " + megabytes(JVM_NON_HEAP_BYTES) + " MB under load, and none for the"
                + " kernel's socket buffers, which a container's limit counts under cgroup v2: under load the kernel can"
                + " kill the process for memory, with every connection. Lower the heap (-Xmx or -XX:MaxRAMPercentage;"
                + " in the chart, javaOptions) or raise the limit (in the chart, resources.limits.memory)");
    }

    private static long megabytes(long bytes) {
        return bytes / (1024 * 1024);
    }
}
