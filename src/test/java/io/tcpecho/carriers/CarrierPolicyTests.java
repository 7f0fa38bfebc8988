package io.tcpecho.carriers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The carrier count from CPU readings; the figures are ones measured on the 2-core benchmark machine. */
class CarrierPolicyTests {

    @Test
    void dropsTheCarrierThatOtherProcessesLeaveNoCpuFor() {
        CarrierPolicy policy = new CarrierPolicy(2);

        // ping-pong with the load generator on the same two cores: this JVM 1.17 CPUs, 0.17 idle
        assertThat(policy.next(2, 1.17, 0.17)).as("first sample").isEqualTo(2);
        assertThat(policy.next(2, 1.17, 0.17)).as("second sample agrees").isEqualTo(1);
    }

    @Test
    void staysAtOneCarrierWhileTheOtherCpuIsBusy() {
        CarrierPolicy policy = new CarrierPolicy(2);

        // the same load with one carrier: this JVM 1.0 CPU, 0.06 idle
        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(1, 1.00, 0.06)).isEqualTo(1);
        }
    }

    @Test
    void keepsEveryCarrierOfAServerThatHasTheCpusToItself() {
        CarrierPolicy policy = new CarrierPolicy(2);

        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(2, 1.80, 0.10)).as("busy").isEqualTo(2);
            assertThat(policy.next(2, 0.05, 1.95)).as("idle").isEqualTo(2);
        }
    }

    @Test
    void returnsToTheJdksCountAtOnceWhenTheCpusAreFreeAgain() {
        CarrierPolicy policy = new CarrierPolicy(8);

        assertThat(policy.next(2, 0.40, 7.50)).isEqualTo(2);
        assertThat(policy.next(2, 0.40, 7.50)).isEqualTo(8);
    }

    @Test
    void neverGoesBelowOneCarrierOrAboveTheJdksCount() {
        CarrierPolicy policy = new CarrierPolicy(2);

        policy.next(2, 0.0, 0.0);
        assertThat(policy.next(2, 0.0, 0.0)).isEqualTo(1);
        policy.next(2, 6.0, 10.0);
        assertThat(policy.next(2, 6.0, 10.0)).isEqualTo(2);
    }

    @Test
    void changesOnlyWhenTwoSamplesInARowWantTheSameWay() {
        CarrierPolicy policy = new CarrierPolicy(4);

        assertThat(policy.next(3, 0.5, 0.5)).as("wants fewer").isEqualTo(3);
        assertThat(policy.next(3, 1.0, 3.0)).as("wants more: no two in a row").isEqualTo(3);
        assertThat(policy.next(3, 3.0, 0.0)).as("wants the same: start over").isEqualTo(3);
        assertThat(policy.next(3, 0.5, 0.5)).as("wants fewer").isEqualTo(3);
        assertThat(policy.next(3, 0.8, 0.4)).as("wants fewer again").isEqualTo(1);
    }

    @Test
    void needsAtLeastOneCarrier() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CarrierPolicy(0));
    }
}
