package io.tcpecho.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CPU counts where tcp-echo overrides the JDK's read-poller count; the jar itself is checked in e2e. */
class ReadPollersTests {

    @Test
    void twoCpusGetOneReadPoller() {
        assertThat(ReadPollers.defaultFor(2, null)).isEqualTo("1");
    }

    @Test
    void oneCpuKeepsTheJdkDefaultWhichIsAlreadyOne() {
        assertThat(ReadPollers.defaultFor(1, null)).isNull();
    }

    @Test
    void moreCpusKeepTheJdkDefaultBecauseOnlyTwoWereMeasured() {
        assertThat(ReadPollers.defaultFor(4, null)).isNull();
        assertThat(ReadPollers.defaultFor(64, null)).isNull();
    }

    @Test
    void aValueTheUserSetIsLeftAlone() {
        assertThat(ReadPollers.defaultFor(2, "2")).isNull();
    }
}
