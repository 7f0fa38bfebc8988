package io.tcpecho.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tcpecho.framing.BufferMemory;
import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A closed connection leaves the connection factory when it closes ({@link EchoServerConnectionFactory}),
 * not at the next accept after a walk over every connection the factory holds.
 */
class ClosedConnectionsTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void connectionsTheClientClosesLeaveTheFactoryWithoutAnotherAccept() throws IOException {
        try (RunningServer server = RunningServer.start()) {
            EchoServerConnectionFactory factory = server.context().getBean(EchoServerConnectionFactory.class);
            List<EchoSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    EchoSocket client = EchoSocket.connect(server.tcpPort());
                    clients.add(client);
                    String frame = "hello " + i + "\r\n";
                    client.send(frame);
                    assertThat(client.readText(frame.length())).isEqualTo(frame);
                }
                assertThat(factory.tracked()).isEqualTo(50);
            }
            finally {
                for (EchoSocket client : clients) {
                    client.close();
                }
            }
            // Spring Integration's own factory would hold all 50 until the next connect.
            await("closed connections removed").atMost(WAIT).until(factory::tracked, tracked -> tracked == 0);

            try (EchoSocket next = EchoSocket.connect(server.tcpPort())) {
                next.send("still here\r\n");
                assertThat(next.readText(12)).isEqualTo("still here\r\n");
                assertThat(factory.tracked()).isEqualTo(1);
            }
        }
    }

    @Test
    void connectionsTurnedAwayAtMaxConnectionsAreNotKept() throws IOException {
        try (RunningServer server = RunningServer.start("echo.tcp.max-connections=2");
                EchoSocket first = EchoSocket.connect(server.tcpPort());
                EchoSocket second = EchoSocket.connect(server.tcpPort())) {
            EchoServerConnectionFactory factory = server.context().getBean(EchoServerConnectionFactory.class);
            first.send("one\r\n");
            assertThat(first.readText(5)).isEqualTo("one\r\n");
            second.send("two\r\n");
            assertThat(second.readText(5)).isEqualTo("two\r\n");
            for (int i = 0; i < 20; i++) {
                try (EchoSocket turnedAway = EchoSocket.connect(server.tcpPort())) {
                    assertThat(turnedAway.isClosedByServer()).isTrue();
                }
            }
            await("only the two admitted connections kept").atMost(WAIT).until(factory::tracked, tracked -> tracked == 2);
        }
    }

    /** The race {@link EchoServerConnectionFactory#addConnection} relies on: a hook given after the close still runs. */
    @Test
    void closeActionRunsOnceWhetherGivenBeforeOrAfterTheClose() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
                Socket accepted = listener.accept();
                Socket otherClient = new Socket(listener.getInetAddress(), listener.getLocalPort());
                Socket otherAccepted = listener.accept()) {
            AtomicInteger runs = new AtomicInteger();

            EchoConnection open = connection(accepted);
            open.whenClosed(runs::incrementAndGet);
            assertThat(runs).hasValue(0);
            open.close();
            assertThat(runs).hasValue(1);
            open.close();
            assertThat(runs).hasValue(1);

            EchoConnection closed = connection(otherAccepted);
            closed.close();
            closed.whenClosed(runs::incrementAndGet);
            assertThat(runs).hasValue(2);
        }
    }

    private static EchoConnection connection(Socket socket) throws IOException {
        ConnectionRegistry registry = new ConnectionRegistry(10);
        assertThat(registry.tryAdmit()).isTrue();
        ApplicationEventPublisher events = event -> {
        };
        return new EchoConnection(socket, null, true, registry, ConnectionObserver.NONE,
                new WarningLimit(10, Duration.ofSeconds(1)), Framing.CRLF, BufferMemory.unbounded(), 0, events, "test");
    }
}
