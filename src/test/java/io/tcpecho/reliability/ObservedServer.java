package io.tcpecho.reliability;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServer;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionOpenEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real application in-process, and what the reliability tests read off it: the {@code echo.*}
 * meters, and whether every connection it opened was let go (registry, Spring Integration's
 * connection map, its thread, and the connection object with its read and write buffers).
 */
final class ObservedServer implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final RunningServer server;

    private final MeterRegistry meters;

    private final AbstractServerConnectionFactory factory;

    /** Every connection object the server opened; a cleared reference means it, and its buffers, were collected. */
    private final List<WeakReference<Object>> opened = new CopyOnWriteArrayList<>();

    static {
        // The JDK starts the virtual-thread scheduler's timer thread at the first timed park (a read
        // with SO_TIMEOUT, the idle-timeout watcher's sleep); start it here so it is in every baseline, not a "new" thread.
        Thread parked = Thread.ofVirtual().start(() -> LockSupport.parkNanos(1_000_000));
        try {
            parked.join(WAIT);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private ObservedServer(RunningServer server) {
        this.server = server;
        this.meters = server.context().getBean(MeterRegistry.class);
        this.factory = server.context().getBean(AbstractServerConnectionFactory.class);
        server.context().addApplicationListener((ApplicationListener<TcpConnectionOpenEvent>) event -> this.opened
                .add(new WeakReference<>(event.getSource())));
    }

    static ObservedServer start(String... properties) {
        return new ObservedServer(RunningServer.start(properties));
    }

    RunningServer running() {
        return this.server;
    }

    int port() {
        return this.server.tcpPort();
    }

    EchoSocket connect() throws IOException {
        return EchoSocket.connect(port());
    }

    MeterRegistry meters() {
        return this.meters;
    }

    /** {@code echo.buffer.memory.used}: what all connections hold of max-buffer-memory now. */
    double bufferMemoryUsed() {
        return this.meters.get("echo.buffer.memory.used").gauge().value();
    }

    int active() {
        return this.server.server().connections().active();
    }

    Meters snapshot() {
        return new Meters(this.meters);
    }

    /** Platform threads now, for {@link #assertNoLeaks(ThreadCount)}; take it once the test's own connections are up. */
    ThreadCount threads() {
        return ThreadCount.now();
    }

    /**
     * Floods {@code client} with {@code frame} and reads nothing until the server's echo writes
     * block, then resets it: a client that throws away the echoes it was sent. Returns once the
     * flood's writer has ended.
     */
    void resetWhileEchoesAreWritten(Socket client, byte[] frame) throws IOException, InterruptedException {
        // 64 MB, more than every socket buffer on the way holds, and nothing read: the server's
        // echo write blocks, then it stops reading, then the writer blocks too.
        Thread writer = Wire.floodWithoutReading(client, frame);
        awaitEchoesStalled();
        client.setSoLinger(true, 0);
        client.close();
        assertThat(writer.join(WAIT)).as("writer ended by the reset").isTrue();
    }

    /**
     * What {@link #resetWhileEchoesAreWritten} must leave, plain or TLS (README "Bad input"): a client
     * close and a write error counted, and one WARN for it, not also Spring Integration's ERROR.
     */
    static void awaitResetWhileEchoesAreWrittenCounted(Meters before, CapturedOutput output) {
        before.awaitChangesBesides("echo.messages", "echo.connections.opened=1",
                "echo.connections.closed{reason=client}=1", "echo.errors{reason=write}=1");
        await().atMost(WAIT).until(() -> output.getOut().contains(": Connection reset before its echoes were written"));
        assertThat(output.getAll()).as("one WARN, not also Spring Integration's ERROR").doesNotContain("Failed to send reply");
    }

    /** Waits until the echo count has stood still for half a second: a writer is blocked. */
    void awaitEchoesStalled() {
        Counter echoed = this.meters.get("echo.messages").counter();
        double[] last = {-1};
        await("echoes stalled").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            double now = echoed.count();
            boolean still = now > 0 && now == last[0];
            last[0] = now;
            return still;
        });
    }

    /**
     * Waits until nothing of the test's connections is left: no active connection in the registry
     * nor in Spring Integration's factory, every connection object collected (it holds the read and
     * write buffers, and a connection whose virtual thread still runs stays reachable from it), and
     * no more platform threads than before.
     */
    void assertNoLeaks(ThreadCount before) {
        await("connections released").atMost(WAIT).untilAsserted(() -> {
            assertThat(active()).as("echo.connections.active").isZero();
            assertThat(this.factory.getOpenConnectionIds()).as("Spring Integration's open connections").isEmpty();
        });
        // Same thread: Awaitility's own poller thread would count as a new platform thread.
        await("connection objects collected").atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    System.gc();
                    assertThat(this.opened.stream().filter(reference -> reference.get() != null).toList())
                            .as("connections still reachable after close").isEmpty();
                });
        await("no new platform threads").atMost(WAIT).pollInSameThread().untilAsserted(
                () -> assertThat(ThreadCount.now().names()).as("platform threads (before: %s)", before.names())
                        .hasSizeLessThanOrEqualTo(before.names().size()));
    }

    /**
     * Runs {@code attack} beside a well-behaved connection: the bystander echoes {@code frame}
     * before and after, so the attack must not have touched it, and once it has closed nothing of
     * either connection may be left.
     */
    void beside(byte[] frame, Attack attack) throws Exception {
        ThreadCount threads;
        try (EchoSocket bystander = connect()) {
            double echoed = this.meters.get("echo.messages").counter().count();
            assertThat(bystander.send(frame).read(frame.length)).as("bystander's echo").isEqualTo(frame);
            // The echo can reach us a moment before it is counted; the attack's meter changes start after it.
            await().atMost(WAIT).until(() -> this.meters.get("echo.messages").counter().count() > echoed);
            threads = threads();
            attack.run();
            assertThat(bystander.send(frame).read(frame.length)).as("bystander's echo after the attack")
                    .isEqualTo(frame);
        }
        assertNoLeaks(threads);
    }

    /**
     * Beside a bystander, one connection sends {@code wire} ({@code frames} whole frames), gets it
     * back byte for byte and closes: the client's close, {@code frames} echoes, nothing else counted.
     */
    void echoesAndCloses(byte[] bystander, byte[] wire, int frames) throws Exception {
        beside(bystander, () -> {
            Meters before = snapshot();
            try (EchoSocket client = connect()) {
                assertThat(client.send(wire).read(wire.length)).isEqualTo(wire);
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.messages=" + frames);
        });
    }

    @FunctionalInterface
    interface Attack {

        void run() throws Exception;
    }

    @Override
    public void close() {
        this.server.close();
    }

    /** The server's {@code echo.*} counters at one moment, to compare with a later reading. */
    static final class Meters {

        private final MeterRegistry registry;

        private final double[] values;

        private static final String[][] COUNTERS = {{"echo.connections.closed", "client"},
                {"echo.connections.closed", "quit"}, {"echo.connections.closed", "idle"},
                {"echo.connections.closed", "oversize"}, {"echo.connections.closed", "error"},
                {"echo.connections.closed", "shutdown"}, {"echo.errors", "oversize"}, {"echo.errors", "framing"},
                {"echo.errors", "partial-frame"}, {"echo.errors", "buffer-memory"}, {"echo.errors", "tls-handshake"},
                {"echo.errors", "read"},
                {"echo.errors", "write"},
                {"echo.connections.rejected", null}, {"echo.connections.opened", null}, {"echo.messages", null}};

        Meters(MeterRegistry registry) {
            this.registry = registry;
            this.values = new double[COUNTERS.length];
            for (int i = 0; i < COUNTERS.length; i++) {
                this.values[i] = read(registry, COUNTERS[i][0], COUNTERS[i][1]);
            }
        }

        private static double read(MeterRegistry registry, String name, String reason) {
            Counter counter = reason == null ? registry.find(name).counter()
                    : registry.find(name).tag("reason", reason).counter();
            return counter != null ? counter.count() : 0;
        }

        /** How much each counter moved since this snapshot, e.g. {@code echo.errors{reason=oversize}=1}; zeros left out. */
        List<String> changes() {
            List<String> changes = new ArrayList<>();
            for (int i = 0; i < COUNTERS.length; i++) {
                double delta = read(this.registry, COUNTERS[i][0], COUNTERS[i][1]) - this.values[i];
                if (delta != 0) {
                    changes.add(COUNTERS[i][0] + (COUNTERS[i][1] != null ? "{reason=" + COUNTERS[i][1] + "}" : "")
                            + "=" + (long) delta);
                }
            }
            return changes;
        }

        /** {@link #awaitChanges} for all counters but those whose change starts with {@code ignored}. */
        void awaitChangesBesides(String ignored, String... expected) {
            await("meters " + List.of(expected)).atMost(WAIT).untilAsserted(() -> assertThat(
                    changes().stream().filter(change -> !change.startsWith(ignored)))
                    .containsExactlyInAnyOrder(expected));
        }

        /** Waits until the counters have moved by exactly these amounts and no others. */
        void awaitChanges(String... expected) {
            await("meters " + List.of(expected)).atMost(WAIT)
                    .untilAsserted(() -> assertThat(changes()).containsExactlyInAnyOrder(expected));
        }
    }

    /** Live platform threads except the virtual-thread carriers, which the JDK sizes and retires on its own. */
    record ThreadCount(List<String> names) {

        static ThreadCount now() {
            return new ThreadCount(Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !thread.isVirtual() && thread.isAlive())
                    .filter(thread -> !thread.getClass().getName().equals("jdk.internal.misc.CarrierThread"))
                    .map(Thread::getName).sorted().toList());
        }
    }
}
