package io.tcpecho.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.FramedSocket;
import io.tcpecho.support.RunningServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every framing, spoken by Spring Integration's own codec on the client side: what the server
 * echoes must decode as exactly the frames that were sent.
 */
class FramingRoundTripTests {

    private static final RunningServers servers = new RunningServers();

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void echoesTextFramesUnchanged(Framing framing) throws IOException {
        List<byte[]> payloads = List.of(utf8("hello"), utf8("héllo wörld ✓"), utf8("x".repeat(200)));
        try (FramedSocket socket = connect(framing)) {
            for (byte[] payload : payloads) {
                socket.send(payload);
                assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void echoesFramesPipelinedInOneWriteInOrder(Framing framing) throws IOException {
        byte[][] payloads = {utf8("first"), utf8("second"), utf8("third")};
        try (FramedSocket socket = connect(framing)) {
            socket.send(payloads);
            for (byte[] payload : payloads) {
                assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"RAW", "LENGTH_HEADER_1", "LENGTH_HEADER_2", "LENGTH_HEADER_4"})
    void echoesAll256ByteValuesUnchanged(Framing framing) throws IOException {
        byte[] ascending = new byte[256];
        byte[] descending = new byte[256];
        for (int i = 0; i < 256; i++) {
            ascending[i] = (byte) i;
            descending[i] = (byte) (255 - i);
        }
        // a one-byte header carries at most 255 bytes: there every value travels in two frames
        byte[][] frames = framing == Framing.LENGTH_HEADER_1
                ? new byte[][] {Arrays.copyOfRange(ascending, 0, 128),
                        Arrays.copyOfRange(ascending, 128, 256), Arrays.copyOf(descending, 255)}
                : new byte[][] {ascending, descending};
        try (FramedSocket socket = connect(framing)) {
            socket.send(frames);
            for (byte[] frame : frames) {
                assertThat(socket.receiveEchoOf(frame)).isEqualTo(frame);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CRLF", "LF", "STX_ETX", "NULL", "LENGTH_HEADER_4"})
    void echoesFrameOfDefaultMaxMessageSize(Framing framing) throws IOException {
        byte[] payload = new byte[64 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        try (FramedSocket socket = connect(framing)) {
            socket.send(payload, utf8("next"));
            assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
            assertThat(socket.receiveEchoOf(utf8("next"))).isEqualTo(utf8("next"));
        }
    }

    @Test
    void echoesRawBytesLongerThanOneRead() throws IOException {
        byte[] payload = new byte[256 * 1024];
        new SplittableRandom(7).nextBytes(payload);
        try (FramedSocket socket = connect(Framing.RAW)) {
            socket.send(payload);
            assertThat(socket.receiveEchoOf(payload)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(mode = EnumSource.Mode.EXCLUDE, names = "RAW")
    void echoesEmptyFrameAsEmptyFrame(Framing framing) throws IOException {
        byte[] empty = new byte[0];
        byte[] next = utf8("after-empty");
        try (FramedSocket socket = connect(framing)) {
            socket.send(empty, next);
            assertThat(socket.receiveEchoOf(empty)).isEmpty();
            // the stream is still in step: the frame after the empty one comes back whole
            assertThat(socket.receiveEchoOf(next)).isEqualTo(next);
        }
    }

    private static FramedSocket connect(Framing framing) throws IOException {
        return FramedSocket.connect(servers.get("echo.tcp.framing=" + framing.configName()).tcpPort(), framing);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
