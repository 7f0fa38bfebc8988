package io.tcpecho.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.tcpecho.helm.HelmChart;
import io.tcpecho.helm.Rendering;
import io.tcpecho.reliability.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code helm test} against the chart's pod, both run as processes from the image's files, without a
 * container engine or a cluster (this machine has neither). The image is built from the Dockerfile
 * ({@link ImageFiles}). The server starts with the rendered Deployment's command, working directory
 * and environment, the rendered ConfigMap where the Deployment mounts it; once its readiness probe
 * answers, the rendered test pod's command, arguments and environment run the client against it,
 * which must exit 0.
 *
 * <p>What a pod has that a process here does not, and what stands in for it:
 * <ul>
 * <li>a network of its own: the server binds free ports on loopback ({@link EchoProcess}) instead of
 * the rendered ones;</li>
 * <li>the Service: its name resolves to loopback through the JDK's hosts file, and the test pod is
 * rendered with the Service's port set to the server's, so its arguments are used as rendered;</li>
 * <li>the memory limit: {@code -XX:MaxRAM} of the rendered limit, so that the rendered
 * {@code MaxRAMPercentage} sizes the heap as in the pod;</li>
 * <li>a Secret's volume: {@code tls.mountPath} points at the test's certificate files;</li>
 * <li>the image's JRE, its user and its read-only root: the build's JDK 25, the test's user, and a
 * check that the server wrote nothing into the image's files.</li>
 * </ul>
 * The stand-ins go in {@code JAVA_TOOL_OPTIONS}, so the rendered {@code JDK_JAVA_OPTIONS} reach the
 * JVM as they are.
 */
class HelmPodEndToEndTests {

    private static final Duration CLIENT_RUN = Duration.ofMinutes(2);

    @TempDir
    static Path work;

    private static Path image;

    private static int pods;

    @BeforeAll
    static void buildImage() throws Exception {
        image = ImageFiles.build(Files.createDirectories(work.resolve("image")));
    }

    @Test
    void helmTestPassesAgainstThePodOfTheDefaultValues() throws Exception {
        String log = podAndHelmTest((servicePort) -> """
                service:
                  ports:
                    tcp: %d
                """.formatted(servicePort));

        assertThat(log).contains("(framing crlf,");
    }

    @Test
    void helmTestPassesWithTheFramingAndPortsOfTheValues() throws Exception {
        String log = podAndHelmTest((servicePort) -> """
                config:
                  echo:
                    tcp:
                      port: 9007
                      framing: length-header-2
                  server:
                    port: 9090
                service:
                  ports:
                    tcp: %d
                """.formatted(servicePort));

        assertThat(log).contains("(framing length-header-2,");
    }

    @Test
    void helmTestPassesOverTlsTrustingTheSecretsCa() throws Exception {
        Path secret = work.resolve("secret");
        // The Service's names, as the chart's tls.secretName asks of the certificate.
        TestCertificates certificates = TestCertificates.create(secret, "rel-tcp-echo",
                "dns:rel-tcp-echo,dns:rel-tcp-echo.echo.svc");
        Files.copy(certificates.certificatePem(), secret.resolve("ca.crt"));

        String log = podAndHelmTest((servicePort) -> """
                tls:
                  enabled: true
                  secretName: tcp-echo-tls
                  mountPath: %s
                service:
                  ports:
                    tcp: %d
                """.formatted(secret.toAbsolutePath(), servicePort));

        assertThat(log).contains("(framing crlf,").contains(" bytes, TLS)")
            .as("the pod's heap holds fewer idle TLS connections than max-connections, and says so")
            .contains("echo.tcp.max-connections of 20000 TLS connections needs about");
    }

