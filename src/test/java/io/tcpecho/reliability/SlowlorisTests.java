package io.tcpecho.reliability;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code idle-timeout}, the DoS bound against connections that hold a slot and send nothing, or
 * stall in the middle of a frame (slowloris): both are closed once silent for the timeout. (Every
 * byte restarts it: a client trickling bytes faster than that keeps its slot until the frame
 * reaches max-message-size.)
 */
class SlowlorisTests {

    private static final Duration IDLE = Duration.ofMillis(700);

    private static ObservedServer server;

    @BeforeAll
    static void start() {
        server = ObservedServer.start("echo.tcp.idle-timeout=" + IDLE.toMillis() + "ms");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void closesAConnectionThatSendsNothing() throws Exception {
        assertClosedAsIdle(new byte[0], 0);
    }

    @Test
    void closesAConnectionStalledInTheMiddleOfAFrame() throws Exception {
        assertClosedAsIdle("complete\r\nand then half a fr".getBytes(StandardCharsets.US_ASCII), 1);
    }

    /**
     * The reverse: a client that sends and never reads. The server's echo write blocks, where no
     * read timeout can see it, and would hold the slot and the socket buffers for as long as the
     * client kept the connection open.
     */
    @Test
    void closesAConnectionThatNeverReadsItsEchoes() throws Exception {
        ObservedServer.ThreadCount threads = server.threads();
        ObservedServer.Meters before = server.snapshot();
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(1000, 'x'));
        try (Socket client = Wire.connectWithSmallReceiveBuffer(server.port())) {
            long start = System.nanoTime();
            // 64 MB and nothing read: more than the socket buffers between the two hold
            Thread writer = Wire.floodWithoutReading(client, frame);
            assertThat(writer.join(IDLE.plusSeconds(10))).as("writer stopped by the server's close").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE);
        }
        before.awaitChangesBesides("echo.messages", "echo.connections.opened=1",
                "echo.connections.closed{reason=idle}=1");
        server.assertNoLeaks(threads);
    }

    private static void assertClosedAsIdle(byte[] sent, int frames) throws Exception {
        // No bystander here: a quiet one would be closed as idle too.
        ObservedServer.ThreadCount threads = server.threads();
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket client = server.connect()) {
            long start = System.nanoTime();
            client.send(sent);
            Wire.Ending ending = Wire.readToEnd(client.socket());
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(ending.received()).hasSize(frames == 0 ? 0 : "complete\r\n".length());
            assertThat(open).isBetween(IDLE.minusMillis(100), IDLE.plusSeconds(5));
        }
        before.awaitChanges(frames == 0
                ? new String[] {"echo.connections.opened=1", "echo.connections.closed{reason=idle}=1"}
                : new String[] {"echo.connections.opened=1", "echo.connections.closed{reason=idle}=1",
                        "echo.messages=1"});
        server.assertNoLeaks(threads);
    }
}
