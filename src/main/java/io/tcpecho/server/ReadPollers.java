package io.tcpecho.server;

/**
 * How many pollers the JDK uses for virtual threads' blocked socket reads. Set once, before
 * anything reads a socket.
 *
 * <p>Each connection's reader is a virtual thread. When its read would block, JDK 25 registers the
 * socket with a read "sub-poller", itself a virtual thread. A sub-poller that finds nothing ready
 * parks on a platform "MasterPoller" thread, and every wake-up of that thread needs a CPU. The JDK
 * starts one sub-poller per CPU, rounded down to a power of two: two on a two-CPU pod or machine.
 * Two sub-pollers split the ready sockets between them, so each finds nothing more often and goes
 * through the master more often.
 *
 * <p>On two CPUs shared with a load generator, ping-pong over 50 connections measured (servers side
 * by side, three framings; {@code src/bench/pingpong-tail.sh}, {@code src/bench/README.md}):
 * <ul>
 * <li>MasterPoller wake-ups per 1,000 echoes: 61 with two sub-pollers, 41 with one;</li>
 * <li>p99 latency: 3.3–4.1 ms with two, 1.1–1.7 ms with one (Netty's: 0.9–1.9 ms); p50 rose from
 * about 150 to 280 µs (Netty's: about 410 µs), the same mean latency served evenly rather than a fast
 * majority and a slow tail;</li>
 * <li>msgs/s, bulk and latency1: within run-to-run noise; mixed load (soak.sh): about 5% more echoes.</li>
 * </ul>
 * So on two CPUs this sets {@code jdk.readPollers=1}. With one CPU the JDK already uses one, and
 * with more CPUs its default stands: that was not measured here, and one sub-poller could then
 * become the bottleneck. {@code -Djdk.readPollers=N} (a power of two) on the command line wins. The
 * property is the JDK's own (read by {@code sun.nio.ch.Poller}); a JDK without it ignores it.
 */
public final class ReadPollers {

    static final String PROPERTY = "jdk.readPollers";

    private ReadPollers() {
    }

    /** Sets {@value #PROPERTY} for this JVM's CPU count unless it is set already. Call first in {@code main}. */
    public static void applyDefault() {
        String value = defaultFor(Runtime.getRuntime().availableProcessors(), System.getProperty(PROPERTY));
        if (value != null) {
            System.setProperty(PROPERTY, value);
        }
    }

    /** The value to set, or {@code null} to leave the JDK's choice (or the user's) alone. */
    static String defaultFor(int cpus, String configured) {
        return (configured == null && cpus == 2) ? "1" : null;
    }
}
