package io.tcpecho.helm;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Invalid values fail `helm install` before anything reaches the cluster, with a message that names the value. */
class HelmSchemaTests {

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                argumentSet("a TCP port above 65535", "config: {echo: {tcp: {port: 70000}}}",
                        new String[] { "/config/echo/tcp/port", "maximum" }),
                argumentSet("an HTTP port of 0", "config: {server: {port: 0}}",
                        new String[] { "/config/server/port", "minimum" }),
                argumentSet("negative replicas", "replicaCount: -1", new String[] { "/replicaCount", "minimum" }),
                argumentSet("an unknown framing", "config: {echo: {tcp: {framing: crlf2}}}",
                        new String[] { "/config/echo/tcp/framing", "length-header-2" }),
                argumentSet("a misspelt echo key", "config: {echo: {tcp: {max-conections: 5}}}",
                        new String[] { "/config/echo/tcp", "max-conections" }),
                argumentSet("a misspelt top-level value", "replicas: 3", new String[] { "replicas" }),
                argumentSet("a duration Spring can't read", "config: {echo: {tcp: {idle-timeout: ten seconds}}}",
                        new String[] { "/config/echo/tcp/idle-timeout" }),
                argumentSet("an unknown Service type", "service: {type: Ingress}",
                        new String[] { "/service/type", "LoadBalancer" }),
                argumentSet("an unknown IP family policy", "service: {ipFamilyPolicy: DualStack}",
                        new String[] { "/service/ipFamilyPolicy", "PreferDualStack" }),
                argumentSet("TLS without a Secret", "tls: {enabled: true}", new String[] { "/tls/secretName" }),
                argumentSet("a grace period shorter than the drain", "terminationGracePeriodSeconds: 20",
                        new String[] { "terminationGracePeriodSeconds (20) must exceed", "drain-timeout (20s)" }),
                argumentSet("one port for TCP and HTTP", "config: {echo: {tcp: {port: 8080}}}",
                        new String[] { "config.echo.tcp.port and config.server.port are both 8080" }),
                argumentSet("a test message the server treats as quit", "helmTest: {message: exit}",
                        new String[] { "helmTest.message equals config.echo.tcp.quit-command" }),
                argumentSet("more minimum than maximum replicas",
                        "autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 2}",
                        new String[] { "autoscaling.minReplicas (5) exceeds autoscaling.maxReplicas (2)" }));
    }

    @ParameterizedTest
    @MethodSource("invalidValues")
    void rejectsWithAMessageNamingTheValue(String values, String[] expectedInMessage) {
        assertThat(HelmChart.renderingError(values)).contains(expectedInMessage);
    }

    @Test
    void failsLintOnInvalidValuesToo() {
        assertThat(HelmChart.lint(new Scenario("port 70000", "config: {echo: {tcp: {port: 70000}}}", Scenario.KUBE_VERSION))
            .isFailed()).isTrue();
    }

    @Test
    void acceptsEveryFramingAndSpringDurationStyle() {
        for (String framing : new String[] { "crlf", "lf", "raw", "stx-etx", "length-header-1", "length-header-2",
                "length-header-4", "null" }) {
            // Quoted: a bare `null` in YAML is no value at all, for Helm and Spring Boot alike.
            Rendering rendering = HelmChart.render("config: {echo: {tcp: {framing: '" + framing + "'}}}");
            assertThat(HelmConsistencyTests.value(rendering.applicationYml(), "echo.tcp.framing")).isEqualTo(framing);
        }
        assertThat(HelmChart.render("config: {echo: {tcp: {shutdown: {drain-timeout: PT1M}}}}").deployment().getSpec()
            .getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(5 + 60 + 10);
        assertThat(HelmChart.render("config: {echo: {tcp: {shutdown: {drain-timeout: 90000}}}}").deployment().getSpec()
            .getTemplate().getSpec().getTerminationGracePeriodSeconds()).as("a bare number is milliseconds")
            .isEqualTo(5 + 90 + 10);
    }
}
