package io.tcpecho.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;

/** The documents of one {@code helm template}, as YAML trees and as strictly parsed models. */
public record Rendering(List<Map<String, Object>> documents) {

    public Rendering {
        documents = documents.stream().map(Rendering::restoreHookAnnotations).toList();
    }

    List<Map<String, Object>> ofKind(String kind) {
        return this.documents.stream().filter((document) -> kind.equals(document.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter((document) -> name.equals(metadata(document).get("name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
    }

    <T> T model(String kind, String name, Class<T> model) {
        return KubernetesModels.parse(get(kind, name), model);
    }

    public V1Deployment deployment() {
        return model("Deployment", HelmChart.FULLNAME, V1Deployment.class);
    }

    public V1Container container() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    public V1Service service() {
        return model("Service", HelmChart.FULLNAME, V1Service.class);
    }

    public V1ConfigMap configMap() {
        return model("ConfigMap", HelmChart.FULLNAME, V1ConfigMap.class);
    }

    public V1Pod testPod() {
        return model("Pod", HelmChart.FULLNAME + "-test-echo", V1Pod.class);
    }

    V1NetworkPolicy networkPolicy() {
        return model("NetworkPolicy", HelmChart.FULLNAME, V1NetworkPolicy.class);
    }

    /** The application.yml the pods read, as a YAML tree. */
    Map<String, Object> applicationYml() {
        return HelmChart.loadMap(applicationYmlText());
    }

    String applicationYmlText() {
        return configMap().getData().get("application.yml");
    }

    List<String> names() {
        return this.documents.stream().map((document) -> document.get("kind") + "/" + metadata(document).get("name"))
            .toList();
    }

    static Map<String, Object> metadata(Map<String, Object> document) {
        return HelmChart.asMap(document.get("metadata"));
    }

    private static Map<String, Object> restoreHookAnnotations(Map<String, Object> document) {
        if (!(metadata(document).get("annotations") instanceof Map<?, ?> annotations)) {
            return document;
        }
        Map<String, Object> restored = new LinkedHashMap<>();
        HelmChart.asMap(annotations).forEach((key, value) -> restored.put(key.startsWith(HelmChart.RENAMED_HOOK_PREFIX)
                ? key.substring(HelmChart.RENAMED_HOOK_PREFIX.length()).replace("helm.sh-hook", "helm.sh/hook") : key,
                value));
        metadata(document).put("annotations", restored);
        return document;
    }
}
