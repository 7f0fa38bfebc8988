package io.tcpecho.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** values.yaml comments every value, and the README documents every value and how to install and test. */
class HelmDocumentationTests {

    private static final Path VALUES = HelmChart.CHART.resolve("values.yaml");

    private static final Pattern KEY = Pattern.compile("^(\\s*)([^\\s#:-][^:]*):(\\s.*)?$");

    @Test
    void commentsEveryValueInValuesYaml() throws IOException {
        Set<String> documented = documentedPaths(Files.readAllLines(VALUES));
        Map<String, Object> values = HelmChart.load(VALUES);

        assertThat(HelmChart.leafPaths(values).toList()).allSatisfy((path) -> assertThat(documented)
            .as("a `# --` comment on %s or on a value it belongs to", path)
            .anyMatch((candidate) -> path.equals(candidate) || path.startsWith(candidate + ".")));
    }

    @Test
    void documentsEveryValueInTheReadme() throws IOException {
        String readme = Files.readString(readme());
        List<String> expected = new ArrayList<>(documentedPaths(Files.readAllLines(VALUES)));
        expected.remove("config");
        HelmChart.leafPaths(HelmChart.asMap(HelmChart.load(VALUES).get("config")))
            .forEach((path) -> expected.add("config." + path));

        assertThat(expected).allSatisfy((path) -> assertThat(readme).as("a values-table row for %s", path)
            .containsPattern("(?m)^\\| `" + Pattern.quote(path) + "` \\|"));
    }

    @Test
    void showsHowToInstallTestAndMonitorWithThePrometheusOperator() throws IOException {
        String readme = Files.readString(readme());

        assertThat(readme).contains("helm install ", "helm test ", "serviceMonitor:", "prometheusRule:",
                "release: kube-prometheus-stack");
    }

    @Test
    void printsHowToReachTheServiceAndRunTheClientAndBenchOnInstall() {
        assertThat(HelmChart.installOutput(Scenario.DEFAULTS)).contains(
                "kubectl port-forward -n echo service/rel-tcp-echo 7007:7007",
                "client --host rel-tcp-echo --port 7007 --framing crlf hello", "helm test rel -n echo",
                "bench --host rel-tcp-echo --port 7007 --framing crlf --mode echo --connections 50 --duration 30s");
        assertThat(HelmChart.installOutput(Scenario.LOAD_BALANCER)).contains(".status.loadBalancer.ingress[0]",
                "export ECHO_PORT=7007");
        assertThat(HelmChart.installOutput(Scenario.CUSTOM_PORT_AND_FRAMING))
            .contains("client --host rel-tcp-echo --port 7 --framing length-header-2 hello")
            .as("bench generates crlf, lf and raw only").doesNotContain("bench --host");
    }

    /** The lead pastes the chart's section into README.md; -Dtcpecho.readme=FILE checks a draft instead. */
    private static Path readme() {
        return Path.of(System.getProperty("tcpecho.readme", "README.md"));
    }

    /** Dotted paths of the keys with a comment block starting `# --` right above them. */
    static Set<String> documentedPaths(List<String> lines) {
        Set<String> documented = new LinkedHashSet<>();
        Deque<Map.Entry<Integer, String>> parents = new ArrayDeque<>();
        boolean commented = false;
        boolean inCommentBlock = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                commented |= !inCommentBlock && trimmed.startsWith("# --");
                inCommentBlock = true;
                continue;
            }
            inCommentBlock = false;
            Matcher key = KEY.matcher(line);
            if (!trimmed.isEmpty() && !trimmed.startsWith("- ") && key.matches()) {
                int indent = key.group(1).length();
                while (!parents.isEmpty() && parents.peek().getKey() >= indent) {
                    parents.pop();
                }
                List<String> path = new ArrayList<>(parents.stream().map(Map.Entry::getValue).toList().reversed());
                path.add(key.group(2));
                if (commented) {
                    documented.add(String.join(".", path));
                }
                parents.push(Map.entry(indent, key.group(2)));
            }
            commented = false;
        }
        return documented;
    }
}
