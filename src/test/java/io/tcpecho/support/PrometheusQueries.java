package io.tcpecho.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** The PromQL in the repository's alert rules and Grafana dashboard, and the metric names it selects. */
public final class PrometheusQueries {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

    private static final Pattern GROUPING = Pattern
            .compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);

    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-z]+", Pattern.CASE_INSENSITIVE);

    /** An identifier not preceded by a digit or dot (so not the {@code m} of {@code 5m} or the {@code e} of {@code 1e3}). */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "inf", "nan", "group_left",
            "group_right");

    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

    private PrometheusQueries() {
    }

    /**
     * Metric names a PromQL expression selects: identifiers that are not functions, aggregations,
     * keywords, label names, durations or strings. Name matchers such as {@code {__name__=~"..."}}
     * are refused, so every name stays visible to this check.
     */
    public static Set<String> metricNames(String promql) {
        assertThat(promql).as("selects metrics by name, not by __name__").doesNotContain("__name__");
        String stripped = promql.replaceAll("\\$\\{?\\w+}?", "x");
        stripped = STRING.matcher(stripped).replaceAll("\"\"");
        stripped = stripped.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^\\]]*\\]", " ");
        stripped = GROUPING.matcher(stripped).replaceAll(" ");
        stripped = OFFSET.matcher(stripped).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(stripped);
        while (identifier.find()) {
            String name = identifier.group();
            boolean function = stripped.substring(identifier.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** Alert name to expression, from a rule file. */
    public static Map<String, String> alertExpressions(Path ruleFile) throws IOException {
        Map<String, String> alerts = new LinkedHashMap<>();
        for (Map<String, Object> rule : alertRules(ruleFile)) {
            alerts.put((String) rule.get("alert"), (String) rule.get("expr"));
        }
        return alerts;
    }

    /** The alerting rules of a rule file, as parsed YAML maps. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> alertRules(Path ruleFile) throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(ruleFile));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                if (rule.containsKey("alert")) {
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    /**
     * Every query of a Grafana dashboard, with Grafana's variables left in: panel targets (rows
     * included) and the series selectors of {@code label_values(...)} variables.
     */
    public static List<String> dashboardQueries(Path dashboard) throws IOException {
        String json = Files.readString(dashboard);
        List<String> queries = new ArrayList<>(JsonPath.<List<String>>read(json, "$..targets[*].expr"));
        List<Object> variables = JsonPath.read(json, "$.templating.list[?(@.type == 'query')].query");
        for (Object variable : variables) {
            String query = variable instanceof Map<?, ?> map ? (String) map.get("query") : (String) variable;
            Matcher labelValues = LABEL_VALUES.matcher(query);
            queries.add(labelValues.matches() ? labelValues.group(1) : query);
        }
        return queries;
    }

    /** A dashboard query as Grafana sends it for one application and all instances. */
    public static String withGrafanaVariables(String query) {
        return query.replace("$__rate_interval", "1m")
                .replace("${datasource}", "prometheus")
                .replace("$application", "tcp-echo")
                .replace("$instance", ".*");
    }
}
