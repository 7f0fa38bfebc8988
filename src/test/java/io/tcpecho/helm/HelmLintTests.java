package io.tcpecho.helm;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class HelmLintTests {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tcpecho.helm.Scenario#all")
    void lintsStrictlyWithoutWarnings(Scenario scenario) {
        LintResult result = HelmChart.lint(scenario);

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch((message) -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }
}
