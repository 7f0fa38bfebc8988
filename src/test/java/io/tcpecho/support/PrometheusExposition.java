package io.tcpecho.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** One scrape of {@code /actuator/prometheus} in the text format 0.0.4 that Prometheus asks for. */
public record PrometheusExposition(String contentType, String text) {

    /** What Prometheus 2.x sends when the target may answer in text format. */
    public static final String TEXT_FORMAT_004 = "text/plain;version=0.0.4";

    /** Echoes a few frames first, so the histograms and counters have data, then scrapes. */
    public static PrometheusExposition scrapeAfterEchoes(int httpPort, int tcpPort)
            throws IOException, InterruptedException {
        try (EchoSocket socket = EchoSocket.connect(tcpPort)) {
            for (int i = 0; i < 5; i++) {
                String frame = "hello " + i + "\r\n";
                assertThat(socket.send(frame).readText(frame.length())).isEqualTo(frame);
            }
        }
        return scrape(httpPort);
    }

    public static PrometheusExposition scrape(int httpPort) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
                    .header("Accept", TEXT_FORMAT_004).timeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET /actuator/prometheus").isEqualTo(200);
            return new PrometheusExposition(response.headers().firstValue("Content-Type").orElse(""), response.body());
        }
    }

    /** Metric family name to type, from the {@code # TYPE} lines. */
    public Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : this.text.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
        }
        return types;
    }

    /** Names of the samples, e.g. {@code echo_message_duration_seconds_bucket}: what a query can select. */
    public Set<String> sampleNames() {
        Set<String> names = new TreeSet<>();
        for (String line : this.text.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(sampleName(line));
            }
        }
        return names;
    }

    /** The sample lines of one name, labels and value as exposed. */
    public List<String> samples(String name) {
        return this.text.lines().filter(line -> !line.startsWith("#") && sampleName(line).equals(name)).toList();
    }

    private static String sampleName(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }
}
