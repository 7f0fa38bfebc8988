package io.tcpecho.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.support.Concurrently;
import io.tcpecho.support.RunningServer;
import io.tcpecho.support.RunningServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The programmatic client: an {@link EchoClient} gateway over a pool of connections. */
class EchoClientTests {

    private static final int POOL_SIZE = 2;

    private static final RunningServers servers = new RunningServers();

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"crlf", "raw"})
    void echoesBytesThroughPooledConnections(String framing) throws Exception {
        RunningServer server = servers.get("echo.tcp.framing=" + framing);
        double openedBefore = connectionsOpened(server);
        try (ConfigurableApplicationContext context = client(server, framing,
                "--echo.client.pool-size=" + POOL_SIZE)) {
            EchoClient client = context.getBean(EchoClient.class);
            int callers = 8;
            int echoes = 25;
            List<Integer> exact = Concurrently.run(callers, Duration.ofSeconds(30), caller -> {
                int matched = 0;
                for (int i = 0; i < echoes; i++) {
                    byte[] payload = ("caller-" + caller + "-echo-" + i + "-ü").getBytes(StandardCharsets.UTF_8);
                    if (Arrays.equals(client.echo(payload), payload)) {
                        matched++;
                    }
                }
                return matched;
            });
            assertThat(exact).containsOnly(echoes);
            // 200 echoes from 8 callers, yet the server saw no more connections than the pool holds
            assertThat(connectionsOpened(server) - openedBefore).isBetween(1.0, (double) POOL_SIZE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"crlf", "lf", "raw"})
    void echoesFrameOfMaxMessageSizeTheServerAccepts(String framing) {
        RunningServer server = servers.get("echo.tcp.framing=" + framing);
        // both sides at their default of 64KB: the server takes a 64KB frame and echoes it, so the
        // client must take the echo (raw: in as many pieces as the server's reads, one echo all the same)
        try (ConfigurableApplicationContext context = client(server, framing, "--echo.client.reply-timeout=2s")) {
            int max = server.server().properties().maxMessageBytes();
            assertThat(context.getBean(EchoClientProperties.class).maxMessageSize().toBytes()).isEqualTo(max);
            byte[] payload = new byte[max];
            Arrays.fill(payload, (byte) 'm');
            assertThat(context.getBean(EchoClient.class).echo(payload)).isEqualTo(payload);
        }
    }

    private static ConfigurableApplicationContext client(RunningServer server, String framing, String... settings) {
        List<String> args = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--echo.client.host=127.0.0.1",
                "--echo.client.port=" + server.tcpPort(), "--echo.client.framing=" + framing));
        args.addAll(List.of(settings));
        return new SpringApplicationBuilder(EchoClientConfiguration.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    private static double connectionsOpened(RunningServer server) {
        return server.context().getBean(MeterRegistry.class).get("echo.connections.opened").counter().count();
    }
}
