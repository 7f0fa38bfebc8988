package io.tcpecho.helm;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Parses a rendered manifest into its client-java-api model class, strictly: the generated
 * {@code fromJson} validates every nested object against the OpenAPI schema and throws on a field
 * the schema does not define, so a misspelt field fails (see HelmManifestTests).
 */
final class KubernetesModels {

    private static final Gson GSON = new Gson();

    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Service", V1Service.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/Pod", V1Pod.class,
            "apps/v1/Deployment", V1Deployment.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class);

    private KubernetesModels() {
    }

    static boolean isCoreKind(Map<String, Object> document) {
        return MODELS.containsKey(typeKey(document));
    }

    static Object parse(Map<String, Object> document) {
        Class<?> model = MODELS.get(typeKey(document));
        if (model == null) {
            throw new IllegalArgumentException("no client-java-api model for " + typeKey(document));
        }
        return parse(document, model);
    }

    static <T> T parse(Map<String, Object> document, Class<T> model) {
        try {
            return model.cast(model.getMethod("fromJson", String.class).invoke(null, GSON.toJson(document)));
        }
        catch (InvocationTargetException ex) {
            throw new IllegalArgumentException(typeKey(document) + " does not parse: " + ex.getCause().getMessage(),
                    ex.getCause());
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String typeKey(Map<String, Object> document) {
        return document.get("apiVersion") + "/" + document.get("kind");
    }
}
