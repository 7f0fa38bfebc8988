package io.tcpecho.helm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/** The mismatches charts really ship: between the chart's objects, the app's config and the repo. */
class HelmConsistencyTests {

    private static Map<Scenario, Rendering> renderings;

    @BeforeAll
    static void render() {
        renderings = Scenario.all().collect(Collectors.toMap((s) -> s, HelmChart::render));
    }

    @Test
    void mirrorsTheRepoApplicationYmlKeyForKeyInValuesConfig() {
        Map<String, Object> applicationYml = HelmChart.load(Path.of("config", "application.yml"));
        Map<String, Object> values = HelmChart.load(HelmChart.CHART.resolve("values.yaml"));

        assertThat(HelmChart.leafPaths(HelmChart.asMap(values.get("config"))))
            .containsExactlyElementsOf(HelmChart.leafPaths(applicationYml).toList());
        assertThat(values.get("config")).isEqualTo(applicationYml);
        assertThat(renderings.get(Scenario.DEFAULTS).applicationYml()).isEqualTo(applicationYml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void rendersTheConfigValuesAsTheApplicationYml(Scenario scenario) {
        Map<String, Object> expected = HelmChart.asMap(HelmChart.deepMerge(
                HelmChart.load(HelmChart.CHART.resolve("values.yaml")), HelmChart.loadMap(scenario.values()))
            .get("config"));
        Map<String, Object> rendered = renderings.get(scenario).applicationYml();

        if (scenario == Scenario.EVERY_TOGGLE_ON) {
            assertThat(rendered.keySet()).isEqualTo(expected.keySet());
            assertThat(HelmChart.leafPaths(rendered)).containsAll(HelmChart.leafPaths(expected).toList());
        }
        else {
            assertThat(rendered).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void opensTheContainerPortsTheApplicationYmlListensOn(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        Map<String, Object> config = rendering.applicationYml();

        assertThat(containerPort(rendering.container(), "tcp")).isEqualTo(value(config, "echo.tcp.port"));
        assertThat(containerPort(rendering.container(), "http")).isEqualTo(value(config, "server.port"));
        V1Service service = rendering.service();
        assertThat(service.getSpec().getPorts()).allSatisfy((port) -> {
            assertThat(port.getTargetPort().getStrValue()).isEqualTo(port.getName());
            assertThat(rendering.container().getPorts()).extracting(V1ContainerPort::getName).contains(port.getName());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void pointsTheHelmTestPodAtTheServiceTcpPortWithTheServerFraming(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        V1Pod testPod = rendering.testPod();
        V1Container client = testPod.getSpec().getContainers().getFirst();
        V1Service service = rendering.service();
        List<String> args = client.getArgs();

        assertThat(testPod.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "test");
        assertThat(testPod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(args.getFirst()).isEqualTo("client");
        assertThat(option(args, "--host")).isEqualTo(service.getMetadata().getName());
        assertThat(Integer.valueOf(option(args, "--port"))).isEqualTo(servicePort(service, "tcp").getPort());
        assertThat(option(args, "--framing")).isEqualTo(value(rendering.applicationYml(), "echo.tcp.framing"));
        assertThat(args.subList(args.indexOf("--") + 1, args.size()))
            .containsExactly("hello from helm test")
            .doesNotContain(String.valueOf(value(rendering.applicationYml(), "echo.tcp.quit-command")));
        assertThat(client.getCommand()).isEqualTo(rendering.container().getCommand());
        assertThat(client.getImage()).isEqualTo(rendering.container().getImage());
        assertThat(client.getWorkingDir()).isEqualTo(rendering.container().getWorkingDir());
        assertThat(selects(service.getSpec().getSelector(), testPod.getMetadata().getLabels()))
            .as("the Service must not route echo traffic to the test pod").isFalse();
    }

    @Test
    void letsTheHelmTestPodThroughARestrictiveNetworkPolicy() {
        Rendering rendering = renderings.get(Scenario.EVERY_TOGGLE_ON);
        Map<String, String> testPodLabels = rendering.testPod().getMetadata().getLabels();
        V1NetworkPolicyIngressRule tcpRule = ingressRule(rendering, "tcp");

        assertThat(tcpRule.getFrom()).anySatisfy((peer) -> assertThat(peer.getPodSelector()).isNotNull()
            .satisfies((selector) -> assertThat(selects(selector.getMatchLabels(), testPodLabels)).isTrue()));
        assertThat(tcpRule.getFrom()).anySatisfy((peer) -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.0.0.0/8"));
        assertThat(ingressRule(rendering, "http").getFrom()).singleElement()
            .satisfies((peer) -> assertThat(peer.getNamespaceSelector()).isNotNull());
        assertThat(selects(rendering.networkPolicy().getSpec().getPodSelector().getMatchLabels(), podLabels(rendering)))
            .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void selectsTheServerPodsFromEveryObjectThatSelects(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        Map<String, String> podLabels = podLabels(rendering);

        assertThat(selects(rendering.deployment().getSpec().getSelector().getMatchLabels(), podLabels)).isTrue();
        assertThat(selects(rendering.service().getSpec().getSelector(), podLabels)).isTrue();
        rendering.find("PodDisruptionBudget", HelmChart.FULLNAME)
            .map((document) -> KubernetesModels.parse(document, V1PodDisruptionBudget.class))
            .ifPresent((pdb) -> assertThat(selects(pdb.getSpec().getSelector().getMatchLabels(), podLabels)).isTrue());
        rendering.find("HorizontalPodAutoscaler", HelmChart.FULLNAME)
            .map((document) -> KubernetesModels.parse(document, V2HorizontalPodAutoscaler.class))
            .ifPresent((hpa) -> assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(rendering.deployment().getMetadata().getName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void givesTheDrainTimeToFinishBeforeTheKill(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        V1Deployment deployment = rendering.deployment();
        Duration drain = DurationStyle.detectAndParse(
                String.valueOf(value(rendering.applicationYml(), "echo.tcp.shutdown.drain-timeout")));
        var preStop = rendering.container().getLifecycle().getPreStop();
        long pause = (preStop.getSleep() != null) ? preStop.getSleep().getSeconds()
                : Long.parseLong(preStop.getExec().getCommand().getLast());

        assertThat(pause).isPositive();
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
            .isGreaterThan(pause + drain.toSeconds());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void scrapesTheHttpPortAtThePrometheusPath(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        Map<String, String> annotations = rendering.deployment().getSpec().getTemplate().getMetadata().getAnnotations();

        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/path", "/actuator/prometheus")
            .containsEntry("prometheus.io/port", String.valueOf(containerPort(rendering.container(), "http")));
    }

    @Test
    void pointsTheServiceMonitorAtTheServiceHttpPort() {
        Rendering rendering = renderings.get(Scenario.EVERY_TOGGLE_ON);
        Map<String, Object> spec = HelmChart.asMap(rendering.get("ServiceMonitor", HelmChart.FULLNAME).get("spec"));
        Map<String, Object> endpoint = HelmManifestTests.list(spec.get("endpoints")).getFirst();
        V1Service service = rendering.service();
        @SuppressWarnings("unchecked")
        Map<String, String> matchLabels = (Map<String, String>) HelmChart.asMap(spec.get("selector")).get("matchLabels");

        assertThat(selects(matchLabels, service.getMetadata().getLabels())).isTrue();
        assertThat(HelmChart.asMap(spec.get("namespaceSelector")).get("matchNames")).isEqualTo(List.of(HelmChart.NAMESPACE));
        assertThat(servicePort(service, (String) endpoint.get("port")).getTargetPort().getStrValue()).isEqualTo("http");
        assertThat(endpoint.get("path")).isEqualTo(
                rendering.deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path"));
    }

    @Test
    void shipsTheRepoAlertRulesAsThePrometheusRule() {
        Map<String, Object> alerts = HelmChart.load(HelmChart.CHART.resolve("files/prometheus/alerts.yml"));
        Map<String, Object> rule = renderings.get(Scenario.EVERY_TOGGLE_ON).get("PrometheusRule", HelmChart.FULLNAME);

        assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(HelmChart.asMap(rule.get("spec")).get("groups")).isEqualTo(alerts.get("groups"));
    }

    @Test
    void shipsTheRepoDashboardForTheGrafanaSidecar() throws Exception {
        Map<String, Object> configMap = renderings.get(Scenario.EVERY_TOGGLE_ON)
            .get("ConfigMap", HelmChart.FULLNAME + "-dashboard");

        assertThat(HelmChart.asMap(Rendering.metadata(configMap).get("labels"))).containsEntry("grafana_dashboard", "1");
        assertThat(HelmChart.asMap(configMap.get("data")).get("tcp-echo-dashboard.json")).isEqualTo(
                Files.readString(HelmChart.CHART.resolve("files/grafana/tcp-echo-dashboard.json")).stripTrailing());
    }

    @Test
    void followsTheProjectVersionInAppVersion() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String projectVersion = projectVersion(pom);
        Map<String, Object> chart = HelmChart.load(HelmChart.CHART.resolve("Chart.yaml"));

        assertThat(chart.get("appVersion")).isEqualTo(projectVersion);
        assertThat(renderings.get(Scenario.DEFAULTS).container().getImage()).isEqualTo("tcp-echo:" + projectVersion);
    }

    /** The project's own version: a direct child of project, not the parent's. */
    private static String projectVersion(Document pom) {
        var children = pom.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if ("version".equals(children.item(i).getNodeName())) {
                return children.item(i).getTextContent().trim();
            }
        }
        throw new AssertionError("pom.xml has no project version");
    }

    static Object value(Map<String, Object> tree, String dottedPath) {
        Object node = tree;
        for (String key : dottedPath.split("\\.")) {
            node = HelmChart.asMap(node).get(key);
        }
        return node;
    }

    private static Integer containerPort(V1Container container, String name) {
        return container.getPorts().stream().filter((port) -> name.equals(port.getName())).findFirst()
            .map(V1ContainerPort::getContainerPort).orElseThrow(() -> new AssertionError("no container port " + name));
    }

    private static V1ServicePort servicePort(V1Service service, String name) {
        return service.getSpec().getPorts().stream().filter((port) -> name.equals(port.getName())).findFirst()
            .orElseThrow(() -> new AssertionError("no Service port " + name));
    }

    private static V1NetworkPolicyIngressRule ingressRule(Rendering rendering, String portName) {
        return rendering.networkPolicy().getSpec().getIngress().stream()
            .filter((rule) -> rule.getPorts().stream().anyMatch((port) -> portName.equals(port.getPort().getStrValue())))
            .findFirst().orElseThrow(() -> new AssertionError("no ingress rule for port " + portName));
    }

    private static Map<String, String> podLabels(Rendering rendering) {
        return rendering.deployment().getSpec().getTemplate().getMetadata().getLabels();
    }

    private static String option(List<String> args, String name) {
        return args.get(args.indexOf(name) + 1);
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
