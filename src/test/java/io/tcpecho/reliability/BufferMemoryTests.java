package io.tcpecho.reliability;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.Concurrently;
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
 * {@code echo.tcp.max-buffer-memory} bounds what all connections together hold in grown buffers
 * and in frames that span reads (README "DoS bounds"). Without it, 6,000 connections that each
 * sent most of a 64 KB frame, or 2,500 pipelining 64 KB each, ran a 256 MB heap out of memory
 * ({@code src/bench/memory.sh}). Here the budget is 256 KB, so a few connections reach it.
 */
@ExtendWith(OutputCaptureExtension.class)
class BufferMemoryTests {

    private static final int BUDGET = 256 * 1024;

    private static final int FRAME = 60_000;

    private static final int CONNECTIONS = 10;

    private static final byte[] BYSTANDER = Wire.ascii("still here\r\n");

    private static ObservedServer crlf;

    private static ObservedServer lengthHeader;

    @BeforeAll
    static void start() {
        crlf = ObservedServer.start("echo.tcp.max-buffer-memory=" + BUDGET + "B");
        lengthHeader = ObservedServer.start("echo.tcp.max-buffer-memory=" + BUDGET + "B",
                "echo.tcp.framing=length-header-4");
    }

    @AfterAll
    static void stop() {
        crlf.close();
        lengthHeader.close();
    }

