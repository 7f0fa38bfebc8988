package io.tcpecho.server;

import java.io.IOException;
import java.time.Duration;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code echo.tcp.max-connections} of 3: the fourth is turned away, the three carry on. */
class MaxConnectionsTests {

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp("echo.tcp.max-connections=3");

    @Test
    void closesConnectionBeyondLimitAtOnceAndAdmitsAnotherWhenOneCloses() throws IOException {
        int port = server.tcpPort();
        try (EchoSocket first = EchoSocket.connect(port); EchoSocket second = EchoSocket.connect(port);
                EchoSocket third = EchoSocket.connect(port)) {
            assertEchoes(first, "first\r\n");
            assertEchoes(second, "second\r\n");
            assertEchoes(third, "third\r\n");

            try (EchoSocket fourth = EchoSocket.connect(port)) {
                fourth.socket().setSoTimeout(2000);
                assertThat(fourth.isClosedByServer()).as("closed by the server within 2 s").isTrue();
            }
            assertEchoes(first, "first-again\r\n");
            assertEchoes(second, "second-again\r\n");
            assertEchoes(third, "third-again\r\n");

            first.close();
            await("a new connection admitted").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                        try (EchoSocket next = EchoSocket.connect(port)) {
                            assertEchoes(next, "next\r\n");
                        }
                    });
            assertEchoes(second, "second-still\r\n");
        }
    }

    private static void assertEchoes(EchoSocket socket, String frame) throws IOException {
        socket.send(frame);
        assertThat(socket.readText(frame.length())).isEqualTo(frame);
    }
}
