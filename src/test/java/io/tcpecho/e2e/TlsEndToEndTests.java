package io.tcpecho.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.tcpecho.reliability.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS as an operator sets it up: the jar started with an SSL bundle on the command line (a
 * keystore made by keytool), and the jar's own {@code client} command given a trust bundle through
 * system properties, as the chart's {@code helm test} pod does through the environment.
 */
class TlsEndToEndTests {

    @TempDir
    Path work;

    @Test
    void clientCommandEchoesOverTlsAndFailsWithoutItOrWithTheWrongTrust() throws Exception {
        TestCertificates certificates = TestCertificates.create(this.work.resolve("tls"), "tcp-echo e2e");
        List<String> server = new ArrayList<>(List.of("--echo.tcp.ssl.bundle=server"));
        for (String property : certificates.jksKeyStoreBundle("server")) {
            server.add("--" + property);
        }
        try (EchoProcess app = EchoProcess.start(this.work, server.toArray(String[]::new))) {
            assertThat(app.log()).contains(", TLS)");
            String port = String.valueOf(app.tcpPort());

            EchoProcess.Result tls = EchoProcess.command(this.work, List.of("-D" + certificates.pemTrustBundle("trust")),
                    "client", "--host", "localhost", "--port", port, "--ssl-bundle", "trust", "hello over TLS");
            assertThat(tls.exitCode()).as(tls.output()).isZero();
            assertThat(tls.output()).contains("hello over TLS");

            EchoProcess.Result plain = EchoProcess.command(this.work, List.of(), "client", "--host", "localhost",
                    "--port", port, "--timeout", "2s", "hello in plain text");
            assertThat(plain.exitCode()).as(plain.output()).isNotZero();
            assertThat(plain.output()).doesNotContain("\nhello in plain text");

            TestCertificates stranger = TestCertificates.create(this.work.resolve("stranger"), "someone else");
            EchoProcess.Result untrusted = EchoProcess.command(this.work,
                    List.of("-D" + stranger.pemTrustBundle("trust")), "client", "--host", "localhost", "--port", port,
                    "--ssl-bundle", "trust", "hello");
            assertThat(untrusted.exitCode()).as(untrusted.output()).isEqualTo(3);
            assertThat(untrusted.output()).contains("TLS handshake with localhost:" + port + " failed: ");
        }
    }
}
