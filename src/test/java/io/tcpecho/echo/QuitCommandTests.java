package io.tcpecho.echo;

import java.io.IOException;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The quit command (default {@code exit}, crlf framing): exact bytes end the session, nothing else does. */
class QuitCommandTests {

    private static final RunningServers servers = new RunningServers();

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Test
    void closesConnectionOnQuitCommandWithoutEchoingIt() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(defaultServerPort())) {
            socket.send("exit\r\n");
            assertThat(socket.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void echoesFramesPipelinedBeforeQuitCommandThenCloses() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(defaultServerPort())) {
            // one write: the server reads all four frames at once; frames after the quit are dropped
            socket.send("one\r\ntwo\r\nexit\r\nthree\r\n");
            assertThat(new String(socket.readUntilClosed())).isEqualTo("one\r\ntwo\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXIT", "Exit", "exit ", " exit", "exit\r", "exitexit"})
    void echoesFramesThatOnlyResembleQuitCommand(String frame) throws IOException {
        try (EchoSocket socket = EchoSocket.connect(defaultServerPort())) {
            String wire = frame + "\r\n";
            socket.send(wire);
            assertThat(socket.readText(wire.length())).isEqualTo(wire);
            socket.send("still-open\r\n");
            assertThat(socket.readText(12)).isEqualTo("still-open\r\n");
        }
    }

    @Test
    void echoesQuitCommandWhenSwitchedOff() throws IOException {
        int port = servers.get("echo.tcp.quit-command=").tcpPort();
        try (EchoSocket socket = EchoSocket.connect(port)) {
            socket.send("exit\r\n");
            assertThat(socket.readText(6)).isEqualTo("exit\r\n");
            socket.send("still-open\r\n");
            assertThat(socket.readText(12)).isEqualTo("still-open\r\n");
        }
    }

    private static int defaultServerPort() {
        return servers.get().tcpPort();
    }
}
