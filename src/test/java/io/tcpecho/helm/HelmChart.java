package io.tcpecho.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Lints and renders helm/tcp-echo with the embedded Helm of helm-java. */
public final class HelmChart {

    static final Path CHART = Path.of("helm", "tcp-echo");

    static final String RELEASE = "rel";

    static final String NAMESPACE = "echo";

    static final String FULLNAME = RELEASE + "-tcp-echo";

    /**
     * helm-java's template returns only the release manifest, without hooks, so the helm-test pod
     * would never be seen. The copy of the chart that tests render gets this extra template, which
     * re-emits the test pod as a plain manifest under a renamed hook annotation; {@link Rendering}
     * renames it back.
     */
    static final String RENAMED_HOOK_PREFIX = "rendered-as-manifest.test/";

    private static final String HOOKS_AS_MANIFESTS = """
            {{ include "tcp-echo/templates/tests/test-echo.yaml" . | replace "helm.sh/hook" "%shelm.sh-hook" }}
            """.formatted(RENAMED_HOOK_PREFIX);

    private static final Path WORK = Path.of("target", "helm-tests");

    private static Path renderableChart;

    private HelmChart() {
    }

    /** Renders the chart; each test class calls this once per scenario (rendering takes a moment). */
    static Rendering render(Scenario scenario) {
        return new Rendering(loadAll(template(scenario.values(), scenario.kubeVersion())));
    }

    public static Rendering render(String values) {
        return render(new Scenario("ad hoc", values, Scenario.KUBE_VERSION));
    }

    /** The message rendering fails with: a schema violation or a template's {@code fail}. */
    static String renderingError(String values) {
        try {
            template(values, Scenario.KUBE_VERSION);
        }
        catch (IllegalStateException ex) {
            return ex.getMessage();
        }
        throw new AssertionError("rendering succeeded with values:\n" + values);
    }

    /** What {@code helm install} prints: the rendered NOTES.txt among it. */
    static String installOutput(Scenario scenario) {
        Path valuesFile = WORK.resolve("values-" + UUID.randomUUID() + ".yaml");
        write(valuesFile, scenario.values());
        return new Helm(renderableChart()).install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(scenario.kubeVersion())
            .withValuesFile(valuesFile)
            .dryRun()
            .clientOnly()
            .call()
            .getOutput();
    }

    /**
     * {@code helm lint --strict} of the chart with the scenario's values. helm-java's lint takes no
     * values file, so it lints a copy whose values.yaml is the defaults merged with the scenario.
     */
    static LintResult lint(Scenario scenario) {
        Path chart = copyChart();
        Map<String, Object> values = deepMerge(load(CHART.resolve("values.yaml")), loadMap(scenario.values()));
        write(chart.resolve("values.yaml"), new Yaml().dump(values));
        return new Helm(chart).lint().strict().call();
    }

    static Map<String, Object> load(Path yamlFile) {
        try {
            return loadMap(Files.readString(yamlFile));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Map<String, Object> loadMap(String yaml) {
        Map<String, Object> map = yaml().load(yaml);
        return (map != null) ? map : new LinkedHashMap<>();
    }

    static String dump(Object yaml) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(yaml);
    }

    private static String template(String values, String kubeVersion) {
        Path valuesFile = WORK.resolve("values-" + UUID.randomUUID() + ".yaml");
        write(valuesFile, values);
        return new Helm(renderableChart()).template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(kubeVersion)
            .withValuesFile(valuesFile)
            .call();
    }

    private static synchronized Path renderableChart() {
        if (renderableChart == null) {
            renderableChart = copyChart();
            write(renderableChart.resolve("templates").resolve("zz-hooks-as-manifests.yaml"), HOOKS_AS_MANIFESTS);
        }
        return renderableChart;
    }

    private static Path copyChart() {
        Path copy = WORK.resolve(UUID.randomUUID().toString()).resolve("tcp-echo");
        try {
            Files.createDirectories(copy);
            FileSystemUtils.copyRecursively(CHART, copy);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return copy;
    }

    private static List<Map<String, Object>> loadAll(String manifests) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : yaml().loadAll(manifests)) {
            if (document != null) {
                documents.add(asMap(document));
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object yaml) {
        return (Map<String, Object>) Objects.requireNonNull(yaml);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            if (value instanceof Map<?, ?> overrideMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, deepMerge((Map<String, Object>) baseMap, (Map<String, Object>) overrideMap));
            }
            else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** Leaf paths of a YAML tree, dot-joined: {@code echo.tcp.port}. */
    static Stream<String> leafPaths(Map<String, Object> tree) {
        return tree.entrySet().stream().flatMap((entry) -> (entry.getValue() instanceof Map<?, ?> child)
                ? leafPaths(asMap(child)).map((path) -> entry.getKey() + "." + path) : Stream.of(entry.getKey()));
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
