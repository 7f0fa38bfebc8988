package io.tcpecho.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.jayway.jsonpath.JsonPath;
import io.tcpecho.support.PrometheusContract;
import io.tcpecho.support.PrometheusExposition;
import io.tcpecho.support.PrometheusQueries;
import io.tcpecho.support.PromtoolSupport;
import io.tcpecho.support.PromtoolSupport.Result;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard beside the alert rules queries only what a live scrape exposes, in valid PromQL. */
class DashboardTests {

    @Test
    void queriesOnlyMetricsTheServiceExposes() throws Exception {
        Set<String> exposed;
        try (RunningServer app = RunningServer.startWithHttp()) {
            exposed = PrometheusExposition.scrapeAfterEchoes(app.httpPort(), app.tcpPort()).sampleNames();
        }
        for (String query : PrometheusQueries.dashboardQueries(PromtoolSupport.DASHBOARD)) {
            assertThat(PrometheusQueries.metricNames(query)).as(query).isNotEmpty().isSubsetOf(exposed);
        }
    }

    @Test
    void plotsEveryEchoMeter() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String query : PrometheusQueries.dashboardQueries(PromtoolSupport.DASHBOARD)) {
            used.addAll(PrometheusQueries.metricNames(query));
        }
        assertThat(PrometheusContract.FAMILIES.keySet()).allSatisfy(family -> assertThat(used).as(family)
                .anyMatch(name -> name.equals(family) || name.startsWith(family + "_")));
    }

    @Test
    void everyQueryIsValidPromQL(@TempDir Path directory) throws Exception {
        List<Map<String, String>> rules = new ArrayList<>();
        for (String query : PrometheusQueries.dashboardQueries(PromtoolSupport.DASHBOARD)) {
            Map<String, String> rule = new LinkedHashMap<>();
            rule.put("record", "dashboard:query" + rules.size());
            rule.put("expr", PrometheusQueries.withGrafanaVariables(query));
            rules.add(rule);
        }
        // promtool has no PromQL checker of its own in 2.42; a rule file of the queries gets them parsed.
        Path ruleFile = directory.resolve("dashboard-queries.yml");
        Files.writeString(ruleFile, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
        Result result = PromtoolSupport.promtool("", "check", "rules", ruleFile.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void loadsThroughTheGrafanaSidecarWithAnyPrometheusDataSource() throws Exception {
        String json = Files.readString(PromtoolSupport.DASHBOARD);
        assertThat(JsonPath.<String>read(json, "$.uid")).isEqualTo("tcp-echo");
        assertThat(JsonPath.<List<String>>read(json, "$.templating.list[?(@.name == 'datasource')].type"))
                .containsExactly("datasource");
        // Every panel and query names the data source through the variable, never a fixed uid.
        assertThat(JsonPath.<List<String>>read(json, "$..datasource.uid")).isNotEmpty()
                .allMatch(uid -> uid.equals("${datasource}") || uid.equals("-- Grafana --"));
        List<Integer> ids = JsonPath.read(json, "$..panels[*].id");
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void findsTheMetricNamesInPromQL() {
        assertThat(PrometheusQueries.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(echo_message_duration_seconds_bucket"
                        + "{application=\"$application\"}[$__rate_interval])))"))
                .containsExactly("echo_message_duration_seconds_bucket");
        assertThat(PrometheusQueries.metricNames(
                "up{job=~\".*tcp-echo.*\"} == 0 or absent(up{job=\"x\"}) and on() absent(up) offset 5m"))
                .containsExactly("up");
        assertThat(PrometheusQueries.metricNames(
                "sum without (instance, pod) (rate(a_total[5m])) / on(job) group_left sum(b) > bool 1e3"))
                .containsExactly("a_total", "b");
    }
}
