package io.tcpecho.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A setting that cannot work stops start-up, and the failure names the key an operator must fix. */
class InvalidConfigurationTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            echo.tcp.port=70000             | echo.tcp.port             | 65535
            echo.tcp.backlog=0              | echo.tcp.backlog          | greater than or equal to 1
            echo.tcp.framing=bogus          | echo.tcp.framing          | bogus
            echo.tcp.max-message-size=0B    | echo.tcp.max-message-size | between 1B and 2GB
            echo.tcp.max-buffer-memory=0B   | echo.tcp.max-buffer-memory | must be positive
            echo.carriers.sample-interval=5ms | echo.carriers.sample-interval | between 10ms and 10m
            """)
    void failsStartupNamingInvalidKey(String setting, String key, String reason) {
        Throwable failure = catchThrowable(() -> RunningServer.start(setting).close());
        assertThat(failure).as("start-up with %s", setting).isNotNull();
        assertThat(messages(failure)).contains(key).contains(reason);
    }

    @Test
    void failsStartupNamingPortWhenPortIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Throwable failure = catchThrowable(() -> RunningServer
                    .start("echo.tcp.bind-address=127.0.0.1", "echo.tcp.port=" + port).close());
            assertThat(failure).as("start-up on a port in use").isNotNull();
            assertThat(messages(failure)).contains("echo.tcp.port " + port).containsIgnoringCase("in use");
        }
    }

    /** Every message of the cause chain, one per line. */
    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(cause.getClass().getName() + ": " + cause.getMessage());
            if (cause.getCause() == cause) {
                break;
            }
        }
        return String.join("\n", messages);
    }
}
