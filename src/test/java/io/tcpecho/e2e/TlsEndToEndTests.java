package io.tcpecho.e2e;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.tcpecho.reliability.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS as an operator sets it up: the jar started with an SSL bundle on the command line (a
 * keystore made by keytool), and the jar's own {@code client} and {@code bench} commands given a
 * trust bundle through system properties, as the chart's {@code helm test} pod does through the
 * environment.
 */
class TlsEndToEndTests {

    @TempDir
    static Path work;

    private static TestCertificates certificates;

    private static EchoProcess app;

    @BeforeAll
    static void startWithTls() throws Exception {
        certificates = TestCertificates.create(work.resolve("tls"), "tcp-echo e2e");
        app = EchoProcess.start(work, Arrays.stream(certificates.tlsServer()).map(property -> "--" + property)
                .toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void clientCommandEchoesOverTlsAndFailsWithoutItOrWithTheWrongTrust() throws Exception {
        assertThat(app.log()).contains(", TLS)");
        String port = String.valueOf(app.tcpPort());

        EchoProcess.Result tls = EchoProcess.command(work, List.of("-D" + certificates.pemTrustBundle("trust")),
                "client", "--host", "localhost", "--port", port, "--ssl-bundle", "trust", "hello over TLS");
        assertThat(tls.exitCode()).as(tls.output()).isZero();
        assertThat(tls.output()).contains("hello over TLS");

        EchoProcess.Result plain = EchoProcess.command(work, List.of(), "client", "--host", "localhost",
                "--port", port, "--timeout", "2s", "hello in plain text");
        assertThat(plain.exitCode()).as(plain.output()).isNotZero();
        assertThat(plain.output()).doesNotContain("\nhello in plain text");

        TestCertificates stranger = TestCertificates.create(work.resolve("stranger"), "someone else");
        EchoProcess.Result untrusted = EchoProcess.command(work,
                List.of("-D" + stranger.pemTrustBundle("trust")), "client", "--host", "localhost", "--port", port,
                "--ssl-bundle", "trust", "hello");
        assertThat(untrusted.exitCode()).as(untrusted.output()).isEqualTo(3);
        assertThat(untrusted.output()).contains("TLS handshake with localhost:" + port + " failed: ");
    }

    @Test
    void benchChurnsAndHoldsTlsConnectionsAndRefusesACertificateItDoesNotTrust() throws Exception {
        String port = String.valueOf(app.tcpPort());
        EchoProcess.Result churn = EchoProcess.command(work, List.of("-D" + certificates.pemTrustBundle("trust")),
                "bench", "--host", "localhost", "--port", port, "--ssl-bundle", "trust", "--mode", "churn",
                "--connections", "4", "--duration", "1s", "--warmup", "0s");
        assertThat(churn.exitCode()).as(churn.output()).isZero();
        assertThat(churn.output()).containsPattern("mode=churn cycles=[1-9][0-9]* .* errors=0");

        // the hold waits in a timed TLS read; JSSE must leave the connection usable when that read times out
        EchoProcess.Result hold = EchoProcess.command(work, List.of("-D" + certificates.pemTrustBundle("trust")),
                "bench", "--host", "localhost", "--port", port, "--ssl-bundle", "trust", "--mode", "hold",
                "--connections", "20", "--duration", "1s");
        assertThat(hold.exitCode()).as(hold.output()).isZero();
        assertThat(hold.output()).contains("held=20 dropped=0 still_echoing=20");

        TestCertificates stranger = TestCertificates.create(work.resolve("stranger-bench"), "someone else");
        EchoProcess.Result untrusted = EchoProcess.command(work, List.of("-D" + stranger.pemTrustBundle("trust")),
                "bench", "--host", "localhost", "--port", port, "--ssl-bundle", "trust", "--duration", "1s");
        assertThat(untrusted.exitCode()).as(untrusted.output()).isEqualTo(3);
        assertThat(untrusted.output()).contains("tcp-echo bench: TLS handshake with localhost:" + port + " failed: ");
    }
}
