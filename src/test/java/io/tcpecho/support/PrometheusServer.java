package io.tcpecho.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus from Debian's package, scraping one tcp-echo every second and evaluating the
 * repository's alert rules, with its HTTP API on the loopback address.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;

    private final Path log;

    private final String baseUrl;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /**
     * Starts Prometheus with job {@code tcp-echo} on {@code 127.0.0.1:httpPort} and the given rule
     * file, and waits until it is ready. Configuration and data go to {@code workDirectory}, which
     * must be new (old series would answer queries), the log to {@code logDirectory}.
     */
    public static PrometheusServer start(Path workDirectory, Path logDirectory, int httpPort, Path ruleFile,
            int listenPort) throws IOException {
        Path binary = PromtoolSupport.binary("prometheus");
        Path config = workDirectory.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: tcp-echo
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(ruleFile.toAbsolutePath(), httpPort));
        Path log = logDirectory.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + workDirectory.resolve("data"), "--web.listen-address=127.0.0.1:" + listenPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, listenPort);
        await("Prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(IOException.class).until(server::isReady);
        return server;
    }

    /** A port free on loopback right now, for Prometheus or the service to listen on. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean isReady() throws IOException, InterruptedException {
        assertThat(this.process.isAlive()).as("prometheus exited; its log:%n%s", logText()).isTrue();
        return get("/-/ready").statusCode() == 200;
    }

    /** Result of an instant query, {@code data.result}; asserts the query succeeded. */
    public List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode body = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return body.path("data").path("result").values().stream().toList();
    }

    /** Value of a query with exactly one series, or null while it has none. */
    public Double value(String promql) throws IOException, InterruptedException {
        List<JsonNode> result = query(promql);
        assertThat(result).as("series of %s", promql).hasSizeLessThanOrEqualTo(1);
        return result.isEmpty() ? null : Double.valueOf(result.getFirst().path("value").path(1).asString());
    }

    /** Any API call, e.g. {@code /api/v1/rules}; asserts {@code status} is success. */
    public JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asString()).as("%s answered %s", pathAndQuery, response.body())
                .isEqualTo("success");
        return body;
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public String logText() throws IOException {
        return Files.readString(this.log);
    }

    /** SIGTERM, then a kill if it has not stopped within 20 seconds. */
    @Override
    public void close() throws InterruptedException {
        this.http.close();
        this.process.destroy();
        if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
            this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
