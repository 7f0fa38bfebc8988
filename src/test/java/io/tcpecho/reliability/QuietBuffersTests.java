package io.tcpecho.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.tcpecho.support.Concurrently;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that went quiet after a burst give their grown buffers back once buffer memory is
 * scarce, so that busy connections can still grow theirs (README "DoS bounds"). Before, 1,000 quiet
 * connections held all that buffers may take of a 256 MB heap's budget for good, and busy ones
 * beside them echoed at a quarter of their rate. Here the budget is 256 KB: buffers may take 128 KB,
 * and connections quiet for a second keep at most 64 KB of it.
 */
class QuietBuffersTests {

    private static final int BUDGET = 256 * 1024;

    private static final int CONNECTIONS = 16;

    /** 1 KB frames each connection pipelines at once: more than its buffers may grow to. */
    private static final int FRAMES = 64;

    /** How long a connection with grown buffers waits while memory is scarce: {@code EchoConnection.QUIET_RELEASE_MILLIS}. */
    private static final Duration QUIET = Duration.ofSeconds(1);

    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(2500);

    private static final byte[] BYSTANDER = Wire.ascii("still here\r\n");

    @TempDir
    static Path keys;

    private static TestCertificates certificates;

    private static ObservedServer plain;

    private static ObservedServer idleClosing;

    private static ObservedServer tls;

    @BeforeAll
    static void start() throws Exception {
        String budget = "echo.tcp.max-buffer-memory=" + BUDGET + "B";
        plain = ObservedServer.start(budget);
        idleClosing = ObservedServer.start(budget, "echo.tcp.idle-timeout=" + IDLE_TIMEOUT.toMillis() + "ms");
        certificates = TestCertificates.create(keys, "tcp-echo test");
        tls = ObservedServer.start(TlsTests.tlsServer(certificates, budget));
    }

    @AfterAll
    static void stop() {
        plain.close();
        idleClosing.close();
        tls.close();
    }

    @Test
    void quietConnectionsGiveTheirGrownBuffersBackSoABusyOneCanGrowAndAllEchoExactlyAfterwards() throws Exception {
        plain.beside(BYSTANDER, () -> {
            List<Socket> quiet = open(plain, CONNECTIONS);
            try {
                burst(quiet, 0);
                assertThat(plain.bufferMemoryUsed()).as("buffers grown until memory is scarce").isGreaterThan(BUDGET / 4);
                double kept = awaitGivenBack(plain);
                assertThat(plain.active()).as("given back, not closed").isEqualTo(CONNECTIONS + 1);
                try (EchoSocket busy = plain.connect()) {
                    byte[] wire = Wire.lines(CONNECTIONS, FRAMES);
                    assertThat(busy.send(wire).read(wire.length)).isEqualTo(wire);
                    assertThat(plain.bufferMemoryUsed()).as("the busy connection's grown buffers").isGreaterThan(kept);
                }
                burst(quiet, 1);
            }
            finally {
                close(quiet);
            }
        });
    }

    /**
     * The idle timeout counts from the last byte, not from when the buffers went back: the server
     * closes them at 2.5 s (measured 2.47 s), where restarting the timer at the give-back closed them
     * at 3.5 s (3.46 s).
     */
    @Test
    void theIdleTimeoutStillClosesQuietConnectionsOnTimeAfterTheirBuffersWentBack() throws Exception {
        ObservedServer.Meters before = idleClosing.snapshot();
        List<Socket> quiet = open(idleClosing, CONNECTIONS);
        try {
            burst(quiet, 0);
            long quietFrom = System.nanoTime();
            assertThat(idleClosing.bufferMemoryUsed()).as("buffers grown until memory is scarce")
                    .isGreaterThan(BUDGET / 4);
            await("quiet buffers given back").atMost(ObservedServer.WAIT)
                    .until(() -> idleClosing.bufferMemoryUsed() <= BUDGET / 4);
            assertThat(idleClosing.active()).as("given back before the idle timeout closed any").isEqualTo(CONNECTIONS);
            for (Socket client : quiet) {
                assertThat(client.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - quietFrom)).as("the last connection's idle time")
                    .isLessThan(IDLE_TIMEOUT.plus(QUIET.dividedBy(2)));
        }
        finally {
            close(quiet);
        }
        before.awaitChanges("echo.connections.opened=" + CONNECTIONS, "echo.messages=" + CONNECTIONS * FRAMES,
                "echo.connections.closed{reason=idle}=" + CONNECTIONS);
    }

    /** A TLS read that times out leaves the session intact: the connection echoes on. */
    @Test
    void quietTlsConnectionsGiveTheirGrownBuffersBackAndEchoExactlyAfterwards() throws Exception {
        SSLContext trusting = TestCertificates.trusting(certificates);
        List<Socket> quiet = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                quiet.add(TlsTests.connect(trusting, tls.port()));
            }
            burst(quiet, 0);
            assertThat(tls.bufferMemoryUsed()).as("buffers grown until memory is scarce").isGreaterThan(BUDGET / 4);
            await("quiet buffers given back").atMost(ObservedServer.WAIT)
                    .until(() -> tls.bufferMemoryUsed() <= BUDGET / 4);
            burst(quiet, 1);
        }
        finally {
            close(quiet);
        }
        await().atMost(ObservedServer.WAIT).until(() -> tls.bufferMemoryUsed() == 0);
    }

    /**
     * Waits until the quiet connections have given back what they will: at most a quarter of the
     * budget, unchanged between two looks 600 ms apart (they all went quiet within a moment, and
     * each gives back a second after). Returns what they keep.
     */
    private static double awaitGivenBack(ObservedServer server) {
        double[] last = {-1};
        await("quiet buffers given back").atMost(ObservedServer.WAIT).pollInterval(Duration.ofMillis(600)).until(() -> {
            double now = server.bufferMemoryUsed();
            boolean settled = now <= BUDGET / 4 && now == last[0];
            last[0] = now;
            return settled;
        });
        return last[0];
    }

    private static List<Socket> open(ObservedServer server, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(server.connect().socket());
        }
        return sockets;
    }

    /** Each connection pipelines {@link #FRAMES} frames at once and gets them back byte for byte. */
    private static void burst(List<Socket> clients, int round) throws Exception {
        List<byte[]> echoes = Concurrently.run(clients.size(), ObservedServer.WAIT, i -> {
            byte[] wire = Wire.lines(round * CONNECTIONS + i, FRAMES);
            OutputStream out = clients.get(i).getOutputStream();
            InputStream in = clients.get(i).getInputStream();
            out.write(wire);
            out.flush();
            return in.readNBytes(wire.length);
        });
        for (int i = 0; i < clients.size(); i++) {
            assertThat(echoes.get(i)).as("round %d, echoes of connection %d", round, i)
                    .isEqualTo(Wire.lines(round * CONNECTIONS + i, FRAMES));
        }
    }

    private static void close(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
