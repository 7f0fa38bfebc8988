package io.tcpecho.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the shutdown drain closes the listening socket ({@link ServerSockets#closeListeners()}):
 * connections the kernel completed before the close are accepted, not reset. The accept loop
 * here stands in for Spring Integration's, which calls {@code accept()} until it throws.
 */
@ExtendWith(OutputCaptureExtension.class)
class ListenerCloseTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ServerSockets sockets = new ServerSockets(
            new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("echo.tcp", TcpServerProperties.class),
            new DefaultListableBeanFactory().getBeanProvider(SslBundles.class),
            new DefaultListableBeanFactory().getBeanProvider(ConnectionObserver.class));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : this.resources) {
            resource.close();
        }
    }

    /**
     * The wake-up connection finds the listener whatever it is bound to: all interfaces (IPv6
     * with IPv4 mapped, or IPv4 only) or one address. Were it lost, the listener would close with
     * the queue in it and hand out nothing.
     */
    @ParameterizedTest(name = "bound to {0}")
    @CsvSource({"'', 127.0.0.1", "0.0.0.0, 127.0.0.1", "127.0.0.1, 127.0.0.1", "::1, ::1"})
    void acceptsTheConnectionsQueuedWhenTheCloseIsRequestedThenRefusesNewOnes(String bindAddress, String host,
            CapturedOutput output) throws Exception {
        ServerSocket listener = listen(bindAddress.isEmpty() ? null : InetAddress.ofLiteral(bindAddress));
        List<EchoSocket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Nobody accepts yet: the kernel completes each handshake and queues the connection.
            EchoSocket client = remember(EchoSocket.connect(host, listener.getLocalPort()));
            clients.add(client.send("queued " + i + "\r\n"));
        }

        this.sockets.requestListenersClose();
        List<Socket> accepted = acceptUntilClosed(listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        this.sockets.awaitListenersClosed();

        assertThat(accepted).as("the queued connections, handed to the accept loop").hasSize(3);
        for (int i = 0; i < 3; i++) {
            // Echo by hand what each queued client sent: its bytes were there, and its connection works.
            Socket server = remember(accepted.get(i));
            byte[] frame = server.getInputStream().readNBytes(("queued " + i + "\r\n").length());
            server.getOutputStream().write(frame);
            assertThat(clients.get(i).readText(frame.length)).isEqualTo("queued " + i + "\r\n");
        }
        assertThat(listener.isClosed()).isTrue();
        assertThatExceptionOfType(ConnectException.class)
                .isThrownBy(() -> EchoSocket.connect(host, listener.getLocalPort()).close());
        assertThat(output.getOut()).doesNotContain("echo listener");
    }

    @Test
    void aCloseRequestedWhileTheAcceptLoopWaitsOnAnEmptyQueueClosesTheListener() throws Exception {
        ServerSocket listener = listen();
        CompletableFuture<List<Socket>> loop = acceptUntilClosed(listener);

        this.sockets.requestListenersClose();
        this.sockets.awaitListenersClosed();

        assertThat(loop.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        assertThat(listener.isClosed()).isTrue();
    }

    @Test
    void closesAListenerThatNoAcceptLoopServesAfterWaitingForOne(CapturedOutput output) throws Exception {
        ServerSocket listener = listen();
        EchoSocket queued = remember(EchoSocket.connect(listener.getLocalPort()));

        this.sockets.closeListeners();

        assertThat(listener.isClosed()).isTrue();
        assertThat(output.getOut()).contains("The echo listener's accept loop did not close it within");
        assertThatExceptionOfType(SocketException.class).as("the kernel resets what is still queued")
                .isThrownBy(() -> queued.send("x\r\n").readUntilClosed());
    }

    private ServerSocket listen() throws IOException {
        return listen(InetAddress.getLoopbackAddress());
    }

    /** @param address {@code null} for all interfaces */
    private ServerSocket listen(InetAddress address) throws IOException {
        return remember(this.sockets.socketFactorySupport().getServerSocketFactory().createServerSocket(0, 50, address));
    }

    private CompletableFuture<List<Socket>> acceptUntilClosed(ServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            List<Socket> accepted = new ArrayList<>();
            while (true) {
                try {
                    accepted.add(listener.accept());
                }
                catch (SocketException closed) {
                    return accepted;
                }
                catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        });
    }

    private <T extends AutoCloseable> T remember(T resource) {
        this.resources.add(resource);
        return resource;
    }
}
