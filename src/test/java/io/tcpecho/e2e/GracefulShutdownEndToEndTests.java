package io.tcpecho.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' way of stopping a pod, against the packaged jar: SIGTERM while 50 clients play
 * ping-pong and one is in the middle of a frame. Readiness drops at once, new connects are
 * refused, every frame a client had completed before the signal is echoed, no connection is
 * reset, the frame in progress is finished and echoed, and the process exits 0 well within the
 * default drain timeout of 20 s.
 */
class GracefulShutdownEndToEndTests {

    private static final int CLIENTS = 50;

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path work;

    @Test
    void drainsFiftyPingPongClientsOnSigtermThenExitsZero() throws Exception {
        try (EchoProcess app = EchoProcess.start(this.work)) {
            AtomicBoolean signalled = new AtomicBoolean();
            List<PingPong> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new PingPong(i, EchoSocket.connect(app.tcpPort()), signalled));
            }
            try (EchoSocket midFrame = EchoSocket.connect(app.tcpPort());
                    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // one write: once "first" is echoed, the server holds the half frame too
                assertThat(midFrame.send("first\r\nhalf of a frame, ").readText(7)).isEqualTo("first\r\n");
                List<Future<PingPong.Outcome>> outcomes = clients.stream().map(threads::submit).toList();
                await("every client in ping-pong").atMost(Duration.ofSeconds(60))
                        .until(() -> clients.stream().allMatch(client -> client.echoes() >= 20));

                signalled.set(true);
                app.terminate();

                await("readiness refusing traffic").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> app.httpStatus("/readyz") == 503);
                await("listener closed").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatExceptionOfType(
                        ConnectException.class).isThrownBy(() -> EchoSocket.connect(app.tcpPort()).close()));
                List<PingPong.Outcome> ended = new ArrayList<>();
                for (Future<PingPong.Outcome> outcome : outcomes) {
                    ended.add(outcome.get(30, TimeUnit.SECONDS));
                }
                assertThat(ended).as("ping-pong clients").allSatisfy(outcome -> {
                    assertThat(outcome.problem()).as("client %d", outcome.client()).isNull();
                    assertThat(outcome.echoes()).isPositive();
                });

                midFrame.send("the rest\r\n");
                assertThat(new String(midFrame.readUntilClosed(), StandardCharsets.US_ASCII))
                        .as("frame in progress at SIGTERM, finished after it").isEqualTo("half of a frame, the rest\r\n");
            }
            assertThat(app.awaitExit(DRAIN_TIMEOUT.plusSeconds(10))).as("exit code; log:%n%s", app.log()).isZero();
            assertThat(app.log()).contains("Draining " + (CLIENTS + 1) + " connection(s)")
                    .as("a frame read during the drain whose connection was closed under it")
                    .doesNotContain("Connection not found when processing reply");
        }
    }

    /** One connection: send a frame, read its echo, again, until the server closes the connection. */
    private static final class PingPong implements Callable<PingPong.Outcome> {

        record Outcome(int client, long echoes, String problem) {
        }

        private static final int MAX_FRAMES = 10_000_000;

        private final int id;

        private final EchoSocket socket;

        private final AtomicBoolean signalled;

        private final AtomicLong echoes = new AtomicLong();

        PingPong(int id, EchoSocket socket, AtomicBoolean signalled) {
            this.id = id;
            this.socket = socket;
            this.signalled = signalled;
        }

        long echoes() {
            return this.echoes.get();
        }

        @Override
        public Outcome call() throws IOException {
            try (this.socket) {
                for (int i = 0; i < MAX_FRAMES; i++) {
                    byte[] frame = ("client " + this.id + " frame " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    try {
                        this.socket.send(frame);
                    }
                    catch (IOException ex) {
                        return outcome(this.signalled.get() ? null : "write failed before SIGTERM: " + ex);
                    }
                    // On loopback the frame is in the server's receive buffer once the write returns.
                    boolean completeBeforeSignal = !this.signalled.get();
                    byte[] echo;
                    try {
                        echo = this.socket.read(frame.length);
                    }
                    catch (SocketException ex) {
                        return outcome("connection reset (frame " + i + ", "
                                + (completeBeforeSignal ? "complete before" : "sent after") + " SIGTERM): " + ex);
                    }
                    catch (IOException ex) {
                        // closed by the server: fine only for a frame sent after the signal
                        return outcome(completeBeforeSignal ? "frame " + i + " complete before SIGTERM, no echo: " + ex
                                : null);
                    }
                    if (!Arrays.equals(echo, frame)) {
                        return outcome("wrong echo of frame " + i + ": " + new String(echo, StandardCharsets.US_ASCII));
                    }
                    this.echoes.incrementAndGet();
                }
                return outcome("never closed by the server");
            }
        }

        private Outcome outcome(String problem) {
            return new Outcome(this.id, this.echoes.get(), problem);
        }
    }
}
