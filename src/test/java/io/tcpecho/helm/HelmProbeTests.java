package io.tcpecho.helm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

import io.kubernetes.client.openapi.models.V1Container;
import io.tcpecho.TcpEchoApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The paths the kubelet probes and Prometheus scrapes answer 200 from the app running the rendered application.yml. */
class HelmProbeTests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Stream<Scenario> scenarios() {
        // The other scenarios differ in Kubernetes objects only, or turn TLS on, which needs a certificate.
        return Stream.of(Scenario.DEFAULTS, Scenario.CUSTOM_PORT_AND_FRAMING);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void answersTheProbeAndScrapePathsOfTheRenderedDeployment(Scenario scenario) throws IOException {
        Rendering rendering = HelmChart.render(scenario);
        Path applicationYml = Files.createTempDirectory(Files.createDirectories(Path.of("target", "helm-tests")), "probe")
            .resolve("application.yml");
        Files.writeString(applicationYml, rendering.applicationYmlText());
        V1Container container = rendering.container();
        Set<String> paths = new LinkedHashSet<>();
        paths.add(container.getStartupProbe().getHttpGet().getPath());
        paths.add(container.getLivenessProbe().getHttpGet().getPath());
        paths.add(container.getReadinessProbe().getHttpGet().getPath());
        paths.add(rendering.deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path"));

        // Only the two ports are overridden (0: any free port), so parallel builds on one machine don't collide;
        // everything else is the rendered file, read from where nothing else is.
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TcpEchoApplication.class)
            .run("--spring.config.location=file:" + applicationYml.toAbsolutePath(), "--server.port=0",
                    "--echo.tcp.port=0")) {
            int httpPort = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            for (String path : paths) {
                await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(get(httpPort, path)).as("GET %s", path).isEqualTo(200));
            }
        }
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
