package io.tcpecho.reliability;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients in tight ping-pong while the server drains: the moment a reader takes a frame from the
 * socket just as the drain finds its connection idle comes often. Afterwards every complete frame
 * the server read must have been echoed ({@code echo.bytes.received} equals {@code echo.bytes.sent}),
 * every connection closed as {@code shutdown} and none with an error.
 */
final class BusyDrain {

    @FunctionalInterface
    interface Connector {

        Socket connect() throws IOException;
    }

    private BusyDrain() {
    }

    static void drainWhileBusy(ObservedServer server, int clients, Connector connector) throws Exception {
        MeterRegistry meters = server.meters();
        List<Socket> sockets = new ArrayList<>();
        AtomicLong echoes = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Socket socket = connector.connect();
                sockets.add(socket);
                loops.add(threads.submit(() -> pingPongUntilClosed(socket, echoes)));
            }
            await("clients in ping-pong").atMost(ObservedServer.WAIT).until(() -> echoes.get() >= 40L * clients);
            server.close();
            for (Future<?> loop : loops) {
                loop.get(ObservedServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertThat(meters.get("echo.bytes.sent").counter().count()).as("bytes echoed of the complete frames read")
                .isEqualTo(meters.get("echo.bytes.received").counter().count());
        assertThat(meters.get("echo.connections.closed").tag("reason", "shutdown").counter().count())
                .isEqualTo(clients);
        assertThat(meters.get("echo.errors").counters()).allSatisfy(errors -> assertThat(errors.count()).isZero());
    }

    private static void pingPongUntilClosed(Socket socket, AtomicLong echoes) {
        byte[] frame = "ping pong frame\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            while (true) {
                socket.getOutputStream().write(frame);
                if (!Arrays.equals(socket.getInputStream().readNBytes(frame.length), frame)) {
                    return; // a short read: the drain closed the connection
                }
                echoes.incrementAndGet();
            }
        }
        catch (IOException closedByTheDrain) {
            // what the server did is checked on its meters
        }
    }
}
