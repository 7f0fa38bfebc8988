package io.tcpecho.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that opens bad connections as fast as it can sets the log volume only up to a limit: at
 * most ten WARN lines a second for each reason, the rest at DEBUG and counted in the next WARN, while
 * the metrics count every one and other reasons keep their own lines (README "DoS bounds").
 */
@ExtendWith(OutputCaptureExtension.class)
class WarningFloodTests {

    private static final int MAX = 1024;

    private static final int FLOOD = 100;

    private static final int PER_SECOND = 10;

    private static final String OVERSIZE = ": frame exceeds max-message-size of " + MAX + " bytes";

    private static final Pattern HELD_BACK = Pattern.compile(
            " \\((\\d+) more like this since the last such WARN went to DEBUG: at most 10 per 1 s\\)");

    private static final byte[] BYSTANDER = Wire.ascii("still here\r\n");

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
    void floodOfOversizedFramesLogsAtMostTenWarningsASecondAndCountsEveryConnection(CapturedOutput output)
            throws Exception {
        server.beside(BYSTANDER, () -> {
            awaitAnOversizeWarning(output);
            ObservedServer.Meters before = server.snapshot();
            int mark = output.getOut().length();
            long start = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                sendOversizedFrame();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
            before.awaitChanges("echo.connections.opened=" + FLOOD, "echo.connections.closed{reason=oversize}=" + FLOOD,
                    "echo.errors{reason=oversize}=" + FLOOD);
            assertThat(oversizeWarnings(output, mark)).as("WARNs over %d s of flood", seconds)
                    .hasSizeBetween(1, (int) (PER_SECOND * (seconds + 1)));

            // A WARN of another reason is not held back by the flood of oversize ones.
            try (EchoSocket client = server.connect()) {
                client.send("half a frame");
                client.socket().shutdownOutput();
                assertThat(Wire.readToEnd(client.socket()).received()).isEmpty();
            }
            assertThat(output.getOut().substring(mark)).contains(": Connection closed in the middle of a frame");

            // Once the second is over, the next oversize WARN says how many went to DEBUG: with the
            // lines logged, that accounts for every oversized frame.
            AtomicInteger more = new AtomicInteger();
            await("a WARN that counts the held-back ones").atMost(ObservedServer.WAIT).until(() -> {
                sendOversizedFrame();
                more.incrementAndGet();
                return HELD_BACK.matcher(output.getOut().substring(mark)).find();
            });
            List<String> warnings = oversizeWarnings(output, mark);
            long heldBack = warnings.stream().map(HELD_BACK::matcher).filter(Matcher::find)
                    .mapToLong(found -> Long.parseLong(found.group(1))).sum();
            assertThat(heldBack).as("held back").isPositive();
            assertThat(warnings.size() + heldBack).as("WARN lines %s", warnings).isEqualTo(FLOOD + more.get());
        });
    }

    @Test
    void withDebugOnEveryConnectionOverTheLimitIsLoggedAtDebug(CapturedOutput output) throws Exception {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("io.tcpecho.server.EchoConnection", LogLevel.DEBUG);
        try {
            int mark = output.getOut().length();
            List<String> remotes = new ArrayList<>();
            for (int i = 0; i < FLOOD / 2; i++) {
                remotes.add("127.0.0.1:" + sendOversizedFrame());
            }
            List<String> lines = output.getOut().substring(mark).lines().filter(line -> line.contains(OVERSIZE))
                    .toList();
            assertThat(remotes).allSatisfy(remote -> assertThat(lines)
                    .as("lines naming %s", remote).filteredOn(line -> line.contains(remote + ":")).hasSize(1));
            assertThat(lines).filteredOn(line -> line.contains(" DEBUG ")).isNotEmpty();
        }
        finally {
            logging.setLogLevel("io.tcpecho.server.EchoConnection", null);
        }
    }

    /**
     * Sends oversized frames until one is logged at WARN: that line carries any count held back
     * before it (by the other test), so the lines after it account for this test's frames alone.
     */
    private static void awaitAnOversizeWarning(CapturedOutput output) {
        await("a fresh oversize WARN").atMost(ObservedServer.WAIT).until(() -> {
            int mark = output.getOut().length();
            String remote = "127.0.0.1:" + sendOversizedFrame() + ":";
            return oversizeWarnings(output, mark).stream().anyMatch(line -> line.contains(remote));
        });
    }

    /** @return the client's port, which the server's lines name */
    private static int sendOversizedFrame() throws Exception {
        try (EchoSocket client = server.connect()) {
            client.send(new byte[MAX + 1]);
            Wire.readToEnd(client.socket());
            return client.socket().getLocalPort();
        }
    }

    private static List<String> oversizeWarnings(CapturedOutput output, int mark) {
        return output.getOut().substring(mark).lines()
                .filter(line -> line.contains(" WARN ") && line.contains(OVERSIZE))
                .toList();
    }
}
