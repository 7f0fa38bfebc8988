package io.tcpecho.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PodSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile can't be built here; it must still agree with what the chart assumes of the image. */
class HelmImageTests {

    private static List<String> finalStage;

    private static Rendering rendering;

    @BeforeAll
    static void read() throws IOException {
        finalStage = finalStage(Files.readAllLines(Path.of("Dockerfile")));
        rendering = HelmChart.render(Scenario.DEFAULTS);
    }

    @Test
    void runsOnAJre25BaseAsTheNonRootUserTheChartRunsAs() {
        assertThat(finalStage.getFirst()).matches("FROM \\S+:25[-.]?\\S*jre\\S*");
        String user = instruction("USER");
        assertThat(user).as("numeric, so runAsNonRoot can verify it").matches("\\d+(:\\d+)?");
        long uid = Long.parseLong(user.split(":")[0]);
        assertThat(uid).isNotZero();

        V1PodSpec pod = rendering.deployment().getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(uid);
        assertThat(rendering.container().getSecurityContext().getRunAsUser()).isEqualTo(uid);
        if (user.contains(":")) {
            assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(Long.parseLong(user.split(":")[1]));
        }
    }

    @Test
    void exposesThePortsOfTheDefaultConfig() {
        Map<String, Object> config = rendering.applicationYml();

        assertThat(instruction("EXPOSE").split("\\s+")).containsExactly(
                String.valueOf(HelmConsistencyTests.value(config, "echo.tcp.port")),
                String.valueOf(HelmConsistencyTests.value(config, "server.port")));
    }

    @Test
    void keepsConfigInTheWorkingDirectoryWhereTheChartMountsIt() {
        String workdir = instruction("WORKDIR");
        V1Container container = rendering.container();

        assertThat(container.getWorkingDir()).isEqualTo(workdir);
        assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
            assertThat(mount.getName()).isEqualTo("config");
            assertThat(mount.getMountPath()).isEqualTo(workdir + "/config");
        });
        assertThat(finalStage).contains("COPY config/application.yml config/application.yml");
    }

    @Test
    void startsTheLayeredJarExactlyAsTheDeploymentAndHelmTestDo() {
        List<String> entrypoint = List.of(new Gson().fromJson(instruction("ENTRYPOINT"), String[].class));

        assertThat(rendering.container().getCommand()).isEqualTo(entrypoint);
        assertThat(rendering.testPod().getSpec().getContainers().getFirst().getCommand()).isEqualTo(entrypoint);
        assertThat(entrypoint).containsExactly("java", "-jar", instruction("WORKDIR") + "/tcp-echo.jar");
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(finalStage).anyMatch((line) -> line.matches("COPY --from=\\S+ \\S+/" + layer + "/ \\./"));
        }
    }

    @Test
    void sendsOnlyTheJarAndTheConfigToTheBuild() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
            .filter((line) -> !line.isBlank() && !line.startsWith("#")).toList();

        assertThat(rules).containsExactly("*", "!target/tcp-echo.jar", "!config/application.yml");
    }

    /** The instructions after the last FROM, continuation lines joined. */
    private static List<String> finalStage(List<String> lines) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            current.append(trimmed.endsWith("\\") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
            if (!trimmed.endsWith("\\")) {
                instructions.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        int lastFrom = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        return instructions.subList(lastFrom, instructions.size());
    }

    private static String instruction(String name) {
        return finalStage.stream().filter((line) -> line.startsWith(name + " ")).reduce((first, last) -> last)
            .map((line) -> line.substring(name.length() + 1).strip())
            .orElseThrow(() -> new AssertionError("the Dockerfile's final stage has no " + name));
    }
}
