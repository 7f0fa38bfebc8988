package io.tcpecho.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.tcpecho.support.PrometheusContract;
import io.tcpecho.support.PrometheusExposition;
import io.tcpecho.support.PrometheusQueries;
import io.tcpecho.support.PromtoolSupport;
import io.tcpecho.support.PromtoolSupport.Result;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scrape as Prometheus sees it: promtool parses it and finds no lint problem in the echo
 * meters, which keep their published names. Spring Boot's JVM and process meters keep their usual
 * names even where promtool would lint them, because users' JVM dashboards query those names.
 */
class PromtoolTests {

    @RegisterExtension
    static final SharedServer app = SharedServer.withHttp();

    private static PrometheusExposition exposition;

    @BeforeAll
    static void scrapeAfterEchoes() throws Exception {
        exposition = PrometheusExposition.scrapeAfterEchoes(app.httpPort(), app.tcpPort());
    }

    @Test
    void servesTextFormat004ThatPromtoolParses() throws Exception {
        assertThat(exposition.contentType()).startsWith("text/plain").contains("version=0.0.4");
        Result result = PromtoolSupport.promtool(exposition.text(), "check", "metrics");
        // 0: clean, 3: lint problems only (checked below); 1 would be a parse error.
        assertThat(result.exitCode()).as(result.output()).isIn(0, 3);
        assertThat(result.output()).doesNotContain("error while linting");
    }

    @Test
    void promtoolFindsNoLintProblemInEchoMeters() throws Exception {
        Result result = PromtoolSupport.promtool(exposition.text(), "check", "metrics");
        assertThat(result.lines()).as(result.output()).noneMatch(line -> line.contains("echo_"));
    }

    @Test
    void exposesEveryContractMeterUnderItsPublishedNameAndType() {
        Map<String, String> types = exposition.types();
        assertThat(types).containsAllEntriesOf(PrometheusContract.FAMILIES);
        for (String family : PrometheusContract.FAMILIES.keySet()) {
            List<String> samples = exposition.text().lines()
                    .filter(line -> line.startsWith(family + "{") || line.startsWith(family + "_"))
                    .toList();
            assertThat(samples).as(family).isNotEmpty().allMatch(line -> line.contains(PrometheusContract.APPLICATION_LABEL));
        }
    }

    @Test
    void countsClosedConnectionsByEveryReasonFromTheStart() {
        List<String> reasons = exposition.samples("echo_connections_closed_total").stream()
                .map(line -> line.replaceAll(".*reason=\"([^\"]*)\".*", "$1"))
                .toList();
        assertThat(reasons).containsExactlyInAnyOrderElementsOf(PrometheusContract.CLOSE_REASONS);
    }

    @Test
    void keepsSpringBootStandardMeterNames() {
        assertThat(exposition.types()).containsEntry("jvm_memory_used_bytes", "gauge")
                .containsEntry("jvm_threads_live_threads", "gauge")
                .containsEntry("process_cpu_usage", "gauge")
                .containsEntry("process_uptime_seconds", "gauge");
    }

    @Test
    void alertRulesQueryOnlyMetricsTheServiceExposes() throws Exception {
        Set<String> exposed = new TreeSet<>(exposition.sampleNames());
        exposed.add("up"); // written by Prometheus for every target
        PrometheusQueries.alertExpressions(PromtoolSupport.ALERTS).forEach((alert, expr) -> assertThat(
                PrometheusQueries.metricNames(expr)).as(alert).isNotEmpty().isSubsetOf(exposed));
    }
}
