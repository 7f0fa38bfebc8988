package io.tcpecho.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection meters follow the connection factory's events: every open is matched by a close
 * with its reason, including connections the client resets, and the active gauge comes back to 0.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionMetricsTests {

    private static final Duration BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final SharedServer app = SharedServer.tcp("logging.level.io.tcpecho=DEBUG", "echo.tcp.max-message-size=32B");

    private static MeterRegistry meters;

    @BeforeAll
    static void findMeters() {
        meters = app.context().getBean(MeterRegistry.class);
    }

    @Test
    void activeConnectionsReturnToZeroAfterBurstOfAbruptDisconnects() throws IOException {
        double opened = counter("echo.connections.opened");
        double closedByClient = closed("client");
        List<EchoSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            EchoSocket socket = EchoSocket.connect(app.tcpPort());
            sockets.add(socket);
            assertThat(socket.send("ping-" + i + "\r\n").readText(("ping-" + i + "\r\n").length()))
                    .isEqualTo("ping-" + i + "\r\n");
        }
        await().atMost(BOUND).until(() -> app.server().connections().active() >= 50);
        for (EchoSocket socket : sockets) {
            socket.socket().setSoLinger(true, 0); // close sends RST: an abrupt disconnect
            socket.close();
        }
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(gauge("echo.connections.active")).isZero();
            assertThat(counter("echo.connections.opened") - opened).isEqualTo(50);
            assertThat(closed("client") - closedByClient).isEqualTo(50);
        });
    }

    @Test
    void countsMessagesBytesSizesAndDurations() throws IOException {
        double messages = counter("echo.messages");
        double received = counter("echo.bytes.received");
        double sent = counter("echo.bytes.sent");
        long sizes = meters.get("echo.message.size").summary().count();
        long durations = meters.get("echo.message.duration").timer().count();
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            socket.send("abc\r\nde\r\n");
            assertThat(socket.readText(9)).isEqualTo("abc\r\nde\r\n");
        }
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(counter("echo.messages") - messages).isEqualTo(2);
            assertThat(counter("echo.bytes.received") - received).isEqualTo(9);
            assertThat(counter("echo.bytes.sent") - sent).isEqualTo(9);
            assertThat(meters.get("echo.message.size").summary().count() - sizes).isEqualTo(2);
            assertThat(meters.get("echo.message.duration").timer().count() - durations).isEqualTo(2);
        });
    }

    @Test
    void closesAreCountedByReason() throws IOException {
        double quit = closed("quit");
        double oversize = closed("oversize");
        double oversizeErrors = meters.get("echo.errors").tag("reason", "oversize").counter().count();
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            socket.send("exit\r\n");
            assertThat(socket.isClosedByServer()).isTrue();
        }
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            socket.send("x".repeat(40) + "\r\n");
            assertThat(socket.isClosedByServer()).isTrue();
        }
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(closed("quit") - quit).isEqualTo(1);
            assertThat(closed("oversize") - oversize).isEqualTo(1);
            assertThat(meters.get("echo.errors").tag("reason", "oversize").counter().count() - oversizeErrors)
                    .isEqualTo(1);
        });
    }

    @Test
    void logsOneDebugLinePerConnectionOpenedAndClosed(CapturedOutput output) throws IOException {
        int port;
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            port = socket.socket().getLocalPort();
            socket.send("hi\r\n").read(4);
        }
        String remote = "127.0.0.1:" + port;
        await().atMost(BOUND).until(() -> output.getOut().contains("Connection closed from " + remote));
        assertThat(output.getOut().lines().filter(line -> line.contains("Connection opened from " + remote)))
                .singleElement().asString().contains("DEBUG");
        assertThat(output.getOut().lines().filter(line -> line.contains("Connection closed from " + remote)))
                .singleElement().asString().contains("DEBUG").contains("(client)");
    }

    private static double counter(String name) {
        return meters.get(name).counter().count();
    }

    private static double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private static double closed(String reason) {
        return meters.get("echo.connections.closed").tag("reason", reason).counter().count();
    }
}
