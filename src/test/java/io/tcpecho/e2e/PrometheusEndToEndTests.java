package io.tcpecho.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.PrometheusQueries;
import io.tcpecho.support.PrometheusServer;
import io.tcpecho.support.PromtoolSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar scraped every second by a real Prometheus, which loads the chart's alert rules:
 * what the service counts is what Prometheus stores and what the dashboard and alerts query.
 */
class PrometheusEndToEndTests {

    private static final int CONNECTIONS = 25;

    private static final int MESSAGES_PER_CONNECTION = 4;

    /** A few scrapes at 1s, with room for a slow CI machine. */
    private static final Duration SCRAPED = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private static Process app;

    private static Path appLog;

    private static int tcpPort;

    private static PrometheusServer prometheus;

    @BeforeAll
    static void startServiceAndPrometheus() throws Exception {
        Path jar = Path.of(System.getProperty("tcpecho.jar", "target/tcp-echo.jar"));
        assertThat(jar).as("the packaged service; run `mvn verify`").isRegularFile();
        PromtoolSupport.binary("prometheus");
        int httpPort = PrometheusServer.freePort();
        tcpPort = PrometheusServer.freePort();
        // Logs stay in target/ for a look after a failure; Prometheus' data must start empty.
        Path logs = Files.createDirectories(Path.of("target", "prometheus-e2e"));
        appLog = logs.resolve("tcp-echo.log");
        // The java running this test: the build's JDK 25, not whatever `java` is first on the PATH.
        String java = ProcessHandle.current().info().command().orElseThrow();
        app = new ProcessBuilder(java, "-jar", jar.toString(), "--server.port=" + httpPort, "--echo.tcp.port=" + tcpPort)
                .redirectErrorStream(true).redirectOutput(appLog.toFile()).start();
        awaitHealthy(httpPort);
        prometheus = PrometheusServer.start(work, logs, httpPort, PromtoolSupport.ALERTS, PrometheusServer.freePort());
        await("tcp-echo scraped").atMost(SCRAPED).until(() -> Double.valueOf(1).equals(prometheus.value("up{job=\"tcp-echo\"}")));
    }

    @AfterAll
    static void stopBoth() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void prometheusSeesEveryConnectionAndEveryMessage() throws Exception {
        double opened = valueOrZero("echo_connections_opened_total{job=\"tcp-echo\"}");
        double messages = valueOrZero("echo_messages_total{job=\"tcp-echo\"}");
        List<EchoSocket> connections = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                connections.add(EchoSocket.connect(tcpPort));
            }
            awaitValue("echo_connections_active{job=\"tcp-echo\"}", CONNECTIONS);
            awaitValue("echo_connections_opened_total{job=\"tcp-echo\"}", opened + CONNECTIONS);
            for (int i = 0; i < MESSAGES_PER_CONNECTION; i++) {
                String frame = "message " + i + "\r\n";
                for (EchoSocket connection : connections) {
                    assertThat(connection.send(frame).readText(frame.length())).isEqualTo(frame);
                }
            }
            awaitValue("echo_messages_total{job=\"tcp-echo\"}", messages + CONNECTIONS * MESSAGES_PER_CONNECTION);
        }
        finally {
            for (EchoSocket connection : connections) {
                connection.close();
            }
        }
        awaitValue("echo_connections_active{job=\"tcp-echo\"}", 0);
    }

    @Test
    void loadsTheAlertRulesAndNoneFiresForAHealthyService() throws Exception {
        await("alert rules evaluated").atMost(SCRAPED).untilAsserted(() -> {
            List<JsonNode> rules = prometheus.api("/api/v1/rules?type=alert").path("data").path("groups").valueStream()
                    .flatMap(group -> group.path("rules").valueStream()).toList();
            assertThat(rules).extracting(rule -> rule.path("name").asString()).containsExactlyInAnyOrder(
                    "TcpEchoDown", "TcpEchoConnectionsNearMax", "TcpEchoBufferMemoryNearMax",
                    "TcpEchoFileDescriptorsNearLimit", "TcpEchoHeapNearFull", "TcpEchoErrorRate", "TcpEchoHighP99Latency");
            assertThat(rules).allSatisfy(rule -> {
                assertThat(rule.path("health").asString()).as(rule.toString()).isEqualTo("ok");
                assertThat(rule.path("state").asString()).as(rule.toString()).isEqualTo("inactive");
            });
        });
    }

    @Test
    void everyDashboardQueryReturnsSeries() throws Exception {
        for (String query : PrometheusQueries.dashboardQueries(PromtoolSupport.DASHBOARD)) {
            String promql = PrometheusQueries.withGrafanaVariables(query);
            await(promql).atMost(SCRAPED).untilAsserted(() -> assertThat(prometheus.query(promql)).isNotEmpty());
        }
    }

    private static double valueOrZero(String promql) throws IOException, InterruptedException {
        Double value = prometheus.value(promql);
        return value != null ? value : 0;
    }

    private static void awaitValue(String promql, double expected) {
        await(promql + " == " + expected).atMost(SCRAPED).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(prometheus.value(promql)).isEqualTo(expected));
    }

    private static void awaitHealthy(int httpPort) throws IOException {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                .timeout(Duration.ofSeconds(5)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            await("tcp-echo healthy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                        assertThat(app.isAlive()).as("tcp-echo exited; its log:%n%s", Files.readString(appLog)).isTrue();
                        return client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
        }
    }
}
