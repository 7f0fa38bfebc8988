package io.tcpecho.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.PrometheusExposition;
import io.tcpecho.support.PrometheusServer;
import io.tcpecho.support.PromtoolSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code TcpEchoHeapNearFull} against a real JVM and a real Prometheus with the chart's alert rules. The
 * JVM runs Serial GC, as it picks it in the chart's 512Mi pods, in a small heap that held connections
 * fill. The alert reads {@code jvm_gc_live_data_size_bytes}, which Micrometer updates only after a
 * collection that reclaims long-lived heap (with Serial, a full one), so that garbage waiting in the old
 * generation does not count; the test runs those collections itself ({@code jcmd GC.run}) instead of
 * waiting for the JVM's. Its 10 minutes are left to promtool's unit tests; here the alert goes pending.
 */
class HeapAlertEndToEndTests {

    /** 4.5-8 KB of heap each: a step fills about 3% of a 64 MB heap's old generation, so the JVM never runs out. */
    private static final int STEP = 200;

    /** The alert fires above 0.9; a margin keeps a slightly different value at Prometheus' scrape above it too. */
    private static final double FILLED = 0.92;

    /** Far more than fit: the loop must stop on the live share long before. */
    private static final int MAX_CONNECTIONS = 8_000;

    private static final String PENDING = "ALERTS{alertname=\"TcpEchoHeapNearFull\", alertstate=\"pending\"}";

    @TempDir
    Path work;

    @Test
    void goesPendingWhileHeldConnectionsKeepTheHeapLiveAndClearsOnceTheyClose() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "heap-alert-e2e"));
        List<EchoSocket> held = new ArrayList<>();
        try (EchoProcess app = EchoProcess.start(this.work, List.of("-Xmx64m", "-XX:+UseSerialGC"));
                PrometheusServer prometheus = PrometheusServer.start(Files.createDirectories(this.work.resolve("prometheus")),
                        logs, app.httpPort(), PromtoolSupport.ALERTS, PrometheusServer.freePort())) {
            fullCollection(app);
            double idle = liveShare(app);
            assertThat(idle).as("live share of a fresh JVM").isBetween(0.01, 0.9);
            awaitEvaluated(prometheus);
            assertThat(prometheus.query(PENDING)).isEmpty();

            double live = idle;
            while (live <= FILLED) {
                assertThat(held).as("connections held before the live share passed %s (last %.3f)", FILLED, live)
                        .hasSizeLessThan(MAX_CONNECTIONS);
                for (int i = 0; i < STEP; i++) {
                    EchoSocket connection = EchoSocket.connect(app.tcpPort());
                    held.add(connection);
                    echoed(connection);
                }
                fullCollection(app);
                live = liveShare(app);
            }
            assertThat(live).as("stopped within a step").isLessThan(0.97);
            await("alert pending").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(prometheus.query(PENDING)).singleElement()
                            .satisfies(alert -> assertThat(alert.path("metric").path("job").asString()).isEqualTo("tcp-echo")));
            // Every connection still echoes: the JVM is near full, not out of memory.
            for (EchoSocket connection : held) {
                echoed(connection);
            }

            closeAll(held);
            await("connections closed").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(PrometheusExposition.scrape(app.httpPort()).samples("echo_connections_active"))
                            .singleElement().asString().endsWith(" 0.0"));
            fullCollection(app);
            assertThat(liveShare(app)).as("live share once they closed").isLessThan(0.9);
            await("alert cleared").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(prometheus.query(PENDING)).isEmpty());
        }
        finally {
            closeAll(held);
        }
    }

    private static void echoed(EchoSocket connection) throws Exception {
        assertThat(connection.send("held\r\n").readText(6)).isEqualTo("held\r\n");
    }

    /** A full collection, after which Micrometer records what stays live (Serial's old generation is only reclaimed there). */
    private void fullCollection(EchoProcess app) throws Exception {
        EchoProcess.Result gc = EchoProcess.run(this.work,
                List.of(EchoProcess.jdkTool("jcmd").toString(), Long.toString(app.pid()), "GC.run"), Duration.ofSeconds(30));
        assertThat(gc.exitCode()).as(gc.output()).isZero();
    }

    /** The alert's expression, read from the service's own scrape: live over max of the long-lived heap. */
    private static double liveShare(EchoProcess app) throws Exception {
        PrometheusExposition scrape = PrometheusExposition.scrape(app.httpPort());
        return value(scrape, "jvm_gc_live_data_size_bytes") / value(scrape, "jvm_gc_max_data_size_bytes");
    }

    private static double value(PrometheusExposition scrape, String name) {
        String sample = scrape.samples(name).getFirst();
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    /** The rules have been evaluated against at least one scrape of this service. */
    private static void awaitEvaluated(PrometheusServer prometheus) {
        await("tcp-echo scraped and rules evaluated").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(prometheus.value("up{job=\"tcp-echo\"}")).isEqualTo(1.0);
            assertThat(prometheus.api("/api/v1/rules?type=alert").path("data").path("groups").get(0)
                    .path("lastEvaluation").asString()).doesNotStartWith("0001");
        });
    }

    private static void closeAll(List<EchoSocket> connections) {
        for (EchoSocket connection : connections) {
            try {
                connection.close();
            }
            catch (Exception ignored) {
                // Closing is best effort; the server counts what it sees.
            }
        }
        connections.clear();
    }
}
