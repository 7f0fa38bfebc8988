package io.tcpecho.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code echo.tcp.idle-timeout} of 300 ms: silence closes a connection, traffic keeps it open. */
class IdleTimeoutTests {

    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp("echo.tcp.idle-timeout=" + IDLE_TIMEOUT.toMillis() + "ms");

    @Test
    void closesConnectionThatStaysIdleLongerThanTimeout() throws IOException {
        long start = System.nanoTime();
        try (EchoSocket idle = EchoSocket.connect(server.tcpPort())) {
            idle.socket().setSoTimeout(5000);
            assertThat(idle.isClosedByServer()).as("closed by the server within 5 s").isTrue();
            // the clock started before the connect, so the server's timer cannot have started earlier
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE_TIMEOUT);
        }
    }

    @Test
    void keepsConnectionThatSendsWithinTimeoutOpen() throws IOException {
        try (EchoSocket busy = EchoSocket.connect(server.tcpPort())) {
            // a frame every 100 ms for three idle timeouts: each one must come back
            await("echoes for 900 ms").during(IDLE_TIMEOUT.multipliedBy(3)).atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100)).until(() -> echoes(busy, "ping\r\n"));
            assertThat(echoes(busy, "still-open\r\n")).isTrue();
        }
    }

    /** Echoes written as fast as the client reads them are never blocked for a whole timeout. */
    @Test
    void keepsConnectionThatReadsItsEchoesOpenWhileTheyQueue() throws Exception {
        byte[] frame = "y".repeat(1000).concat("\r\n").getBytes(StandardCharsets.US_ASCII);
        int frames = 8 * 1024;
        try (EchoSocket client = EchoSocket.connect(server.tcpPort());
                ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> sent = sender.submit(() -> {
                OutputStream out = client.socket().getOutputStream();
                for (int i = 0; i < frames; i++) {
                    out.write(frame);
                }
                return null;
            });
            byte[] echoed = client.socket().getInputStream().readNBytes(frames * frame.length);
            assertThat(echoed).hasSize(frames * frame.length);
            sent.get(5, TimeUnit.SECONDS);
            assertThat(echoes(client, "still-open\r\n")).isTrue();
        }
    }

    private static boolean echoes(EchoSocket socket, String frame) throws IOException {
        socket.send(frame);
        return socket.readText(frame.length()).equals(frame);
    }
}
