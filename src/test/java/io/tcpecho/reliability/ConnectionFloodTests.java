package io.tcpecho.reliability;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * 20,000 connects beyond max-connections: each is accepted and closed at once (counted as
 * rejected, never reaching the flow), the connections being served carry on, a handful of WARN
 * lines instead of 20,000, and a connection is admitted again as soon as one closes.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionFloodTests {

    private static final int MAX_CONNECTIONS = 16;

    private static final int FLOOD = 20_000;

    private static final int FLOODERS = 8;

    private static ObservedServer server;

    @BeforeAll
    static void start() {
        server = ObservedServer.start("echo.tcp.max-connections=" + MAX_CONNECTIONS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rejectsAFloodBeyondMaxConnectionsWhileServingThoseAdmitted(CapturedOutput output) throws Exception {
        byte[] frame = "held\r\n".getBytes(StandardCharsets.US_ASCII);
        List<EchoSocket> held = new ArrayList<>();
        ObservedServer.ThreadCount threads;
        ObservedServer.Meters before = server.snapshot();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                EchoSocket connection = server.connect();
                held.add(connection);
                assertThat(connection.send(frame).read(frame.length)).isEqualTo(frame);
            }
            threads = server.threads();
            long start = System.nanoTime();

            List<Integer> closedAtOnce = flood();

            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(closedAtOnce).as("rejected connects closed by the server, per flooder")
                    .allSatisfy(count -> assertThat(count).isEqualTo(FLOOD / FLOODERS));
            before.awaitChanges("echo.connections.opened=" + MAX_CONNECTIONS, "echo.messages=" + MAX_CONNECTIONS,
                    "echo.connections.rejected=" + FLOOD);
            assertThat(server.active()).isEqualTo(MAX_CONNECTIONS);
            for (EchoSocket connection : held) {
                assertThat(connection.send(frame).read(frame.length)).as("admitted connection still served")
                        .isEqualTo(frame);
            }
            // At most one WARN per 10 s of flood, not one per connect.
            Matcher warnings = Pattern.compile("Rejecting connections: max-connections of " + MAX_CONNECTIONS)
                    .matcher(output.getOut());
            long lines = warnings.results().count();
            assertThat(lines).isBetween(1L, seconds / 10 + 2);

            held.removeFirst().close();
            await("a slot is free").atMost(ObservedServer.WAIT).until(() -> server.active() == MAX_CONNECTIONS - 1);
            try (EchoSocket admitted = server.connect()) {
                assertThat(admitted.send(frame).read(frame.length)).as("admitted once a slot is free").isEqualTo(frame);
            }
        }
        finally {
            for (EchoSocket connection : held) {
                connection.close();
            }
        }
        server.assertNoLeaks(threads);
    }

    /** Each flooder connects, expects the server to end the connection unprompted, and closes its end. */
    private static List<Integer> flood() throws Exception {
        List<Future<Integer>> flooders = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(FLOODERS)) {
            for (int f = 0; f < FLOODERS; f++) {
                flooders.add(executor.submit(() -> {
                    int closedByServer = 0;
                    for (int i = 0; i < FLOOD / FLOODERS; i++) {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", server.port()),
                                    (int) EchoSocket.TIMEOUT.toMillis());
                            socket.setSoTimeout((int) EchoSocket.TIMEOUT.toMillis());
                            Wire.Ending ending = Wire.readToEnd(socket);
                            if (ending.received().length == 0) {
                                closedByServer++;
                            }
                        }
                    }
                    return closedByServer;
                }));
            }
        }
        List<Integer> counts = new ArrayList<>();
        for (Future<Integer> flooder : flooders) {
            counts.add(flooder.get());
        }
        return counts;
    }
}
