package io.tcpecho.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.FramedSocket;
import io.tcpecho.support.RunningServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code echo.tcp.max-message-size} of 16 bytes: a longer frame costs its own connection and no other. */
@ExtendWith(OutputCaptureExtension.class)
class OversizeFrameTests {

    private static final int LIMIT = 16;

    private static final RunningServers servers = new RunningServers();

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Test
    void closesConnectionOnOversizedFrameAndLogsOneWarningWithoutPayload(CapturedOutput output) throws IOException {
        int port = server(Framing.CRLF);
        String secret = "CANARY-" + UUID.randomUUID();
        int mark = output.getAll().length();
        try (EchoSocket bystander = EchoSocket.connect(port); EchoSocket offender = EchoSocket.connect(port)) {
            assertEchoes(bystander, "before\r\n");
            offender.send(secret + "\r\n");
            assertThat(offender.isClosedByServer()).isTrue();
            String remote = "127.0.0.1:" + offender.socket().getLocalPort();
            await("oversize warning").atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(linesNaming(output, mark, remote)).hasSize(1));
            assertThat(linesNaming(output, mark, remote).getFirst())
                    .contains(" WARN ", "max-message-size", LIMIT + " bytes");
            assertThat(warningsAndErrors(output, mark)).hasSize(1);
            assertThat(output.getAll()).doesNotContain(secret.substring(7));
            assertEchoes(bystander, "after\r\n");
        }
    }

    @Test
    void keepsEchoingOnOtherConnectionsAfterOneIsClosedForOversize() throws IOException {
        int port = server(Framing.CRLF);
        try (EchoSocket first = EchoSocket.connect(port); EchoSocket second = EchoSocket.connect(port);
                EchoSocket offender = EchoSocket.connect(port)) {
            assertEchoes(first, "one\r\n");
            assertEchoes(second, "two\r\n");
            offender.send("x".repeat(LIMIT + 1) + "\r\n");
            assertThat(offender.isClosedByServer()).isTrue();
            assertEchoes(first, "one-again\r\n");
            assertEchoes(second, "two-again\r\n");
        }
        try (EchoSocket later = EchoSocket.connect(port)) {
            assertEchoes(later, "new-connection\r\n");
        }
    }

    @Test
    void echoesFramePipelinedBeforeOversizedFrameThenCloses() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(server(Framing.CRLF))) {
            socket.send("fits\r\n" + "y".repeat(LIMIT + 1) + "\r\n");
            assertThat(new String(socket.readUntilClosed())).isEqualTo("fits\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX", "LENGTH_HEADER_4"})
    void echoesFrameOfExactlyMaxMessageSize(Framing framing) throws IOException {
        byte[] payload = "0123456789abcdef".getBytes();
        assertThat(payload).hasSize(LIMIT);
        try (FramedSocket socket = FramedSocket.connect(server(framing), framing)) {
            socket.send(payload);
            assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX", "LENGTH_HEADER_4"})
    void closesConnectionOnFrameOneByteOverMaxMessageSize(Framing framing) throws IOException {
        try (FramedSocket socket = FramedSocket.connect(server(framing), framing)) {
            socket.send("0123456789abcdefg".getBytes());
            assertThat(socket.socket().isClosedByServer()).isTrue();
        }
    }

    @Test
    void echoesFrameOfExactlyMaxMessageSizeArrivingByteByByte() throws IOException {
        byte[] wire = "0123456789abcdef\r\n".getBytes();
        try (EchoSocket socket = EchoSocket.connect(server(Framing.CRLF))) {
            for (byte b : wire) {
                socket.send(new byte[] {b});
            }
            assertThat(socket.read(wire.length)).isEqualTo(wire);
        }
    }

    private static int server(Framing framing) {
        return servers.get("echo.tcp.framing=" + framing.configName(), "echo.tcp.max-message-size=" + LIMIT + "B")
                .tcpPort();
    }

    private static void assertEchoes(EchoSocket socket, String frame) throws IOException {
        socket.send(frame);
        assertThat(socket.readText(frame.length())).isEqualTo(frame);
    }

    /** Lines logged since {@code mark} that name {@code remote}. */
    private static List<String> linesNaming(CapturedOutput output, int mark, String remote) {
        return output.getAll().substring(mark).lines().filter(line -> line.contains(remote)).toList();
    }

    private static List<String> warningsAndErrors(CapturedOutput output, int mark) {
        return output.getAll().substring(mark).lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .toList();
    }
}
