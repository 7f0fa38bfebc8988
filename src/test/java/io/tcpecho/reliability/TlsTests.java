package io.tcpecho.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.tcpecho.client.EchoClient;
import io.tcpecho.client.EchoClientConfiguration;
import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the echo port from a Spring Boot SSL bundle ({@code echo.tcp.ssl.bundle}), with a key
 * store this test makes with keytool: the project's client and a plain JSSE client both verify
 * the server's name, frames are cut at TLS record boundaries as freely as at TCP segments, and a
 * renewed certificate is served without a restart. A handshake that fails however it fails (an
 * alert, a reset, a close, plain text) counts as {@code tls-handshake}; a connection that leaves
 * before its first byte, as a load balancer's TCP health check does, is a client's close.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsTests {

    @TempDir
    static Path keys;

    private static TestCertificates certificates;

    private static ObservedServer server;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(keys.resolve("first"), "tcp-echo test");
        String[] properties = tlsServer(certificates);
        server = ObservedServer.start(properties);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void echoesOverTlsToAClientThatVerifiesTheServerName() throws Exception {
        byte[] frames = "hello over TLS\r\nand a second frame\r\n".getBytes(StandardCharsets.US_ASCII);
        ObservedServer.Meters before = server.snapshot();
        try (SSLSocket client = connect(TestCertificates.trusting(certificates), server.port())) {
            client.getOutputStream().write(frames);
            assertThat(client.getInputStream().readNBytes(frames.length)).isEqualTo(frames);
            assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(certificates.certificate());
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                "echo.messages=2");
    }

    @Test
    void appliesTheBundleProtocolOptions() throws Exception {
        String[] properties = tlsServer(certificates, "spring.ssl.bundle.jks.server.options.enabled-protocols=TLSv1.2");
        try (ObservedServer tls12 = ObservedServer.start(properties);
                SSLSocket client = connect(TestCertificates.trusting(certificates), tls12.port())) {
            assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    /** Options the JDK cannot apply stop start-up, instead of failing every connection after it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ciphers=TLS_NO_SUCH_CIPHER", "enabled-protocols=TLSv9"})
    void failsStartupWhenTheBundleOptionsAreNotSupported(String option) {
        String[] properties = tlsServer(certificates, "spring.ssl.bundle.jks.server.options." + option);
        assertThatException().isThrownBy(() -> ObservedServer.start(properties).close())
                .withStackTraceContaining("SSL bundle 'server' (echo.tcp.ssl.bundle): options not supported")
                .withStackTraceContaining(option.substring(option.indexOf('=') + 1));
    }

    @Test
    void projectClientEchoesOverTlsWithItsSslBundle() {
        try (ConfigurableApplicationContext client = new SpringApplicationBuilder(EchoClientConfiguration.class)
                .web(WebApplicationType.NONE)
                .run("--spring.main.banner-mode=off", "--echo.client.host=localhost",
                        "--echo.client.port=" + server.port(), "--echo.client.ssl-bundle=trust",
                        "--" + certificates.pemTrustBundle("trust"))) {
            byte[] echo = client.getBean(EchoClient.class).echo("hello from the project's client".getBytes());
            assertThat(new String(echo, StandardCharsets.UTF_8)).isEqualTo("hello from the project's client");
        }
    }

    @Test
    void projectClientRefusesACertificateIssuedForAnotherHostAndSaysWhy() throws Exception {
        TestCertificates elsewhere = TestCertificates.create(keys.resolve("elsewhere"), "elsewhere",
                "dns:elsewhere.example");
        String[] properties = tlsServer(elsewhere);
        try (ObservedServer misnamed = ObservedServer.start(properties);
                ConfigurableApplicationContext client = new SpringApplicationBuilder(EchoClientConfiguration.class)
                        .web(WebApplicationType.NONE)
                        .run("--spring.main.banner-mode=off", "--echo.client.host=localhost",
                                "--echo.client.port=" + misnamed.port(), "--echo.client.ssl-bundle=trust",
                                "--" + elsewhere.pemTrustBundle("trust"))) {
            ObservedServer.Meters before = misnamed.snapshot();
            // The handshake runs on the caller's thread, so the caller gets the reason, not a closed socket.
            assertThatExceptionOfType(RuntimeException.class)
                    .isThrownBy(() -> client.getBean(EchoClient.class).echo("hello".getBytes()))
                    .havingRootCause()
                    .isInstanceOf(CertificateException.class)
                    .withMessageContaining("No subject alternative DNS name matching localhost");
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                    "echo.errors{reason=tls-handshake}=1");
        }
    }

    @Test
    void refusesAClientThatDoesNotTrustTheServer() throws Exception {
        TestCertificates stranger = TestCertificates.create(keys.resolve("stranger"), "someone else");
        ObservedServer.Meters before = server.snapshot();
        assertThatExceptionOfType(SSLHandshakeException.class)
                .isThrownBy(() -> connect(TestCertificates.trusting(stranger), server.port()).close());
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                "echo.errors{reason=tls-handshake}=1");
    }

    @Test
    void closesAPlainTextClientWithoutEchoingIt() throws Exception {
        ObservedServer.ThreadCount threads = server.threads();
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket plain = server.connect()) {
            plain.send("hello in plain text\r\n");
            Wire.Ending ending = Wire.readToEnd(plain.socket());
            assertThat(new String(ending.received(), StandardCharsets.ISO_8859_1)).doesNotContain("hello");
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                "echo.errors{reason=tls-handshake}=1");
        server.assertNoLeaks(threads);
    }

    /**
     * A client that rejects the server's certificate may reset the connection instead of sending
     * its alert; the server is then in the middle of the handshake, waiting for the client's
     * Finished, and reads a reset. That is a failed handshake, not a client's clean close.
     */
    @Test
    void countsAResetInTheMiddleOfTheHandshakeAsAFailedHandshake(CapturedOutput output) throws Exception {
        ObservedServer.Meters before = server.snapshot();
        try (Socket client = plainConnect(server.port())) {
            client.getOutputStream().write(clientHello());
            assertThat(client.getInputStream().read()).as("first byte of the server's reply: a TLS handshake record")
                    .isEqualTo(22);
            client.setSoLinger(true, 0);
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                "echo.errors{reason=tls-handshake}=1");
        assertThat(output.getOut()).contains("TLS handshake failed: java.net.SocketException: Connection reset");
    }

    /** OpenSSL rejects a certificate with a plaintext alert, which JSSE wraps in "Unexpected exception". */
    @Test
    void namesTheAlertOfAClientThatRejectsTheCertificate(CapturedOutput output) throws Exception {
        ObservedServer.Meters before = server.snapshot();
        try (Socket client = plainConnect(server.port())) {
            client.getOutputStream().write(clientHello());
            assertThat(client.getInputStream().read()).as("first byte of the server's reply").isEqualTo(22);
            // a fatal unknown_ca (48) alert record, unencrypted, as openssl s_client sends it
            client.getOutputStream().write(new byte[] {21, 3, 3, 0, 2, 2, 48});
            Wire.readToEnd(client);
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                "echo.errors{reason=tls-handshake}=1");
        assertThat(output.getOut()).contains("TLS handshake failed: ").contains("Alert: unknown_ca");
    }

    /**
     * A load balancer's TCP health check connects and leaves, with a FIN or a reset, before any TLS:
     * a client's close, not a failed handshake that an alert on errors would page someone for.
     */
    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void countsAConnectionThatLeavesBeforeSendingAnythingAsAClientClose(boolean reset, CapturedOutput output)
            throws Exception {
        ObservedServer.Meters before = server.snapshot();
        try (Socket probe = plainConnect(server.port())) {
            // accepted before it leaves, as a health check's connection is
            await().atMost(ObservedServer.WAIT).until(() -> server.active() == 1);
            if (reset) {
                probe.setSoLinger(true, 0);
            }
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1");
        assertThat(output.getOut()).doesNotContain("TLS handshake failed");
    }

    @Test
    void countsAClientThatLeavesInTheMiddleOfItsHelloAsAFailedHandshake(CapturedOutput output) throws Exception {
        ObservedServer.Meters before = server.snapshot();
        try (Socket client = plainConnect(server.port())) {
            byte[] hello = clientHello();
            client.getOutputStream().write(hello, 0, hello.length / 2);
        }
        before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=error}=1",
                "echo.errors{reason=tls-handshake}=1");
        assertThat(output.getOut()).contains("TLS handshake failed: javax.net.ssl.SSLHandshakeException");
    }

    /** A handshake that never starts, or stalls, holds its slot no longer than any silent connection. */
    @Test
    void idleTimeoutEndsAnUnfinishedHandshake() throws Exception {
        String[] properties = tlsServer(certificates, "echo.tcp.idle-timeout=500ms");
        try (ObservedServer bounded = ObservedServer.start(properties)) {
            ObservedServer.Meters before = bounded.snapshot();
            try (Socket silent = plainConnect(bounded.port()); Socket stalled = plainConnect(bounded.port())) {
                stalled.getOutputStream().write(clientHello(), 0, 40);
                long start = System.nanoTime();
                for (Socket client : List.of(silent, stalled)) {
                    byte[] received = Wire.readToEnd(client).received();
                    // JSSE may say goodbye with alert records (user_canceled, close_notify): content type 21
                    assertThat(received.length == 0 || received[0] == 21)
                            .as("only TLS alerts from the server: %s", Arrays.toString(received)).isTrue();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
            }
            before.awaitChanges("echo.connections.opened=2", "echo.connections.closed{reason=idle}=2");
        }
    }

    /**
     * After the handshake the idle timeout ends a quiet connection's input, as a drain does, instead
     * of timing its reads: over TLS too it closes as idle, after its echoes, with close_notify, and
     * a frame left half-sent counts no error.
     */
    @Test
    void idleTimeoutEndsQuietTlsConnectionsAfterTheirEchoes() throws Exception {
        String[] properties = tlsServer(certificates, "echo.tcp.idle-timeout=500ms");
        try (ObservedServer bounded = ObservedServer.start(properties)) {
            SSLContext trust = TestCertificates.trusting(certificates);
            ObservedServer.Meters before = bounded.snapshot();
            try (SSLSocket quiet = connect(trust, bounded.port()); SSLSocket midFrame = connect(trust, bounded.port())) {
                quiet.getOutputStream().write("quiet\r\n".getBytes(StandardCharsets.US_ASCII));
                midFrame.getOutputStream().write("first\r\nhalf ".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                for (SSLSocket client : List.of(quiet, midFrame)) {
                    assertThat(client.getInputStream().readNBytes(7)).asString().isIn("quiet\r\n", "first\r\n");
                    assertThat(client.getInputStream().read()).as("closed with close_notify").isEqualTo(-1);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
            }
            before.awaitChanges("echo.connections.opened=2", "echo.connections.closed{reason=idle}=2",
                    "echo.messages=2");
        }
    }

    /**
     * A slowloris beneath TLS: after an echo, the client sends the first bytes of a record's header
     * and nothing more. The server's JSSE waits inside its read for the rest of the record, which the
     * idle timeout ends like any quiet read: closed as idle, no error counted.
     */
    @Test
    void idleTimeoutEndsATlsConnectionStalledInTheMiddleOfARecord() throws Exception {
        String[] properties = tlsServer(certificates, "echo.tcp.idle-timeout=500ms");
        try (ObservedServer bounded = ObservedServer.start(properties)) {
            ObservedServer.Meters before = bounded.snapshot();
            try (Socket plain = plainConnect(bounded.port());
                    SSLSocket tls = (SSLSocket) TestCertificates.trusting(certificates).getSocketFactory()
                            .createSocket(plain, "127.0.0.1", bounded.port(), false)) {
                tls.getOutputStream().write("echoed\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(tls.getInputStream().readNBytes(8)).asString().isEqualTo("echoed\r\n");
                // application_data, TLS 1.2 on the wire: three of the header's five bytes
                plain.getOutputStream().write(new byte[] {23, 3, 3});
                long start = System.nanoTime();
                byte[] received = Wire.readToEnd(plain).received();
                // at most its close_notify, encrypted under TLS 1.3: one record of an alert's size
                assertThat(received.length).as("bytes after the stall").isLessThan(64);
                assertThat(received.length == 0 || received[0] == 21 || received[0] == 23)
                        .as("a TLS record: %s", Arrays.toString(received)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
            }
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=idle}=1",
                    "echo.messages=1");
        }
    }

    /** A TLS client that sends and never reads is closed like a plain one: JSSE's close must not wait on the blocked write. */
    @Test
    void idleTimeoutEndsATlsConnectionThatNeverReadsItsEchoes() throws Exception {
        String[] properties = tlsServer(certificates, "echo.tcp.idle-timeout=500ms");
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(1000, 'x'));
        try (ObservedServer bounded = ObservedServer.start(properties)) {
            ObservedServer.Meters before = bounded.snapshot();
            try (SSLSocket client = connect(TestCertificates.trusting(certificates), bounded.port())) {
                // JSSE's close waits for the writer's lock unless SO_LINGER bounds the wait
                client.setSoLinger(true, 0);
                Thread writer = Wire.floodWithoutReading(client, frame);
                assertThat(writer.join(Duration.ofSeconds(10))).as("writer stopped by the server's close").isTrue();
            }
            before.awaitChangesBesides("echo.messages", "echo.connections.opened=1",
                    "echo.connections.closed{reason=idle}=1");
        }
    }

    /**
     * A client that stops reading, then resets while the server is blocked writing its echoes: over
     * TLS as in plain text, the client ended the connection, and the echoes it threw away count as
     * a write error. (JSSE passes the reset from its record write through as a {@code SocketException},
     * which is what tells a client's reset from other write failures.)
     */
    @Test
    void countsAResetWhileEchoesAreWrittenAsAClientCloseAndAWriteError(CapturedOutput output) throws Exception {
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(1000, 'x'));
        ObservedServer.Meters before = server.snapshot();
        try (SSLSocket client = connect(TestCertificates.trusting(certificates), server.port())) {
            server.resetWhileEchoesAreWritten(client, frame);
        }
        ObservedServer.awaitResetWhileEchoesAreWrittenCounted(before, output);
    }

    /** The drain's forced close at its timeout must not wait on a write blocked by a client that does not read. */
    @Test
    void drainTimeoutClosesATlsConnectionThatNeverReadsItsEchoes() throws Exception {
        String[] properties = tlsServer(certificates, "echo.tcp.shutdown.drain-timeout=500ms");
        byte[] frame = Wire.frame(Framing.CRLF, Wire.filled(1000, 'x'));
        ObservedServer closing = ObservedServer.start(properties);
        try (SSLSocket client = connect(TestCertificates.trusting(certificates), closing.port())) {
            client.setSoLinger(true, 0);
            Wire.floodWithoutReading(client, frame);
            closing.awaitEchoesStalled();
            // on a virtual thread, so a hung close cannot keep the test JVM alive
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                closing.close();
                stopped.complete(null);
            });
            stopped.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Properties of a TLS server with the key store of {@code keys} as bundle "server", and {@code more}. */
    static String[] tlsServer(TestCertificates keys, String... more) {
        return keys.tlsServer(more);
    }

    private static Socket plainConnect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) EchoSocket.TIMEOUT.toMillis());
        socket.setSoTimeout((int) EchoSocket.TIMEOUT.toMillis());
        return socket;
    }

    /** The first flight of a TLS client, made by JSSE, to send from a plain socket. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = TestCertificates.trusting(certificates).createSSLEngine("localhost", 0);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        byte[] bytes = new byte[hello.remaining()];
        hello.get(bytes);
        return bytes;
    }

    static List<Long> seeds() {
        return LongStream.rangeClosed(1, 20).boxed().toList();
    }

    /** Each write is a TLS record: frames split at random points across records, and records holding many frames. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void echoesRandomFramesSplitAcrossTlsRecordsExactly(long seed) throws Exception {
        RandomFrames input = RandomFrames.generate(Framing.CRLF, seed, 64 * 1024);
        try (SSLSocket client = connect(TestCertificates.trusting(certificates), server.port());
                ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<byte[]> echo = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.getInputStream().readNBytes(input.wire().length);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }, reader);
            input.send(client.getOutputStream());
            byte[] echoed = echo.get(EchoSocket.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            assertThat(input.firstDifference(echoed)).as("first byte of the echo that differs; %s", input.describe())
                    .isEqualTo(-1);
        }
    }

    @Test
    void drainsTlsConnectionsOnShutdown() throws Exception {
        String[] properties = tlsServer(certificates);
        ObservedServer closing = ObservedServer.start(properties);
        SSLContext trust = TestCertificates.trusting(certificates);
        ObservedServer.Meters before = closing.snapshot();
        try (SSLSocket idle = connect(trust, closing.port()); SSLSocket midFrame = connect(trust, closing.port())) {
            idle.getOutputStream().write("idle\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(idle.getInputStream().readNBytes(6)).asString().isEqualTo("idle\r\n");
            midFrame.getOutputStream().write("first\r\nhalf ".getBytes(StandardCharsets.US_ASCII));
            assertThat(midFrame.getInputStream().readNBytes(7)).asString().isEqualTo("first\r\n");

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(closing::close);
            assertThat(idle.getInputStream().read()).as("idle connection closed with close_notify").isEqualTo(-1);
            midFrame.getOutputStream().write("and the rest\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(midFrame.getInputStream().readAllBytes()).asString().isEqualTo("half and the rest\r\n");
            stopped.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            before.awaitChanges("echo.connections.opened=2", "echo.connections.closed{reason=shutdown}=2",
                    "echo.messages=3");
        }
        finally {
            closing.close();
        }
    }

    @Test
    void servesARenewedCertificateWithoutRestart() throws Exception {
        Path live = keys.resolve("live");
        TestCertificates first = TestCertificates.create(keys.resolve("renewal-1"), "first");
        TestCertificates renewed = TestCertificates.create(keys.resolve("renewal-2"), "renewed");
        Files.createDirectories(live);
        Files.copy(first.certificatePem(), live.resolve("tls.crt"));
        Files.copy(first.privateKeyPem(), live.resolve("tls.key"));
        String bundle = "spring.ssl.bundle.pem.live.";
        ObservedServer renewing = ObservedServer.start("echo.tcp.ssl.bundle=live",
                bundle + "keystore.certificate=file:" + live.resolve("tls.crt"),
                bundle + "keystore.private-key=file:" + live.resolve("tls.key"), bundle + "reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=200ms");
        SSLContext trustBoth = TestCertificates.trusting(first, renewed);
        try (SSLSocket before = connect(trustBoth, renewing.port())) {
            assertThat(peer(before)).isEqualTo(first.certificate());

            // what a Secret update does: the files are replaced under the mount
            Path staging = Files.createDirectories(keys.resolve("staging"));
            Files.copy(renewed.certificatePem(), staging.resolve("tls.crt"));
            Files.copy(renewed.privateKeyPem(), staging.resolve("tls.key"));
            Files.move(staging.resolve("tls.key"), live.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging.resolve("tls.crt"), live.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);

            await("renewed certificate served").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        try (SSLSocket after = connect(trustBoth, renewing.port())) {
                            assertThat(peer(after)).isEqualTo(renewed.certificate());
                        }
                    });
            before.getOutputStream().write("still fine\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(before.getInputStream().readNBytes(12)).as("a connection from before the renewal")
                    .asString().isEqualTo("still fine\r\n");
        }
        finally {
            renewing.close();
        }
    }

    private static X509Certificate peer(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /**
     * {@code GracefulShutdownTests}' busy drain over TLS: every complete frame the server decrypted
     * is echoed. Before the drain ended input instead of closing sockets, 4 of 5 repetitions lost
     * one or two frames.
     */
    @RepeatedTest(5)
    void echoesEveryFrameItReadWhileDrainingBusyTlsConnections() throws Exception {
        String[] properties = tlsServer(certificates);
        ObservedServer closing = ObservedServer.start(properties);
        SSLContext trust = TestCertificates.trusting(certificates);
        BusyDrain.drainWhileBusy(closing, 50, () -> connect(trust, closing.port()));
    }

    /** A JSSE client that checks the certificate names 127.0.0.1, as a browser checks a host name. */
    static SSLSocket connect(SSLContext context, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) EchoSocket.TIMEOUT.toMillis());
            socket.setSoTimeout((int) EchoSocket.TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        }
        catch (IOException ex) {
            socket.close();
            throw ex;
        }
    }
}
