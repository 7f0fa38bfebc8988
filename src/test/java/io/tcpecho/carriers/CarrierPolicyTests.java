package io.tcpecho.carriers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/** The carrier count from CPU readings; the figures are ones measured on the 2-core benchmark machine. */
class CarrierPolicyTests {

    private static final int FIRST_HOLD = 20;

    private static final int MAX_HOLD = 600;

    private static final CarrierPolicy.Sample MIXED_LOAD_ONE_CARRIER = sample(0.55, 0.0, 0.50, 0.47);

    @Test
    void dropsTheCarrierThatOtherProcessesLeaveNoCpuFor() {
        CarrierPolicy policy = policy(2);

        // ping-pong with the load generator on the same two cores: this JVM 1.14 CPUs, 0.25 idle
        assertThat(policy.next(2, sample(1.14, 0.25, 0.99, 0.40))).as("first sample").isEqualTo(2);
        assertThat(policy.next(2, sample(1.14, 0.25, 0.99, 0.40))).as("second sample agrees").isEqualTo(1);
    }

    @Test
    void staysAtOneCarrierWhileTheOtherCpuIsBusyAndTheCarrierGetsItsOwn() {
        CarrierPolicy policy = policy(2);

        // the same load with one carrier: this JVM 1.0 CPU, 0.06 idle, the carrier waited 1% of its runnable time
        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(1, sample(1.00, 0.06, 0.99, 0.01))).isEqualTo(1);
        }
    }

    @Test
    void keepsEveryCarrierOfAServerThatHasTheCpusToItself() {
        CarrierPolicy policy = policy(2);

        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(2, sample(1.80, 0.10, 1.75, 0.09))).as("busy").isEqualTo(2);
            assertThat(policy.next(2, sample(0.05, 1.95, 0.02, 0.0))).as("idle").isEqualTo(2);
        }
    }

    @Test
    void returnsToTheJdksCountAtOnceWhenTheCpusAreFreeAgain() {
        CarrierPolicy policy = policy(8);

        assertThat(policy.next(2, sample(0.40, 7.50, 0.35, 0.0))).isEqualTo(2);
        assertThat(policy.next(2, sample(0.40, 7.50, 0.35, 0.0))).isEqualTo(8);
    }

    @Test
    void keepsTheCountForAReadingNearlyHalfwayBetweenTwo() {
        CarrierPolicy policy = policy(2);

        // one connection's ping-pong beside the load generator: 1.45 CPUs with two carriers, 1.6 with one
        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(2, sample(0.98, 0.72, 0.73, 0.30))).as("two carriers").isEqualTo(2);
        }
        policy.next(1, sample(0.66, 1.13, 0.51, 0.0));
        assertThat(policy.next(1, sample(0.66, 1.13, 0.51, 0.0))).as("one carrier").isEqualTo(2);
        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(1, sample(0.66, 1.03, 0.51, 0.0))).as("1.54 CPUs").isEqualTo(1);
        }
    }

    @Test
    void takesEveryCarrierWhenMoreCpusThanThatAreFree() {
        CarrierPolicy policy = policy(2);

        // 2.45 CPUs: nearly halfway between two and three, but the most there is is two
        policy.next(1, sample(0.60, 1.95, 0.50, 0.0));
        assertThat(policy.next(1, sample(0.60, 1.95, 0.50, 0.0))).isEqualTo(2);
    }

    @Test
    void returnsToTheJdksCountWhenFewerCarriersWaitForACpu() {
        CarrierPolicy policy = policy(2);

        // the soak's mixed load with one carrier: the carriers waited for a CPU about half their runnable time
        assertThat(policy.next(1, MIXED_LOAD_ONE_CARRIER)).as("first sample").isEqualTo(1);
        assertThat(policy.next(1, MIXED_LOAD_ONE_CARRIER)).as("second sample agrees").isEqualTo(2);
    }

    @Test
    void afterReturningForWantOfCpuTriesFewerCarriersOnlyAfterAHoldThatDoublesEachTime() {
        CarrierPolicy policy = policy(2);
        int hold = FIRST_HOLD;
        for (int round = 0; round < 3; round++) {
            policy.next(1, MIXED_LOAD_ONE_CARRIER);
            assertThat(policy.next(1, MIXED_LOAD_ONE_CARRIER)).isEqualTo(2);

            // with two carriers the mixed load's CPU use alone wants one again: 0.70 CPUs, 0.04 idle
            for (int sample = 0; sample < hold; sample++) {
                assertThat(policy.next(2, sample(0.70, 0.04, 0.66, 0.90))).as("round %d, sample %d of the hold", round, sample)
                        .isEqualTo(2);
            }
            assertThat(policy.next(2, sample(0.70, 0.04, 0.66, 0.90))).as("round %d, after the hold", round).isEqualTo(1);
            hold *= 2;
        }
    }

    @Test
    void holdsNoLongerThanTheLongestHold() {
        CarrierPolicy policy = new CarrierPolicy(2, 4, 8);
        for (int round = 0; round < 4; round++) {
            policy.next(1, MIXED_LOAD_ONE_CARRIER);
            policy.next(1, MIXED_LOAD_ONE_CARRIER);
        }

        assertThat(policy.holding()).isEqualTo(8);
    }

    @Test
    void aLongCalmWithFewerCarriersStartsTheHoldOver() {
        CarrierPolicy policy = new CarrierPolicy(2, 4, 8);
        for (int round = 0; round < 3; round++) {
            policy.next(1, MIXED_LOAD_ONE_CARRIER);
            policy.next(1, MIXED_LOAD_ONE_CARRIER);
        }
        for (int sample = 0; sample < 8; sample++) {
            policy.next(1, sample(1.00, 0.06, 0.99, 0.01));
        }

        policy.next(1, MIXED_LOAD_ONE_CARRIER);
        policy.next(1, MIXED_LOAD_ONE_CARRIER);

        assertThat(policy.holding()).isEqualTo(4);
    }

    @Test
    void neverGoesBelowOneCarrierOrAboveTheJdksCount() {
        CarrierPolicy policy = policy(2);

        policy.next(2, sample(0.0, 0.0, 0.0, 0.0));
        assertThat(policy.next(2, sample(0.0, 0.0, 0.0, 0.0))).isEqualTo(1);
        policy.next(2, sample(6.0, 10.0, 2.0, 0.5));
        assertThat(policy.next(2, sample(6.0, 10.0, 2.0, 0.5))).isEqualTo(2);
    }

    @Test
    void changesOnlyWhenTwoSamplesInARowWantTheSameWay() {
        CarrierPolicy policy = policy(4);

        assertThat(policy.next(3, sample(0.5, 0.5, 0.4, 0.0))).as("wants fewer").isEqualTo(3);
        assertThat(policy.next(3, sample(1.0, 3.0, 0.9, 0.0))).as("wants more: no two in a row").isEqualTo(3);
        assertThat(policy.next(3, sample(3.0, 0.0, 2.9, 0.0))).as("wants the same: start over").isEqualTo(3);
        assertThat(policy.next(3, sample(0.5, 0.5, 0.4, 0.0))).as("wants fewer").isEqualTo(3);
        assertThat(policy.next(3, sample(0.8, 0.4, 0.7, 0.0))).as("wants fewer again").isEqualTo(1);
    }

    @Test
    void needsAtLeastOneCarrierAndAHoldThatFits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CarrierPolicy(0, FIRST_HOLD, MAX_HOLD));
        assertThatIllegalArgumentException().isThrownBy(() -> new CarrierPolicy(2, 0, MAX_HOLD));
        assertThatIllegalArgumentException().isThrownBy(() -> new CarrierPolicy(2, 10, 5));
    }

    @Test
    void doesNotCountTheWaitThatThisJvmsOwnThreadsCause() {
        CarrierPolicy policy = policy(2);

        // a fresh JVM's first ping-pong with one carrier: its JIT compiler threads took half a CPU,
        // and the carrier waited 34% of its runnable time, no longer than they ran
        CarrierPolicy.Sample compiling = sample(1.45, 0.08, 0.95, 0.50);
        for (int sample = 0; sample < 5; sample++) {
            assertThat(policy.next(1, compiling)).isEqualTo(1);
        }
        assertThat(compiling.carrierWaitShare()).isCloseTo(0.34, within(0.01));
        assertThat(compiling.carrierWaitShareBeyondOwnThreads()).isZero();
        assertThat(MIXED_LOAD_ONE_CARRIER.carrierWaitShareBeyondOwnThreads()).isCloseTo(0.43, within(0.01));
    }

    private static CarrierPolicy.Sample sample(double usedCpus, double idleCpus, double carrierCpus, double carrierWaitCpus) {
        return new CarrierPolicy.Sample(usedCpus, idleCpus, carrierCpus, carrierWaitCpus);
    }

    private static CarrierPolicy policy(int max) {
        return new CarrierPolicy(max, FIRST_HOLD, MAX_HOLD);
    }
}
