package io.tcpecho.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

/**
 * Broken and hostile input on the default framing (CRLF), max-message-size 1 KB. Each case has one
 * defined outcome (README "Bad input"), moves exactly the meters listed, leaves a bystander
 * connection echoing, logs no payload, and leaks no connection, thread or buffer.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTests {

    private static final int MAX = 1024;

    /** Sent inside hostile payloads; it must never reach the log at INFO. */
    private static final String MARKER = "PAYLOAD-MARKER-7f3a";

    private static final byte[] BYSTANDER = "still here\r\n".getBytes(StandardCharsets.US_ASCII);

    private static ObservedServer server;

    @BeforeAll
    static void start() {
        server = ObservedServer.start("echo.tcp.max-message-size=" + MAX + "B");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void closesConnectionOnOversizedFrameAfterEchoingTheFramesBeforeIt(CapturedOutput output) throws Exception {
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send(Wire.concat(Wire.ascii("before\r\n"), Wire.ascii(MARKER), new byte[MAX + 1]));
                Wire.Ending ending = Wire.readToEnd(client.socket());
                assertThat(new String(ending.received(), StandardCharsets.US_ASCII)).isEqualTo("before\r\n");
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=oversize}=1",
                    "echo.errors{reason=oversize}=1", "echo.messages=1");
        });
        await().atMost(ObservedServer.WAIT).until(() -> output.getOut()
                .contains(": frame exceeds max-message-size of " + MAX + " bytes"));
        assertThat(output.getAll()).doesNotContain(MARKER);
    }

    @Test
    void echoesFrameOfExactlyMaxMessageSize() throws Exception {
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(MAX, 'x'));
        server.echoesAndCloses(BYSTANDER, frame, 1);
    }

    @Test
    void echoesEveryByteValueAndInvalidUtf8Unchanged() throws Exception {
        // Every value once: 0x0D is followed by 0x0E, so the payload holds no CRLF of its own.
        byte[] frame = Wire.frame(Framing.CRLF, Wire.concat(Wire.everyByteValue(), Wire.invalidUtf8(),
                Wire.ascii("lone \r and lone \n stay payload")));
        server.echoesAndCloses(BYSTANDER, frame, 1);
    }

    /**
     * A client that stops reading, then resets while the server is blocked writing its echoes: the
     * client ended the connection, and the echoes it threw away count as a write error.
     */
    @Test
    void countsAResetWhileEchoesAreWrittenAsAClientCloseAndAWriteError(CapturedOutput output) throws Exception {
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(1000, 'x'));
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (Socket client = Wire.connectWithSmallReceiveBuffer(server.port())) {
                server.resetWhileEchoesAreWritten(client, frame);
            }
            ObservedServer.awaitResetWhileEchoesAreWrittenCounted(before, output);
        });
    }

    @Test
    void countsPartialFrameWhenClientClosesMidFrame(CapturedOutput output) throws Exception {
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send("half a frame " + MARKER);
                client.socket().shutdownOutput();
                assertThat(Wire.readToEnd(client.socket()).received()).isEmpty();
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.errors{reason=partial-frame}=1");
        });
        await().atMost(ObservedServer.WAIT)
                .until(() -> output.getOut().contains(": Connection closed in the middle of a frame"));
        assertThat(output.getAll()).doesNotContain(MARKER);
    }

    @Test
    void countsPartialFrameWhenClientResetsMidFrame() throws Exception {
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            EchoSocket client = server.connect();
            // One write: once its first frame is echoed, the server has read the half frame too.
            assertThat(client.send("x\r\nhalf a frame, then RST").readText(3)).isEqualTo("x\r\n");
            Wire.reset(client.socket());
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.errors{reason=partial-frame}=1", "echo.messages=1");
        });
    }

    @Test
    void deliversEveryEchoAfterHalfCloseThenCloses() throws Exception {
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                client.send("one\r\ntwo\r\nthree\r\n");
                client.socket().shutdownOutput();
                Wire.Ending ending = Wire.readToEnd(client.socket());
                assertThat(ending.reset()).as("closed with a FIN").isFalse();
                assertThat(new String(ending.received(), StandardCharsets.US_ASCII)).isEqualTo("one\r\ntwo\r\nthree\r\n");
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.messages=3");
        });
    }

    @Test
    void echoesFramesWrittenOneByteEvery10Milliseconds() throws Exception {
        byte[] stream = Wire.ascii("slow\r\nacross\r\r\nframe\nboundaries\r\n\r\n");
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
            try (EchoSocket client = server.connect()) {
                AtomicInteger next = new AtomicInteger();
                ScheduledFuture<?> writing = writer.scheduleAtFixedRate(() -> {
                    int i = next.getAndIncrement();
                    if (i < stream.length) {
                        send(client, new byte[] {stream[i]});
                    }
                }, 0, 10, TimeUnit.MILLISECONDS);
                try {
                    assertThat(client.read(stream.length)).isEqualTo(stream);
                }
                finally {
                    writing.cancel(false);
                }
            }
            finally {
                writer.shutdownNow();
                assertThat(writer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.messages=4");
        });
    }

    @Test
    void echoesEmptyFrames() throws Exception {
        server.echoesAndCloses(BYSTANDER, Wire.ascii("\r\n\r\n\r\n"), 3);
    }

    /** The quit rule: a frame equal to the quit command's bytes, nothing else; any other form is echoed. */
    @Test
    void quitsOnlyOnTheExactQuitWord() throws Exception {
        String[] echoed = {"EXIT", "Exit", "exit ", " exit", "exit\t", "exit\r", "exit\u0000", "exit exit", "exi"};
        server.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = server.snapshot();
            try (EchoSocket client = server.connect()) {
                for (String word : echoed) {
                    byte[] frame = Wire.frame(Framing.CRLF, word.getBytes(StandardCharsets.UTF_8));
                    assertThat(client.send(frame).read(frame.length)).as("echo of %s", word.replace("\r", "\\r"))
                            .isEqualTo(frame);
                }
                client.send("exit\r\n");
                Wire.Ending ending = Wire.readToEnd(client.socket());
                assertThat(ending.received()).as("no echo of the quit word").isEmpty();
                assertThat(ending.reset()).isFalse();
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=quit}=1",
                    "echo.messages=" + echoed.length);
        });
    }

    private static void send(EchoSocket client, byte[] bytes) {
        try {
            client.send(bytes);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
