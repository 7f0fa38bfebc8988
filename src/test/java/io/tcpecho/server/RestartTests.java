package io.tcpecho.server;

import java.io.IOException;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart (a rolling deploy, a crash loop) binds the same port again at once. */
class RestartTests {

    @Test
    void restartsOnSamePortRightAfterStop() throws IOException {
        int port;
        try (RunningServer first = RunningServer.start("echo.tcp.bind-address=127.0.0.1")) {
            port = first.tcpPort();
            try (EchoSocket finished = EchoSocket.connect(port)) {
                assertEchoes(finished, "before-stop\r\n");
            }
            // open during the stop: the server closes it first, leaving its side in TIME_WAIT
            try (EchoSocket open = EchoSocket.connect(port)) {
                assertEchoes(open, "still-open\r\n");
                first.close();
                assertThat(open.isClosedByServer()).isTrue();
            }
        }
        try (RunningServer second = RunningServer.start("echo.tcp.bind-address=127.0.0.1", "echo.tcp.port=" + port)) {
            assertThat(second.tcpPort()).isEqualTo(port);
            try (EchoSocket socket = EchoSocket.connect(port)) {
                assertEchoes(socket, "after-restart\r\n");
            }
        }
    }

    private static void assertEchoes(EchoSocket socket, String frame) throws IOException {
        socket.send(frame);
        assertThat(socket.readText(frame.length())).isEqualTo(frame);
    }
}
