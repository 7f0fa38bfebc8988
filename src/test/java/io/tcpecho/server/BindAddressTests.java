package io.tcpecho.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/** {@code echo.tcp.bind-address}: one address, or (empty) every interface, IPv4 and IPv6. */
class BindAddressTests {

    @Test
    void echoesOverIpv6LoopbackWhenBoundToIt() throws IOException {
        assumeThat(hasIpv6Loopback()).as("this machine has ::1").isTrue();
        try (RunningServer server = RunningServer.start("echo.tcp.bind-address=::1")) {
            try (EchoSocket socket = EchoSocket.connect("::1", server.tcpPort())) {
                assertEchoes(socket, "over-ipv6\r\n");
                assertThat(socket.socket().getInetAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
            }
            // bound to ::1 alone: the IPv4 loopback is not served
            assertThatExceptionOfType(ConnectException.class)
                    .isThrownBy(() -> EchoSocket.connect("127.0.0.1", server.tcpPort()).close());
        }
    }

    @Test
    void acceptsIpv4AndIpv6LoopbackWhenBoundToAllInterfaces() throws IOException {
        try (RunningServer server = RunningServer.start()) {
            try (EchoSocket socket = EchoSocket.connect("127.0.0.1", server.tcpPort())) {
                assertEchoes(socket, "over-ipv4\r\n");
            }
            assumeThat(hasIpv6Loopback()).as("this machine has ::1").isTrue();
            try (EchoSocket socket = EchoSocket.connect("::1", server.tcpPort())) {
                assertEchoes(socket, "over-ipv6\r\n");
            }
        }
    }

    private static void assertEchoes(EchoSocket socket, String frame) throws IOException {
        socket.send(frame);
        assertThat(socket.readText(frame.length())).isEqualTo(frame);
    }

    private static boolean hasIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}
