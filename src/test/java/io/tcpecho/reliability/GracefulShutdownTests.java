package io.tcpecho.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What closing the context (Spring Boot's SIGTERM hook) does to the echo port, in-process so each
 * step can be watched: readiness first, then the listener, then the connections as they reach a
 * frame boundary, and the drain timeout for those that never do. The signal itself and the exit
 * code are covered against the packaged jar in {@code e2e.GracefulShutdownEndToEndTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownTests {

    @Test
    void refusesNewConnectsClosesIdleConnectionsAndLetsAFrameInProgressFinish() throws Exception {
        ObservedServer server = ObservedServer.start("echo.tcp.shutdown.drain-timeout=15s");
        ApplicationAvailability availability = server.running().context().getBean(ApplicationAvailability.class);
        // Taken before anything happens: an echo can reach the client a moment before it is counted.
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket idle = server.connect(); EchoSocket midFrame = server.connect()) {
            assertThat(idle.send("before\r\n").readText(8)).isEqualTo("before\r\n");
            // One write: once its first frame is echoed, the server has read the half frame too.
            assertThat(midFrame.send("before\r\nhalf a frame, ").readText(8)).isEqualTo("before\r\n");
            int port = server.port();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

            await("readiness refusing traffic").atMost(ObservedServer.WAIT)
                    .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
            await("listener closed").atMost(ObservedServer.WAIT).untilAsserted(() -> assertThatExceptionOfType(
                    ConnectException.class).isThrownBy(() -> EchoSocket.connect(port).close()));
            assertThat(idle.readUntilClosed()).as("idle connection: closed at once, with a FIN, nothing more").isEmpty();
            assertThat(closing).as("drain waits for the frame in progress").isNotDone();

            midFrame.send("the other half\r\n");
            assertThat(new String(midFrame.readUntilClosed(), StandardCharsets.UTF_8))
                    .isEqualTo("half a frame, the other half\r\n");
            closing.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            before.awaitChanges("echo.connections.opened=2", "echo.connections.closed{reason=shutdown}=2",
                    "echo.messages=3");
        }
    }

    @Test
    void closesAConnectionStuckInTheMiddleOfAFrameAtTheDrainTimeout() throws Exception {
        Duration drainTimeout = Duration.ofSeconds(2);
        ObservedServer server = ObservedServer.start("echo.tcp.shutdown.drain-timeout=" + drainTimeout.toMillis() + "ms");
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket stuck = server.connect()) {
            assertThat(stuck.send("x\r\na frame that never ends").readText(3)).isEqualTo("x\r\n");
            long start = System.nanoTime();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            assertThat(stuck.readUntilClosed()).isEmpty();
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            closing.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(open).as("kept open for the drain timeout, not longer")
                    .isBetween(drainTimeout.minusMillis(200), drainTimeout.plusSeconds(3));
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=shutdown}=1",
                    "echo.messages=1");
        }
    }

    /**
     * Frames already in the server's receive buffer when the drain starts were fully received
     * before the signal: each is echoed, and the connection closes only after the last one.
     * 16-byte frames line up with the read buffer's power-of-two sizes, so the reader reaches a
     * frame boundary exactly where its buffer runs dry while more frames wait in the socket.
     */
    @Test
    void echoesEveryFrameReceivedBeforeTheDrainStarted() throws Exception {
        ObservedServer server = ObservedServer.start("echo.tcp.shutdown.drain-timeout=15s");
        int frames = 4000;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            sent.writeBytes(String.format("frame %08d\r\n", i).getBytes(StandardCharsets.US_ASCII));
        }
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket client = server.connect()) {
            // connect() returns once the kernel has completed the handshake; the drain is about a
            // connection the server has accepted, so wait for that (CI once drained before it had).
            await("connection accepted").atMost(ObservedServer.WAIT).until(() -> server.active() == 1);
            // Read concurrently so the server never blocks writing echoes.
            CompletableFuture<byte[]> echoes = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.readUntilClosed();
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            // On loopback a write returns once the bytes are in the server's receive buffer.
            client.send(sent.toByteArray());
            server.close();

            byte[] echoed = echoes.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(echoed.length / 16).as("frames echoed of those sent before the shutdown began")
                    .isEqualTo(frames);
            assertThat(echoed).isEqualTo(sent.toByteArray());
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=shutdown}=1",
                    "echo.messages=" + frames);
        }
    }

    /**
     * A connection the kernel completed just before the drain, still in the listener's accept
     * queue, sent its frame already: it was fully received, so it gets its echo and a FIN, not the
     * reset Linux gives a queue whose listener closes. Hundreds of connects in a burst, each
     * sending at once, with the drain starting right after the last, leave some in the queue.
     */
    @Test
    void echoesConnectionsStillInTheAcceptQueueWhenTheDrainStarts() throws Exception {
        ObservedServer server = ObservedServer.start("echo.tcp.shutdown.drain-timeout=15s");
        int connections = 400;
        List<EchoSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(server.connect().send(String.format("conn %04d\r\n", i)));
            }
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

            List<String> answers = new ArrayList<>();
            for (EchoSocket client : clients) {
                try {
                    answers.add(new String(client.readUntilClosed(), StandardCharsets.US_ASCII));
                }
                catch (SocketException reset) {
                    answers.add(reset.getMessage());
                }
            }
            closing.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < connections; i++) {
                assertThat(answers.get(i)).as("connection %d", i).isEqualTo(String.format("conn %04d\r\n", i));
            }
        }
        finally {
            for (EchoSocket client : clients) {
                client.close();
            }
        }
    }

    /**
     * The drain closes a connection found waiting between frames. A frame whose bytes the reader
     * takes from the socket at that very moment was fully received and must still be echoed:
     * every complete frame the server read is written back ({@code echo.bytes.received} equals
     * {@code echo.bytes.sent}), and no connection in the drain ends with an error. Fifty clients
     * in tight ping-pong, drained five times, reach that moment often.
     */
    @RepeatedTest(5)
    void echoesEveryFrameItReadWhileDrainingBusyConnections(CapturedOutput output) throws Exception {
        ObservedServer server = ObservedServer.start("echo.tcp.shutdown.drain-timeout=15s");
        BusyDrain.drainWhileBusy(server, 50, () -> server.connect().socket());
        assertThat(output.getOut()).doesNotContain("Connection not found");
    }
}
