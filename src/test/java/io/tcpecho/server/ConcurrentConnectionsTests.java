package io.tcpecho.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.tcpecho.support.Concurrently;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once, each served on its own; none waits for another. */
class ConcurrentConnectionsTests {

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp();

    @Test
    void echoesEveryMessageOfManyConcurrentConnectionsExactly() throws Exception {
        int connections = 100;
        int messages = 100;
        List<Integer> echoed = Concurrently.run(connections, Duration.ofSeconds(60), client -> {
            try (EchoSocket socket = EchoSocket.connect(server.tcpPort())) {
                return converse(socket, "client-" + client, messages);
            }
        });
        assertThat(echoed).hasSize(connections).containsOnly(messages);
    }

    @Test
    void slowClientInTheMiddleOfAFrameDoesNotDelayOthers() throws Exception {
        try (EchoSocket slow = EchoSocket.connect(server.tcpPort())) {
            slow.send("half-a-fr");
            // the others finish while the slow client still owes the rest of its frame
            List<Integer> echoed = Concurrently.run(20, Duration.ofSeconds(5), client -> {
                try (EchoSocket socket = EchoSocket.connect(server.tcpPort())) {
                    return converse(socket, "quick-" + client, 20);
                }
            });
            assertThat(echoed).containsOnly(20);
            slow.send("ame\r\n");
            assertThat(slow.readText(14)).isEqualTo("half-a-frame\r\n");
        }
    }

    /** Sends {@code count} distinct frames one after another; returns how many echoed exactly. */
    private static int converse(EchoSocket socket, String name, int count) throws IOException {
        int exact = 0;
        for (int i = 0; i < count; i++) {
            String frame = name + "-message-" + i + "\r\n";
            socket.send(frame);
            if (socket.readText(frame.length()).equals(frame)) {
                exact++;
            }
        }
        return exact;
    }
}
