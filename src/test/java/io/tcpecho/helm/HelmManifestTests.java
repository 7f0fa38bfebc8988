package io.tcpecho.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HelmManifestTests {

    private static Map<Scenario, Rendering> renderings;

    @BeforeAll
    static void render() {
        renderings = Scenario.all().collect(Collectors.toMap((s) -> s, HelmChart::render));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void parsesEveryDocumentStrictlyIntoItsModel(Scenario scenario) {
        for (Map<String, Object> document : renderings.get(scenario).documents()) {
            if (KubernetesModels.isCoreKind(document)) {
                assertThat(KubernetesModels.parse(document)).isNotNull();
            }
            else {
                assertThat(document.get("apiVersion")).as("only Prometheus Operator kinds lack a model")
                    .isEqualTo("monitoring.coreos.com/v1");
                assertThat(document.get("kind")).isIn("ServiceMonitor", "PrometheusRule");
            }
        }
    }

    @Test
    void catchesAMisspeltFieldDeepInAManifest() {
        Map<String, Object> deployment = defaultDeploymentCopy();
        Map<String, Object> container = firstContainer(deployment);
        container.put("readinesProbe", container.remove("readinessProbe"));

        assertThatIllegalArgumentException().isThrownBy(() -> KubernetesModels.parse(deployment))
            .withMessageContaining("readinesProbe");
    }

    @Test
    void catchesAMisspeltFieldInASecurityContext() {
        Map<String, Object> deployment = defaultDeploymentCopy();
        HelmChart.asMap(firstContainer(deployment).get("securityContext")).put("readOnlyRootFileSystem", true);

        assertThatIllegalArgumentException().isThrownBy(() -> KubernetesModels.parse(deployment))
            .withMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void rendersTheCoreObjectsByDefaultAndNoOptionalOnes() {
        assertThat(renderings.get(Scenario.DEFAULTS).names()).containsExactlyInAnyOrder(
                "ServiceAccount/" + HelmChart.FULLNAME, "ConfigMap/" + HelmChart.FULLNAME,
                "Service/" + HelmChart.FULLNAME, "Deployment/" + HelmChart.FULLNAME,
                "PodDisruptionBudget/" + HelmChart.FULLNAME, "Pod/" + HelmChart.FULLNAME + "-test-echo");
    }

    @Test
    void rendersEveryOptionalObjectWhenEveryToggleIsOn() {
        assertThat(renderings.get(Scenario.EVERY_TOGGLE_ON).names()).contains(
                "ServiceMonitor/" + HelmChart.FULLNAME, "PrometheusRule/" + HelmChart.FULLNAME,
                "HorizontalPodAutoscaler/" + HelmChart.FULLNAME, "NetworkPolicy/" + HelmChart.FULLNAME,
                "PodDisruptionBudget/" + HelmChart.FULLNAME, "ConfigMap/" + HelmChart.FULLNAME + "-dashboard");
        assertThat(renderings.get(Scenario.EVERY_TOGGLE_ON).deployment().getSpec().getReplicas())
            .as("the HPA owns the replica count").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void hardensThePodsAndTheTestPod(Scenario scenario) {
        Rendering rendering = renderings.get(scenario);
        for (V1PodSpec pod : List.of(rendering.deployment().getSpec().getTemplate().getSpec(),
                rendering.testPod().getSpec())) {
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            V1Container container = pod.getContainers().getFirst();
            assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getSecurityContext().getPrivileged()).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(container.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
                assertThat(mount.getMountPath()).isEqualTo("/tmp");
                assertThat(volume(pod, mount.getName()).getEmptyDir()).isNotNull();
            });
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");
        }
        assertThat(rendering.model("ServiceAccount", HelmChart.FULLNAME, V1ServiceAccount.class)
                .getAutomountServiceAccountToken()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void probesTheActuatorPathsOnTheHttpPort(Scenario scenario) {
        V1Container container = renderings.get(scenario).container();

        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
                container.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("http");
        }
        assertThat(container.getPorts()).extracting("name").containsExactly("tcp", "http");
    }

    @Test
    void pausesBeforeSigtermWithTheSleepActionOrWithExecOnOlderClusters() {
        assertThat(renderings.get(Scenario.DEFAULTS).container().getLifecycle().getPreStop().getSleep().getSeconds())
            .isEqualTo(5L);
        assertThat(renderings.get(Scenario.CUSTOM_PORT_AND_FRAMING).container().getLifecycle().getPreStop().getExec()
            .getCommand()).containsExactly("sleep", "5");
    }

    @Test
    void configuresTheServiceTypeTrafficPolicyAndIpFamilies() {
        V1Service clusterIp = renderings.get(Scenario.DEFAULTS).service();
        assertThat(clusterIp.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(clusterIp.getSpec().getExternalTrafficPolicy()).as("rejected by the API for ClusterIP").isNull();
        assertThat(clusterIp.getSpec().getPorts()).extracting(V1ServicePort::getName).containsExactly("tcp", "http");

        V1Service loadBalancer = renderings.get(Scenario.LOAD_BALANCER).service();
        assertThat(loadBalancer.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(loadBalancer.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(loadBalancer.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(loadBalancer.getSpec().getIpFamilies()).containsExactly("IPv6", "IPv4");
        assertThat(loadBalancer.getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");
        assertThat(loadBalancer.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(30007);
    }

    @Test
    void mountsTheTlsSecretAndPointsTheBundleAtItWhenTlsIsOn() {
        Rendering rendering = renderings.get(Scenario.EVERY_TOGGLE_ON);
        V1PodSpec pod = rendering.deployment().getSpec().getTemplate().getSpec();

        assertThat(volume(pod, "tls").getSecret().getSecretName()).isEqualTo("tcp-echo-tls");
        assertThat(rendering.container().getVolumeMounts()).anySatisfy((mount) -> {
            assertThat(mount.getName()).isEqualTo("tls");
            assertThat(mount.getMountPath()).isEqualTo("/etc/tcp-echo/tls");
        });
        assertThat(rendering.applicationYmlText()).contains("certificate: file:/etc/tcp-echo/tls/tls.crt",
                "private-key: file:/etc/tcp-echo/tls/tls.key");
        assertThat(HelmChart.leafPaths(rendering.applicationYml())).contains("echo.tcp.ssl.bundle",
                "spring.ssl.bundle.pem.tcp-echo.keystore.certificate");
        assertThat(HelmConsistencyTests.value(rendering.applicationYml(), "echo.tcp.ssl.bundle")).isEqualTo("tcp-echo");

        V1Container client = rendering.testPod().getSpec().getContainers().getFirst();
        assertThat(client.getArgs()).containsSequence("--ssl-bundle", "helm-test");
        assertThat(client.getEnv()).anySatisfy((env) -> {
            assertThat(env.getName()).isEqualTo("SPRING_APPLICATION_JSON");
            assertThat(env.getValue()).contains("\"helm-test\"", "\"certificate\":\"file:/etc/tcp-echo/tls/ca.crt\"");
        });
        assertThat(volume(rendering.testPod().getSpec(), "tls").getSecret().getSecretName()).isEqualTo("tcp-echo-tls");
    }

    @Test
    void rollsThePodsWhenAndOnlyWhenTheConfigChanges() {
        assertThat(checksum(Scenario.LOAD_BALANCER)).isEqualTo(checksum(Scenario.DEFAULTS));
        assertThat(checksum(Scenario.CUSTOM_PORT_AND_FRAMING)).isNotEqualTo(checksum(Scenario.DEFAULTS));
        assertThat(checksum(Scenario.EVERY_TOGGLE_ON)).as("TLS changes application.yml")
            .isNotEqualTo(checksum(Scenario.DEFAULTS));
    }

    @Test
    void validatesTheServiceMonitorAndPrometheusRuleStructurally() {
        Rendering rendering = renderings.get(Scenario.EVERY_TOGGLE_ON);
        Map<String, Object> serviceMonitor = rendering.get("ServiceMonitor", HelmChart.FULLNAME);
        assertThat(serviceMonitor.keySet()).containsExactlyInAnyOrder("apiVersion", "kind", "metadata", "spec");
        assertThat(Rendering.metadata(serviceMonitor)).containsEntry("namespace", HelmChart.NAMESPACE);
        assertThat(HelmChart.asMap(Rendering.metadata(serviceMonitor).get("labels")))
            .containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> spec = HelmChart.asMap(serviceMonitor.get("spec"));
        assertThat(spec.keySet()).containsExactlyInAnyOrder("selector", "namespaceSelector", "endpoints");
        List<Map<String, Object>> endpoints = list(spec.get("endpoints"));
        assertThat(endpoints).singleElement().satisfies((endpoint) -> {
            assertThat(endpoint.keySet()).containsExactlyInAnyOrder("port", "path", "interval", "scrapeTimeout");
            assertThat(endpoint).containsEntry("interval", "15s");
        });

        Map<String, Object> prometheusRule = rendering.get("PrometheusRule", HelmChart.FULLNAME);
        assertThat(prometheusRule.keySet()).containsExactlyInAnyOrder("apiVersion", "kind", "metadata", "spec");
        assertThat(HelmChart.asMap(prometheusRule.get("spec")).keySet()).containsExactly("groups");
        for (Map<String, Object> group : list(HelmChart.asMap(prometheusRule.get("spec")).get("groups"))) {
            assertThat(group).containsKeys("name", "rules");
            for (Map<String, Object> rule : list(group.get("rules"))) {
                assertThat(rule).containsKey("expr");
                assertThat(rule.containsKey("alert") ^ rule.containsKey("record")).as("alert or record: %s", rule)
                    .isTrue();
                assertThat(rule.keySet()).isSubsetOf("alert", "record", "expr", "for", "keep_firing_for", "labels",
                        "annotations");
            }
        }
    }

    private static String checksum(Scenario scenario) {
        V1Deployment deployment = renderings.get(scenario).deployment();
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    /** A copy to misspell in, leaving the shared rendering intact. */
    private static Map<String, Object> defaultDeploymentCopy() {
        return HelmChart.loadMap(HelmChart.dump(renderings.get(Scenario.DEFAULTS).get("Deployment", HelmChart.FULLNAME)));
    }

    private static V1Volume volume(V1PodSpec pod, String name) {
        return pod.getVolumes().stream().filter((volume) -> volume.getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, Object> firstContainer(Map<String, Object> deployment) {
        Map<String, Object> podSpec = HelmChart.asMap(HelmChart.asMap(HelmChart.asMap(deployment.get("spec"))
            .get("template")).get("spec"));
        return list(podSpec.get("containers")).getFirst();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object yaml) {
        return new ArrayList<>((List<Map<String, Object>>) yaml);
    }
}
