package io.tcpecho.reliability;

import java.util.Arrays;
import java.util.HexFormat;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile length headers on {@code length-header-4}, max-message-size 1 KB. The header is read
 * unsigned and checked before any payload buffer is allocated, so announcing 4 GB costs nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class LengthHeaderInputTests {

    private static final int MAX = 1024;

    private static final byte[] BYSTANDER = Wire.frame(Framing.LENGTH_HEADER_4, Wire.ascii("still here"));

    private static ObservedServer server;

    @BeforeAll
    static void start() {
        server = ObservedServer.start("echo.tcp.framing=length-header-4", "echo.tcp.max-message-size=" + MAX + "B");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** 0xFFFFFFFF is 4 GB unsigned (not -1); 0x80000000 is 2 GB, negative if read signed; MAX + 1 is just over. */
    @ParameterizedTest(name = "header {0}")
    @ValueSource(strings = {"FFFFFFFF", "80000000", "7FFFFFFF", "00000401"})
    void closesConnectionOnOversizedLengthHeaderBeforeReadingPayload(String header, CapturedOutput output)
            throws Exception {
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send(Wire.concat(HexFormat.of().parseHex(header), new byte[16]));
                assertThat(Wire.readToEnd(client.socket()).received()).isEmpty();
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=oversize}=1",
                    "echo.errors{reason=oversize}=1");
        });
        await().atMost(ObservedServer.WAIT)
                .until(() -> output.getOut().contains(": frame exceeds max-message-size of " + MAX + " bytes"));
    }

    @Test
    void echoesFrameOfExactlyMaxMessageSize() throws Exception {
        byte[] frame = Wire.frame(Framing.LENGTH_HEADER_4, Wire.filled(MAX, 'x'));
        server.echoesAndCloses(BYSTANDER, frame, 1);
    }

    @Test
    void echoesEveryByteValueUnchanged() throws Exception {
        byte[] frame = Wire.frame(Framing.LENGTH_HEADER_4, Wire.concat(Wire.everyByteValue(), Wire.invalidUtf8()));
        server.echoesAndCloses(BYSTANDER, frame, 1);
    }

    @Test
    void echoesEmptyFrames() throws Exception {
        server.echoesAndCloses(BYSTANDER, new byte[12], 3);
    }

    /** Cut short in the header or in the payload: both are a partial frame. */
    @ParameterizedTest(name = "{0} bytes of a 4-byte header and 10-byte payload")
    @ValueSource(ints = {2, 4, 9})
    void countsPartialFrameWhenClientClosesMidFrame(int sent) throws Exception {
        byte[] frame = Wire.frame(Framing.LENGTH_HEADER_4, Wire.ascii("0123456789"));
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send(Arrays.copyOf(frame, sent));
                client.socket().shutdownOutput();
                assertThat(Wire.readToEnd(client.socket()).received()).isEmpty();
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.errors{reason=partial-frame}=1");
        });
    }
}