    /**
     * Starts the pod that {@code values} render, runs the test pod against it, checks that its one
     * message was echoed and that the pod wrote nothing into the image, and returns the pod's log.
     *
     * @param values the values, given the Service's port
     */
    private static String podAndHelmTest(IntFunction<String> values) throws Exception {
        Rendering server = HelmChart.render(values.apply(7007));
        V1Container container = server.container();
        Path pod = pod(server.deployment().getSpec().getTemplate().getSpec(), container, server);
        Map<Path, String> imageFiles = ImageFiles.snapshot(pod);
        String log;
        try (EchoProcess app = EchoProcess.start(work, command(pod, container), ImageFiles.within(pod,
                container.getWorkingDir()), environment(container, memoryLimit(container)))) {
            String readiness = container.getReadinessProbe().getHttpGet().getPath();
            await("readiness").atMost(EchoProcess.STARTUP).untilAsserted(() -> assertThat(app.httpStatus(readiness))
                .as("GET %s", readiness).isEqualTo(200));

            Rendering test = HelmChart.render(values.apply(app.tcpPort()));
            V1Container client = test.testPod().getSpec().getContainers().getFirst();
            Path testPod = pod(test.testPod().getSpec(), client, test);
            Path hosts = Files.writeString(work.resolve("hosts-" + pods),
                    "127.0.0.1 " + test.service().getMetadata().getName() + "\n");
            Map<String, String> environment = environment(client,
                    memoryLimit(client) + " -Djdk.net.hosts.file=" + hosts.toAbsolutePath());
            List<String> command = command(testPod, client);
            command.addAll(client.getArgs());

            EchoProcess.Result result = EchoProcess.run(work, command, ImageFiles.within(testPod, client.getWorkingDir()),
                    environment, CLIENT_RUN);

            assertThat(result.exitCode()).as("the helm test pod's exit code; its output:%n%s", result.output()).isZero();
            assertThat(result.output()).contains("hello from helm test");
            String metrics = app.httpGet(server.deployment().getSpec().getTemplate().getMetadata().getAnnotations()
                .get("prometheus.io/path"));
            assertThat(metrics).as("the pod's scrape").containsPattern("(?m)^echo_messages_total\\{[^}]*} 1\\.0$")
                .containsPattern("(?m)^echo_connections_opened_total\\{[^}]*} 1\\.0$");
            app.terminate();
            assertThat(app.awaitExit(Duration.ofSeconds(server.deployment().getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds()))).as("exit code after SIGTERM").isZero();
            log = app.log();
        }
        assertThat(log).contains("NOTE: Picked up JDK_JAVA_OPTIONS: " + env(container, "JDK_JAVA_OPTIONS"));
        assertThat(ImageFiles.snapshot(pod)).as("the image's files (a read-only root in the pod)").isEqualTo(imageFiles);
        return log;
    }

    /** A pod's own copy of the image's files, with its ConfigMap mounted and its other volumes checked. */
    private static Path pod(V1PodSpec spec, V1Container container, Rendering rendering) throws IOException {
        Path pod = work.resolve("pod-" + pods++);
        ImageFiles.copyTree(image, pod, true);
        for (V1VolumeMount mount : container.getVolumeMounts()) {
            V1Volume volume = spec.getVolumes().stream().filter((v) -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow();
            if (volume.getConfigMap() != null) {
                assertThat(volume.getConfigMap().getName()).isEqualTo(rendering.configMap().getMetadata().getName());
                // A mount hides what the image has at its path.
                Path directory = ImageFiles.within(pod, mount.getMountPath());
                FileSystemUtils.deleteRecursively(directory);
                Files.createDirectories(directory);
                for (Map.Entry<String, String> file : rendering.configMap().getData().entrySet()) {
                    Files.writeString(directory.resolve(file.getKey()), file.getValue());
                }
            }
            else if (volume.getSecret() != null) {
                assertThat(Path.of(mount.getMountPath()).resolve("tls.crt")).as("the Secret's files").isRegularFile();
            }
            else {
                assertThat(volume.getEmptyDir()).as("volume %s", volume.getName()).isNotNull();
                assertThat(mount.getMountPath()).as("the one empty directory, the machine's").isEqualTo("/tmp");
            }
        }
        return pod;
    }

    /** The container's command: the image's {@code java} is the build's, its absolute paths are in the pod's files. */
    private static List<String> command(Path pod, V1Container container) {
        List<String> command = new ArrayList<>();
        for (String word : container.getCommand()) {
            command.add(word.equals("java") ? EchoProcess.java() : word.startsWith("/") ? ImageFiles.within(pod, word)
                .toString() : word);
        }
        return command;
    }

    private static Map<String, String> environment(V1Container container, String standIns) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (V1EnvVar variable : container.getEnv()) {
            assertThat(variable.getValueFrom()).as("env %s from a source a process here has not", variable.getName()).isNull();
            environment.put(variable.getName(), variable.getValue());
        }
        assertThat(environment).doesNotContainKey("JAVA_TOOL_OPTIONS");
        environment.put("JAVA_TOOL_OPTIONS", standIns);
        return environment;
    }

    private static String env(V1Container container, String name) {
        return container.getEnv().stream().filter((variable) -> variable.getName().equals(name)).findFirst().orElseThrow()
            .getValue();
    }

    /** The container's memory limit as the JVM's physical memory, which its MaxRAMPercentage is a share of. */
    private static String memoryLimit(V1Container container) {
        Quantity limit = container.getResources().getLimits().get("memory");
        return "-XX:MaxRAM=" + limit.getNumber().toBigIntegerExact();
    }
}
