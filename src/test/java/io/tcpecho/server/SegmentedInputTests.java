package io.tcpecho.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.FramedSocket;
import io.tcpecho.support.RunningServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TCP delivers a byte stream, not writes: frames arrive cut anywhere and glued together, and the
 * server's input buffer must put them back exactly.
 */
class SegmentedInputTests {

    private static final RunningServers servers = new RunningServers();

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX"})
    void echoesFrameSentOneByteAtATime(Framing framing) throws IOException {
        byte[] payload = "split into one segment per byte".getBytes();
        try (FramedSocket socket = connect(framing)) {
            // TCP_NODELAY (EchoSocket) and a flush per byte: each byte leaves in its own segment
            for (byte b : socket.encode(payload)) {
                socket.socket().send(new byte[] {b});
            }
            assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX"})
    void echoesSeveralFramesSentInOneWrite(Framing framing) throws IOException {
        byte[][] payloads = new byte[50][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = ("frame-" + i).getBytes();
        }
        try (FramedSocket socket = connect(framing)) {
            socket.send(payloads);
            for (byte[] payload : payloads) {
                assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX"})
    void echoesFramesCutAtEveryPossiblePoint(Framing framing) throws IOException {
        byte[][] payloads = {"alpha".getBytes(), "beta".getBytes(), "gamma".getBytes()};
        try (FramedSocket socket = connect(framing)) {
            byte[] wire = socket.encode(payloads);
            for (int cut = 1; cut < wire.length; cut++) {
                socket.socket().send(Arrays.copyOfRange(wire, 0, cut));
                socket.socket().send(Arrays.copyOfRange(wire, cut, wire.length));
                for (byte[] payload : payloads) {
                    assertThat(socket.receiveEchoOf(payload)).as("cut after byte %d", cut).isEqualTo(payload);
                }
            }
        }
    }

    @Test
    void echoesCrlfFrameSplitBetweenCrAndLf() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(servers.get().tcpPort())) {
            socket.send("abc\r");
            assertNothingEchoedFor(socket, Duration.ofMillis(200));
            socket.send("\n");
            assertThat(socket.readText(5)).isEqualTo("abc\r\n");
        }
    }

    @Test
    void keepsCrThatEndedOneSegmentWhenNoLfFollows() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(servers.get().tcpPort())) {
            socket.send("ab\r");
            assertNothingEchoedFor(socket, Duration.ofMillis(200));
            socket.send("c\r\n");
            assertThat(socket.readText(6)).isEqualTo("ab\rc\r\n");
        }
    }

    /** A partial frame is held, not echoed; the pause also lets the server read the part on its own. */
    private static void assertNothingEchoedFor(EchoSocket socket, Duration quiet) {
        await("no echo of a partial frame").during(quiet).atMost(quiet.plusSeconds(1))
                .until(() -> socket.socket().getInputStream().available() == 0);
    }

    private static FramedSocket connect(Framing framing) throws IOException {
        return FramedSocket.connect(servers.get("echo.tcp.framing=" + framing.configName()).tcpPort(), framing);
    }
}
