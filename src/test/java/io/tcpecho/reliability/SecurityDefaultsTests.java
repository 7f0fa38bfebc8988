package io.tcpecho.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the service shows and tells by default: three Actuator endpoints, no payload in the log, documented DoS bounds. */
@ExtendWith(OutputCaptureExtension.class)
class SecurityDefaultsTests {

    private static final String MARKER = "PAYLOAD-MARKER-51d0";

    @Test
    void exposesNothingButHealthInfoAndPrometheus() throws Exception {
        try (RunningServer server = RunningServer.startWithHttp(); HttpClient http = HttpClient.newHttpClient()) {
            String index = get(http, server, "/actuator").body();
            assertThat(index).contains("\"health\"", "\"info\"", "\"prometheus\"");
            for (String hidden : List.of("env", "beans", "configprops", "metrics", "loggers", "heapdump", "threaddump",
                    "mappings", "conditions", "scheduledtasks", "shutdown", "sbom", "integrationgraph")) {
                assertThat(index).as("index lists %s", hidden).doesNotContain("/actuator/" + hidden);
                assertThat(get(http, server, "/actuator/" + hidden).statusCode()).as("/actuator/%s", hidden)
                        .isEqualTo(404);
            }
            for (String shown : List.of("/actuator/health", "/actuator/info", "/actuator/prometheus", "/livez",
                    "/readyz")) {
                assertThat(get(http, server, shown).statusCode()).as(shown).isEqualTo(200);
            }
        }
    }

    /**
     * Payloads through every path that logs at INFO or above (echo, oversize, framing error,
     * partial frame, reset with echoes unwritten, quit) never show up in the log.
     */
    @Test
    void neverLogsPayloadsAtInfo(CapturedOutput output) throws Exception {
        try (ObservedServer server = ObservedServer.start("echo.tcp.max-message-size=64B")) {
            try (EchoSocket echo = server.connect()) {
                assertThat(echo.send(MARKER + "\r\n").readText(MARKER.length() + 2)).isEqualTo(MARKER + "\r\n");
                echo.send(MARKER + "-".repeat(64) + "\r\n");
                assertThat(Wire.readToEnd(echo.socket()).received()).isEmpty();
            }
            try (EchoSocket partial = server.connect()) {
                partial.send(MARKER);
                partial.socket().shutdownOutput();
                assertThat(Wire.readToEnd(partial.socket()).received()).isEmpty();
            }
            try (EchoSocket reset = server.connect()) {
                // many echoes owed, then gone: the writes fail on the server
                reset.send((MARKER + "\r\n").repeat(20_000));
                Wire.reset(reset.socket());
            }
            try (EchoSocket quit = server.connect()) {
                quit.send("exit\r\n");
                assertThat(Wire.readToEnd(quit.socket()).received()).isEmpty();
            }
            await("all closed").atMost(ObservedServer.WAIT).until(() -> server.active() == 0);
            assertThat(output.getOut()).contains("frame exceeds max-message-size");
        }
        assertThat(output.getAll()).doesNotContain(MARKER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bind-address", "max-connections", "max-message-size", "idle-timeout"})
    void documentsTheDosBoundsInTheConfigurationFile(String key) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("config/application.yml"), StandardCharsets.UTF_8);
        int tcp = lines.indexOf("  tcp:");
        int at = -1;
        for (int i = tcp + 1; i < lines.size() && at < 0; i++) {
            if (lines.get(i).strip().startsWith(key + ":")) {
                at = i;
            }
        }
        assertThat(tcp).as("echo.tcp in config/application.yml").isPositive();
        assertThat(at).as("echo.tcp.%s in config/application.yml", key).isPositive();
        assertThat(lines.get(at - 1).strip()).as("comment above %s", key).startsWith("#").contains("DoS bound");
    }

    private static HttpResponse<String> get(HttpClient http, RunningServer server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
