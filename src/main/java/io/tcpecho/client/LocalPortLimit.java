package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * About how many connections a second this client's own kernel lets it open to one server address and
 * port, on Linux. Each {@code churn} cycle closes on the client's side first and so leaves the client a
 * local port in TIME_WAIT for 60 s. With {@code net.ipv4.tcp_tw_reuse} (1, or 2, the default, for
 * loopback) and TCP timestamps, Linux gives such a port to a new connection to the same address and
 * port once a second has passed since its last segment ({@code net.ipv4.tcp_tw_reuse_delay}, 1000 ms, where
 * the kernel has it), and {@code connect()} tries the even half of
 * {@code net.ipv4.ip_local_port_range} first: about half the range a second. Measured here against the
 * C epoll floor, echoload reached 14,038–14,262 cycles a second with the default 28,232 ports, with 5,
 * 20 or 50 slots alike, and 22,150–22,279 with 44,616 ({@code src/bench/churn-ceiling.sh}). Past that,
 * each connect scans the even half in vain and the client's CPU goes there. Without reuse, a port
 * comes back only after its 60 s, and connects beyond the range over a minute fail with "Cannot assign
 * requested address".
 *
 * @param perSecond about how many cycles a second the client can make to one address and port
 * @param ports how many local ports the range has
 * @param reuse whether a TIME_WAIT port is reused for the destination
 */
record LocalPortLimit(long perSecond, int ports, boolean reuse) {

    /** Linux's TIME_WAIT length, fixed in the kernel (TCP_TIMEWAIT_LEN). */
    private static final int TIME_WAIT_SECONDS = 60;

    /** How long Linux waits before it reuses a TIME_WAIT port, where {@code net.ipv4.tcp_tw_reuse_delay} is not there. */
    private static final long DEFAULT_REUSE_MILLIS = 1000;

    /** Where Linux keeps the settings read here. */
    static final Path SYSCTLS = Path.of("/proc/sys/net/ipv4");

    /** More than any of the settings read here ("32768\t60999\n" is 12). */
    private static final int SETTING_BYTES = 64;

    /** A run this close to the limit is probably measuring the client, not the server. */
    private static final double NEAR = 0.9;

    /**
     * The limit for connections to {@code destination}, from the settings under {@code sysctls} (Linux's
     * {@code /proc/sys/net/ipv4}); empty where they cannot be read, as on other systems.
     */
    static Optional<LocalPortLimit> of(Path sysctls, InetAddress destination) {
        try {
            String[] range = read(sysctls, "ip_local_port_range").split("\\s+");
            int ports = Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
            int twReuse = Integer.parseInt(read(sysctls, "tcp_tw_reuse"));
            boolean timestamps = !"0".equals(read(sysctls, "tcp_timestamps"));
            boolean reuse = timestamps && (twReuse == 1 || (twReuse == 2 && destination.isLoopbackAddress()));
            if (ports < 1) {
                return Optional.empty();
            }
            if (!reuse) {
                return Optional.of(new LocalPortLimit(Math.max(1, ports / TIME_WAIT_SECONDS), ports, false));
            }
            long reuseMillis = Files.exists(sysctls.resolve("tcp_tw_reuse_delay"))
                    ? Math.max(1, Long.parseLong(read(sysctls, "tcp_tw_reuse_delay"))) : DEFAULT_REUSE_MILLIS;
            return Optional.of(new LocalPortLimit(Math.max(1, (ports + 1) / 2 * 1000L / reuseMillis), ports, true));
        }
        catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    /** What a run at {@code cyclesPerSecond} should be told about this limit; empty when it stayed well below. */
    Optional<String> note(double cyclesPerSecond) {
        if (cyclesPerSecond < NEAR * this.perSecond) {
            return Optional.empty();
        }
        if (this.reuse) {
            return Optional.of(String.format(Locale.ROOT, "%.0f cycles/s is near this client's own limit of about %d a "
                    + "second to one server address and port: each cycle leaves a local port in TIME_WAIT, which Linux "
                    + "gives to a new connection to the same address and port only after net.ipv4.tcp_tw_reuse_delay "
                    + "(a second by default), trying the even half of net.ipv4.ip_local_port_range (%d ports) first. "
                    + "Widen the range or add client addresses to measure the server beyond it", cyclesPerSecond,
                    this.perSecond, this.ports));
        }
        // Without reuse a shorter run can go faster than the limit until the ports run out, so say how soon.
        return Optional.of(String.format(Locale.ROOT, "%.0f cycles/s is near or past what this client can keep up to "
                + "one server address and port, about %d a second: each cycle holds a local port in TIME_WAIT for 60 s, "
                + "and the %d of net.ipv4.ip_local_port_range last about %.0f s at this rate before connects fail with "
                + "\"Cannot assign requested address\". Widen the range, set net.ipv4.tcp_tw_reuse=1 or add client "
                + "addresses", cyclesPerSecond, this.perSecond, this.ports, this.ports / cyclesPerSecond));
    }

    /**
     * One read into a buffer large enough for any of these settings. Not {@link Files#readString}: for a file
     * that reports no size it reads one byte first, and Linux answers a sysctl read that does not start at
     * the beginning with nothing, so it returned "3" for "32768\t60999" on this machine.
     */
    private static String read(Path sysctls, String name) throws IOException {
        try (InputStream in = Files.newInputStream(sysctls.resolve(name))) {
            byte[] buffer = new byte[SETTING_BYTES];
            int read = in.read(buffer);
            return new String(buffer, 0, Math.max(read, 0), StandardCharsets.US_ASCII).strip();
        }
    }
}
