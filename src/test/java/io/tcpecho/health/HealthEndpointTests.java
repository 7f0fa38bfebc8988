package io.tcpecho.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP side a platform reads: probes, the tcpServer health, and nothing exposed beyond the three endpoints. */
class HealthEndpointTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final SharedServer server = SharedServer.withHttp("echo.tcp.max-connections=50", "echo.tcp.framing=lf");

    @Test
    void readinessIncludesTcpServerUpWithItsDetails() throws Exception {
        try (EchoSocket connected = EchoSocket.connect(server.tcpPort())) {
            connected.send("ping\n");
            assertThat(connected.readText(5)).isEqualTo("ping\n");
            HttpResponse<String> response = get("/actuator/health/readiness");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.path("status").asString()).isEqualTo("UP");
            JsonNode tcpServer = health.path("components").path("tcpServer");
            assertThat(tcpServer.path("status").asString()).isEqualTo("UP");
            JsonNode details = tcpServer.path("details");
            assertThat(details.path("port").asInt()).isEqualTo(server.tcpPort());
            assertThat(details.path("framing").asString()).isEqualTo("lf");
            assertThat(details.path("activeConnections").asInt()).isEqualTo(1);
            assertThat(details.path("maxConnections").asInt()).isEqualTo(50);
        }
    }

    @Test
    void livenessDoesNotDependOnTcpServer() throws Exception {
        HttpResponse<String> response = get("/actuator/health/liveness");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").has("tcpServer")).isFalse();
        assertThat(response.body()).doesNotContain("tcpServer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/livez", "/readyz"})
    void answersKubernetesProbePaths(String path) throws Exception {
        assertThat(get(path).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
            "/actuator/loggers", "/actuator/threaddump"})
    void exposesNoEndpointBeyondHealthInfoAndPrometheus(String path) throws Exception {
        assertThat(get(path).statusCode()).isEqualTo(404);
    }

    @Test
    void exposesPrometheusScrape() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("echo_connections_active");
    }

    @Test
    void infoShowsBuildInformation() throws Exception {
        HttpResponse<String> response = get("/actuator/info");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode build = JSON.readTree(response.body()).path("build");
        assertThat(build.path("artifact").asString()).isEqualTo("tcp-echo");
        assertThat(build.path("group").asString()).isEqualTo("io.tcpecho");
        assertThat(build.path("version").asString()).isNotBlank();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
