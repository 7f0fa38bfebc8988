package io.tcpecho.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.support.RunningServer;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code tcp-echo bench} in its three modes, against the real server and against a broken one. */
class BenchCommandTests {

    private static final Duration BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp();

    @Test
    @Timeout(30)
    void measuresThroughputAndLatencyWithoutErrors() {
        Run run = bench(server.tcpPort(), "--connections", "4", "--size", "32", "--depth", "4", "--duration", "1s",
                "--warmup", "0s");
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
        assertThat(run.fields()).containsKeys("msgs", "msgs_per_s", "p50_us", "p99_us", "p999_us", "errors");
        assertThat(run.fields().get("errors")).isEqualTo("0");
        assertThat(run.number("msgs")).isPositive();
        assertThat(run.number("msgs_per_s")).isPositive();
        assertPercentilesInOrder(run);
    }

    @Test
    @Timeout(30)
    void churnOpensEchoesAndClosesOneConnectionPerCycleClientFirst() {
        MeterRegistry meters = metersOnceIdle();
        double opened = counter(meters, "echo.connections.opened");
        double closedByClient = closed(meters, "client");
        Run run = bench(server.tcpPort(), "--mode", "churn", "--connections", "4", "--duration", "1s", "--warmup", "0s");
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
        assertThat(run.fields()).containsEntry("mode", "churn").containsEntry("errors", "0");
        double cycles = run.number("cycles");
        assertThat(cycles).isPositive();
        assertThat(run.number("cycles_per_s")).isEqualTo(cycles); // a one-second run
        assertPercentilesInOrder(run);
        // Each cycle was a connection of its own, and the client closed every one of them.
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(server.server().connections().active()).isZero();
            double connections = counter(meters, "echo.connections.opened") - opened;
            assertThat(connections).isGreaterThanOrEqualTo(cycles);
            assertThat(closed(meters, "client") - closedByClient).isEqualTo(connections);
        });
    }

    @Test
    @Timeout(60)
    void holdKeepsEveryConnectionOpenForTheDurationAndEchoesOnEachAgain() {
        MeterRegistry meters = metersOnceIdle();
        double opened = counter(meters, "echo.connections.opened");
        double messages = counter(meters, "echo.messages");
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(
                () -> bench(server.tcpPort(), "--mode", "hold", "--connections", "200", "--duration", "2s"));
        // all 200 open at once: the hold starts only after every first echo
        await().atMost(BOUND).until(() -> server.server().connections().active() == 200);
        Run run = running.join();
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
        assertThat(run.fields()).containsEntry("mode", "hold").containsEntry("connections", "200")
                .containsEntry("held", "200").containsEntry("dropped", "0").containsEntry("still_echoing", "200")
                .containsEntry("errors", "0");
        assertPercentilesInOrder(run);
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(counter(meters, "echo.connections.opened") - opened).isEqualTo(200);
            assertThat(counter(meters, "echo.messages") - messages).isEqualTo(400);
            assertThat(server.server().connections().active()).isZero();
        });
    }

    @Test
    @Timeout(60)
    void holdReportsEachConnectionThePathClosesDuringTheHoldAndWhen() {
        // An idle timeout shorter than the hold stands in for a load balancer or proxy that closes idle flows.
        try (RunningServer dropping = RunningServer.start("echo.tcp.idle-timeout=300ms")) {
            MeterRegistry meters = dropping.context().getBean(MeterRegistry.class);
            Run run = bench(dropping.tcpPort(), "--mode", "hold", "--connections", "20", "--duration", "5s");
            assertThat(run.status()).isEqualTo(ClientCommand.MISMATCH);
            assertThat(run.fields()).containsEntry("held", "20").containsEntry("dropped", "20")
                    .containsEntry("still_echoing", "0").containsEntry("errors", "20");
            Matcher first = Pattern.compile("20 errors, the first: during the hold: the server closed the connection "
                    + "(\\d+\\.\\d) s into the hold").matcher(run.err());
            assertThat(first.find()).as(run.err()).isTrue();
            // seen when the server closed it (300 to 338 ms after its last echo), not when the 5 s were over
            assertThat(Double.parseDouble(first.group(1))).isLessThan(4.0);
            await().atMost(BOUND).untilAsserted(() -> assertThat(closed(meters, "idle")).isEqualTo(20));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "churn", "hold"})
    @Timeout(30)
    void countsAndDescribesWrongEchoes(String mode) throws IOException {
        try (MisbehavingPeer peer = MisbehavingPeer.answering(String::toUpperCase)) {
            Run run = bench(peer.port(), "--mode", mode, "--connections", "3", "--size", "16", "--duration", "500ms");
            assertThat(run.status()).isEqualTo(ClientCommand.MISMATCH);
            assertThat(run.number("errors")).isGreaterThanOrEqualTo(3);
            assertThat(run.err()).containsPattern("errors, the first: (first echo: )?wrong echo: sent \"[a-z]+\\\\r\\\\n\", "
                    + "got \"[A-Z]+\\\\r\\\\n\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "churn", "hold"})
    @Timeout(30)
    void exitsUnreachableWhenNothingListens(String mode) throws IOException {
        int port;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closedAgain.getLocalPort();
        }
        Run run = bench(port, "--mode", mode, "--duration", "1s");
        assertThat(run.status()).isEqualTo(ClientCommand.UNREACHABLE);
        assertThat(run.err()).contains("cannot connect to 127.0.0.1:" + port);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void exitsUsageOnFramingItCannotGenerate() {
        Run run = bench(server.tcpPort(), "--framing", "length-header-2");
        assertThat(run.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(run.err()).contains("crlf, lf or raw");
    }

    @Test
    void exitsUsageOnSettingsTheClientPropertiesRefuse() {
        Run run = bench(70000, "--duration", "1s");
        assertThat(run.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(run.err()).contains("invalid settings").contains("echo.client.port");
    }

    @Test
    void exitsUsageOnOptionsTheModeWouldIgnore() {
        assertThat(bench(server.tcpPort(), "--mode", "churn", "--depth", "16").err())
                .contains("--depth applies to --mode echo only");
        assertThat(bench(server.tcpPort(), "--mode", "hold", "--warmup", "1s").err())
                .contains("--mode hold has no warmup");
        Run unknown = bench(server.tcpPort(), "--mode", "flood");
        assertThat(unknown.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(unknown.err()).contains("--mode must be echo, churn or hold, not flood");
    }

    private static void assertPercentilesInOrder(Run run) {
        double p50 = run.number("p50_us");
        assertThat(p50).isPositive().isLessThanOrEqualTo(run.number("p99_us"));
        assertThat(run.number("p99_us")).isLessThanOrEqualTo(run.number("p999_us"));
    }

    /** The shared server's meters, once earlier tests' connections have all closed: a baseline no close moves. */
    private static MeterRegistry metersOnceIdle() {
        await().atMost(BOUND).until(() -> server.server().connections().active() == 0);
        return server.context().getBean(MeterRegistry.class);
    }

    private static double counter(MeterRegistry meters, String name) {
        return meters.get(name).counter().count();
    }

    private static double closed(MeterRegistry meters, String reason) {
        return meters.get("echo.connections.closed").tag("reason", reason).counter().count();
    }

    private static Run bench(int port, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "--host";
        args[1] = "127.0.0.1";
        args[2] = "--port";
        args[3] = String.valueOf(port);
        System.arraycopy(options, 0, args, 4, options.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8));
    }

    /** One bench run: its exit status, its result line and what it said on stderr. */
    private record Run(int status, String out, String err) {

        Map<String, String> fields() {
            return Arrays.stream(this.out.split("\\s+"))
                    .map(field -> field.split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair.length > 1 ? pair[1] : ""));
        }

        double number(String field) {
            assertThat(fields()).as(this.out).containsKey(field);
            return Double.parseDouble(fields().get(field));
        }
    }
}