    @Test
    void unfinishedFramesPastTheBudgetCloseTheirConnectionsWhileTheOthersFinishAndEchoExactly(CapturedOutput output)
            throws Exception {
        byte[] payload = Wire.filled(FRAME, 'x');
        crlf.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = crlf.snapshot();
            List<EchoSocket> clients = new ArrayList<>();
            int echoed = 0;
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    EchoSocket client = crlf.connect();
                    clients.add(client);
                    double used = crlf.bufferMemoryUsed();
                    long refusedSoFar = errors(before);
                    client.send(payload);
                    // One at a time: the server holds this frame (the meter grows by half of it at least)
                    // or has refused it before the next connection sends.
                    await().atMost(ObservedServer.WAIT).until(() -> crlf.bufferMemoryUsed() >= used + FRAME / 2
                            || errors(before) > refusedSoFar);
                    assertThat(crlf.bufferMemoryUsed()).as("buffer memory in use").isLessThanOrEqualTo(BUDGET);
                }
                // Those the budget held finish their frame and get it back byte for byte; the others
                // were closed, which the meters below must account for one by one.
                byte[] expected = Wire.concat(payload, Wire.ascii("\r\n"));
                for (EchoSocket client : clients) {
                    if (echoesOrWasClosed(client, expected)) {
                        echoed++;
                    }
                }
            }
            finally {
                for (EchoSocket client : clients) {
                    client.close();
                }
            }
            assertThat(echoed).as("connections whose frame the budget held").isBetween(2, BUDGET / FRAME);
            int refused = CONNECTIONS - echoed;
            before.awaitChanges("echo.connections.opened=" + CONNECTIONS, "echo.messages=" + echoed,
                    "echo.connections.closed{reason=client}=" + echoed,
                    "echo.connections.closed{reason=error}=" + refused, "echo.errors{reason=buffer-memory}=" + refused);
        });
        await().atMost(ObservedServer.WAIT).until(() -> crlf.bufferMemoryUsed() == 0);
        assertThat(output.getOut()).contains(": frame does not fit in max-buffer-memory of " + BUDGET
                + " bytes, which frames and buffers of all connections fill");
    }

    @Test
    void lengthHeadersAloneReserveNoMoreThanTheBudget() throws Exception {
        byte[] payload = new byte[FRAME];
        new Random(7).nextBytes(payload);
        byte[] frame = Wire.frame(Framing.LENGTH_HEADER_4, payload);
        byte[] header = Arrays.copyOf(frame, 4);
        byte[] bystander = Wire.frame(Framing.LENGTH_HEADER_4, Wire.ascii("still here"));
        lengthHeader.beside(bystander, () -> {
            ObservedServer.Meters before = lengthHeader.snapshot();
            List<EchoSocket> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    EchoSocket client = lengthHeader.connect();
                    double used = lengthHeader.bufferMemoryUsed();
                    client.send(header);
                    int refusedSoFar = i - waiting.size();
                    await().atMost(ObservedServer.WAIT).until(() -> lengthHeader.bufferMemoryUsed() >= used + FRAME
                            || errors(before) > refusedSoFar);
                    if (errors(before) > refusedSoFar) {
                        assertThat(client.isClosedByServer()).as("refused connection closed").isTrue();
                        client.close();
                    }
                    else {
                        waiting.add(client);
                    }
                }
                // Four payloads of 60,000 bytes fit in 256 KB, the fifth does not: nothing else holds memory.
                assertThat(waiting).hasSize(BUDGET / FRAME);
                for (EchoSocket client : waiting) {
                    assertThat(client.send(payload).read(frame.length)).isEqualTo(frame);
                }
            }
            finally {
                for (EchoSocket client : waiting) {
                    client.close();
                }
            }
            int refused = CONNECTIONS - BUDGET / FRAME;
            before.awaitChanges("echo.connections.opened=" + CONNECTIONS, "echo.messages=" + BUDGET / FRAME,
                    "echo.connections.closed{reason=client}=" + BUDGET / FRAME,
                    "echo.connections.closed{reason=error}=" + refused, "echo.errors{reason=buffer-memory}=" + refused);
        });
        await().atMost(ObservedServer.WAIT).until(() -> lengthHeader.bufferMemoryUsed() == 0);
    }

    /**
     * Twenty connections with 64 KB of 1 KB frames in flight each, five times the budget: buffers
     * that may not grow read and write in smaller pieces, and every byte still comes back.
     */
    @Test
    void pipelinedLoadBeyondTheBudgetEchoesEveryByteWithSmallerBuffers() throws Exception {
        int connections = 20;
        int frames = 64;
        crlf.beside(BYSTANDER, () -> {
            ObservedServer.Meters before = crlf.snapshot();
            List<byte[]> echoes = Concurrently.run(connections, ObservedServer.WAIT, i -> {
                try (EchoSocket client = crlf.connect()) {
                    return client.send(Wire.lines(i, frames)).read(frames * 1024);
                }
            });
            for (int i = 0; i < connections; i++) {
                assertThat(echoes.get(i)).as("echoes of connection %d", i).isEqualTo(Wire.lines(i, frames));
            }
            assertThat(crlf.bufferMemoryUsed()).isLessThanOrEqualTo(BUDGET);
            before.awaitChanges("echo.connections.opened=" + connections, "echo.messages=" + connections * frames,
                    "echo.connections.closed{reason=client}=" + connections);
        });
        await().atMost(ObservedServer.WAIT).until(() -> crlf.bufferMemoryUsed() == 0);
    }

    /**
     * Ends the frame {@code client} began: true when its echo comes back whole, false when the
     * server had closed the connection. A connection left open without its echo fails the test.
     */
    private static boolean echoesOrWasClosed(EchoSocket client, byte[] expected) throws IOException {
        byte[] echo;
        try {
            echo = client.send("\r\n").read(expected.length);
        }
        catch (SocketTimeoutException stillOpen) {
            throw stillOpen;
        }
        catch (IOException closed) {
            return false;
        }
        assertThat(echo).isEqualTo(expected);
        return true;
    }

    /** How many connections were refused for buffer memory since {@code before}. */
    private static long errors(ObservedServer.Meters before) {
        String prefix = "echo.errors{reason=buffer-memory}=";
        return before.changes().stream().filter(change -> change.startsWith(prefix))
                .mapToLong(change -> Long.parseLong(change.substring(prefix.length()))).sum();
    }
}
