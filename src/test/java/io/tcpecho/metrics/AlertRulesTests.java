package io.tcpecho.metrics;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tcpecho.support.PrometheusQueries;
import io.tcpecho.support.PromtoolSupport;
import io.tcpecho.support.PromtoolSupport.Result;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart's alert rules pass promtool's checks and unit tests, and every alert is tested both ways. */
class AlertRulesTests {

    @Test
    void alertRulesPassPromtoolCheck() throws Exception {
        Result result = PromtoolSupport.promtool("", "check", "rules", PromtoolSupport.ALERTS.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 7 rules found");
    }

    @Test
    void alertRulesPassTheirUnitTests() throws Exception {
        Result result = PromtoolSupport.promtool("", "test", "rules", PromtoolSupport.ALERTS_TEST.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItDoesNot() throws Exception {
        Map<String, Object> testFile = new Yaml().load(Files.readString(PromtoolSupport.ALERTS_TEST));
        Set<String> fires = new HashSet<>();
        Set<String> staysQuiet = new HashSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) testFile.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                (expected == null || expected.isEmpty() ? staysQuiet : fires).add((String) check.get("alertname"));
            }
        }
        Set<String> alerts = PrometheusQueries.alertExpressions(PromtoolSupport.ALERTS).keySet();
        assertThat(alerts).containsExactlyInAnyOrder("TcpEchoDown", "TcpEchoConnectionsNearMax",
                "TcpEchoBufferMemoryNearMax", "TcpEchoFileDescriptorsNearLimit", "TcpEchoHeapNearFull", "TcpEchoErrorRate",
                "TcpEchoHighP99Latency");
        assertThat(fires).as("alerts with a firing case").containsAll(alerts);
        assertThat(staysQuiet).as("alerts with a quiet case").containsAll(alerts);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertTellsTheOperatorWhatHappenedAndWhatToDo() throws Exception {
        for (Map<String, Object> rule : PrometheusQueries.alertRules(PromtoolSupport.ALERTS)) {
            Map<String, String> labels = (Map<String, String>) rule.get("labels");
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(rule).as("%s", rule.get("alert")).containsKey("for");
            assertThat(labels).as("%s", rule.get("alert")).containsKey("severity");
            assertThat(labels.get("severity")).isIn("critical", "warning");
            assertThat(annotations).as("%s", rule.get("alert")).containsOnlyKeys("summary", "description", "runbook")
                    .allSatisfy((name, text) -> assertThat(text).isNotBlank());
        }
    }
}
