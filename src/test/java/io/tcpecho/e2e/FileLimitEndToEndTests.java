package io.tcpecho.e2e;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar at a file-descriptor limit of 256, below what its connections need. Accepting
 * fails with "Too many open files"; Spring Integration's accept loop would stop the listener and
 * close every connection. Here the listener pauses and goes on: connections already open keep
 * echoing, the connects past the limit wait in the backlog, and once a few connections close
 * they are accepted and echo what they sent while waiting. The start-up log said so in advance.
 */
class FileLimitEndToEndTests {

    private static final int FILES = 256;

    private static final Duration ECHO_WAIT = Duration.ofSeconds(2);

    private static final Pattern ACCEPT_ERRORS = Pattern.compile("echo_errors_total\\{[^}]*reason=\"accept\"[^}]*} (\\S+)");

    @TempDir
    Path work;

    @Test
    void listenerOutOfFileDescriptorsPausesAndServesWaitingConnectsOnceSomeClose() throws Exception {
        List<EchoSocket> open = new ArrayList<>();
        try (EchoProcess app = EchoProcess.startWithFileLimit(this.work, FILES)) {
            EchoSocket waiting = null;
            try {
                // Connect until one is not echoed: the server has no descriptor left to accept it with.
                while (waiting == null && open.size() < FILES) {
                    EchoSocket client = EchoSocket.connect(app.tcpPort());
                    String frame = "connection " + open.size() + "\r\n";
                    client.socket().setSoTimeout((int) ECHO_WAIT.toMillis());
                    try {
                        assertThat(client.send(frame).readText(frame.length())).isEqualTo(frame);
                        open.add(client);
                    }
                    catch (SocketTimeoutException ex) {
                        waiting = client;
                    }
                }
                assertThat(waiting).as("a connect past the file limit of %d", FILES).isNotNull();
                assertThat(app.isAlive()).isTrue();
                assertThat(app.log()).contains("Could not accept a connection (Too many open files); accepting again in")
                        .as("the start-up warning").contains("echo.tcp.max-connections of 20000 needs about 20100"
                                + " file descriptors (one a connection, about 100 for the JVM), more than this process's"
                                + " limit of 256");

                for (EchoSocket client : open.subList(0, 10)) {
                    client.close();
                }
                open.subList(0, 10).clear();
                EchoSocket late = waiting;
                late.socket().setSoTimeout((int) EchoSocket.TIMEOUT.toMillis());
                String frame = "connection " + (open.size() + 10) + "\r\n";
                assertThat(late.readText(frame.length())).as("the waiting connect's echo, once accepted").isEqualTo(frame);
                for (EchoSocket client : open) {
                    assertThat(client.send("still here\r\n").readText(12)).isEqualTo("still here\r\n");
                }
                // the Actuator's port, out of descriptors too until now, answers again
                assertThat(acceptErrors(app)).as("echo_errors_total{reason=accept}").isPositive();
                // and the listener takes new connects again
                await().atMost(EchoSocket.TIMEOUT).untilAsserted(() -> {
                    try (EchoSocket fresh = EchoSocket.connect(app.tcpPort())) {
                        assertThat(fresh.send("fresh\r\n").readText(7)).isEqualTo("fresh\r\n");
                    }
                });
            }
            finally {
                if (waiting != null) {
                    waiting.close();
                }
            }
        }
        finally {
            for (EchoSocket client : open) {
                client.close();
            }
        }
    }

    private static double acceptErrors(EchoProcess app) throws IOException, InterruptedException {
        Matcher matcher = ACCEPT_ERRORS.matcher(app.httpGet("/actuator/prometheus"));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
