package io.tcpecho.reliability;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code stx-etx}: a frame must open with STX (0x02); anything else is a framing error. */
@ExtendWith(OutputCaptureExtension.class)
class StxEtxInputTests {

    private static final String MARKER = "PAYLOAD-MARKER-9c1e";

    private static final byte[] BYSTANDER = Wire.frame(Framing.STX_ETX, Wire.ascii("still here"));

    private static ObservedServer server;

    @BeforeAll
    static void start() {
        server = ObservedServer.start("echo.tcp.framing=stx-etx");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void closesConnectionOnFrameWithoutStxAfterEchoingTheFramesBeforeIt(CapturedOutput output) throws Exception {
        byte[] good = Wire.frame(Framing.STX_ETX, Wire.ascii("fine"));
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send(Wire.concat(good, Wire.ascii(MARKER + "\u0003")));
                Wire.Ending ending = Wire.readToEnd(client.socket());
                assertThat(ending.received()).isEqualTo(good);
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                    "echo.errors{reason=framing}=1", "echo.messages=1");
        });
        await().atMost(ObservedServer.WAIT)
                .until(() -> output.getOut().contains(": Frame does not start with STX (0x02)"));
        assertThat(output.getAll()).doesNotContain(MARKER);
    }

    @Test
    void echoesEmptyFramesAndEveryByteValueButEtx() throws Exception {
        byte[] payload = Wire.concat(Wire.everyByteValue(), Wire.invalidUtf8());
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0x03) {
                payload[i] = 0x02; // ETX ends the frame; STX inside a frame is payload
            }
        }
        byte[] frames = Wire.concat(Wire.frame(Framing.STX_ETX, new byte[0]), Wire.frame(Framing.STX_ETX, payload));
        server.echoesAndCloses(BYSTANDER, frames, 2);
    }
}
