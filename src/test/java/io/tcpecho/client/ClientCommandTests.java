package io.tcpecho.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcp-echo client}: its exit status says whether every echo came back right, and if not why. */
@ExtendWith(OutputCaptureExtension.class)
class ClientCommandTests {

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp();

    @Test
    void printsEachEchoAndExitsOkWhenEveryEchoMatches() {
        Run run = Run.client("--host", "127.0.0.1", "--port", port(server), "hello", "wörld ✓");
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
        assertThat(run.out().lines()).containsExactly("hello", "wörld ✓");
    }

    @Test
    void exitsUnreachableWhenConnectionIsRefused() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(closedPort), "hello");
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.UNREACHABLE);
        assertThat(run.err()).contains("cannot connect to 127.0.0.1:" + closedPort);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void exitsTimeoutWhenNoEchoComesInTime() throws IOException {
        try (MisbehavingPeer peer = MisbehavingPeer.silent()) {
            long start = System.nanoTime();
            Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--timeout", "500ms",
                    "hello");
            assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.TIMEOUT);
            assertThat(run.err()).contains("timed out");
            // the 500 ms reply timeout, not the 5 s default, ended the wait (context start-up included)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void exitsMismatchWhenPeerAnswersSomethingElse() throws IOException {
        try (MisbehavingPeer peer = MisbehavingPeer.answering(line -> line + "!")) {
            Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "hello");
            assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.MISMATCH);
            assertThat(run.err()).contains("mismatch");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void takesRawEchoThatArrivesInPiecesAsOneEcho(CapturedOutput output) throws IOException {
        // a proxy or a small MSS can split a raw echo; raw has no frame end, so the request's length is the end
        try (MisbehavingPeer peer = MisbehavingPeer.answeringRawInPieces(bytes -> bytes, 3, Duration.ofMillis(20))) {
            int mark = output.getAll().length();
            Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--framing", "raw",
                    "hello wörld", "again");
            assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
            assertThat(run.out().lines()).containsExactly("hello wörld", "again");
            // the interceptor publishes the connection's events like the connection itself: no warnings on the console
            assertThat(output.getAll().substring(mark).lines())
                    .noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR "));
        }
    }

    @Test
    void exitsTimeoutWhenRawEchoStopsShort() throws IOException {
        try (MisbehavingPeer peer = MisbehavingPeer.answeringRawInPieces(bytes -> Arrays.copyOf(bytes, 4), 2,
                Duration.ofMillis(20))) {
            Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--framing", "raw",
                    "--timeout", "500ms", "hello");
            assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.TIMEOUT);
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void exitsMismatchWhenRawEchoInPiecesDiffers() throws IOException {
        try (MisbehavingPeer peer = MisbehavingPeer.answeringRawInPieces(
                bytes -> new String(bytes, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8), 2,
                Duration.ofMillis(20))) {
            Run run = Run.client("--host", "127.0.0.1", "--port", String.valueOf(peer.port()), "--framing", "raw",
                    "hello");
            assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.MISMATCH);
            assertThat(run.err()).contains("sent 5 bytes, got 5 bytes");
        }
    }

    @Test
    void exitsUsageOnUnknownOption() {
        Run run = Run.client("--bogus", "1", "hello");
        assertThat(run.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(run.err()).contains("unknown option --bogus").contains("usage:");
    }

    @Test
    void exitsUsageOnOptionWithoutValue() {
        Run run = Run.client("--port");
        assertThat(run.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(run.err()).contains("--port needs a value");
    }

    @Test
    void exitsUsageOnInvalidTimeout() {
        Run run = Run.client("--host", "127.0.0.1", "--port", port(server), "--timeout", "soon", "hello");
        assertThat(run.status()).isEqualTo(ClientCommand.USAGE);
        assertThat(run.err()).contains("invalid settings");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void echoesEachLineInteractivelyUntilQ() {
        Run run = Run.client(new ByteArrayInputStream("hello\nq\n".getBytes(StandardCharsets.UTF_8)), "--host",
                "127.0.0.1", "--port", port(server));
        assertThat(run.status()).as(run.err()).isEqualTo(ClientCommand.OK);
        assertThat(run.out()).startsWith("Connected to 127.0.0.1:" + port(server));
        assertThat(run.out().lines()).contains("> hello");
    }

    private static String port(SharedServer server) {
        return String.valueOf(server.tcpPort());
    }

    /** One run of the command, with what it printed. */
    private record Run(int status, String out, String err) {

        static Run client(String... args) {
            return client(InputStream.nullInputStream(), args);
        }

        static Run client(InputStream stdin, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ClientCommand.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
