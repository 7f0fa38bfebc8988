package io.tcpecho.client;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTests {

    @Test
    void reportsPercentilesOfKnownValuesWithinTwoPercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        // 1 µs .. 10 ms in 1 µs steps, shuffled order must not matter
        for (int i = 10_000; i >= 1; i--) {
            histogram.record(i * 1_000L);
        }
        assertThat(histogram.count()).isEqualTo(10_000);
        assertThat(histogram.valueAt(0.5)).isCloseTo(5_000_000L, Percentage.withPercentage(2));
        assertThat(histogram.valueAt(0.99)).isCloseTo(9_900_000L, Percentage.withPercentage(2));
        assertThat(histogram.valueAt(0.999)).isCloseTo(9_990_000L, Percentage.withPercentage(2));
        assertThat(histogram.valueAt(1.0)).isCloseTo(10_000_000L, Percentage.withPercentage(2));
    }

    @Test
    void keepsSmallValuesExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1; i <= 50; i++) {
            histogram.record(i);
        }
        assertThat(histogram.valueAt(0.5)).isEqualTo(25);
        assertThat(histogram.valueAt(1.0)).isEqualTo(50);
    }

    @Test
    void mergesHistogramsOfSeveralConnections() {
        LatencyHistogram fast = new LatencyHistogram();
        LatencyHistogram slow = new LatencyHistogram();
        for (int i = 0; i < 900; i++) {
            fast.record(100_000);
        }
        for (int i = 0; i < 100; i++) {
            slow.record(50_000_000);
        }
        LatencyHistogram all = new LatencyHistogram();
        all.add(fast);
        all.add(slow);
        assertThat(all.count()).isEqualTo(1000);
        assertThat(all.valueAt(0.5)).isCloseTo(100_000L, Percentage.withPercentage(2));
        assertThat(all.valueAt(0.99)).isCloseTo(50_000_000L, Percentage.withPercentage(2));
    }

    @Test
    void reportsZeroWhenEmpty() {
        assertThat(new LatencyHistogram().valueAt(0.99)).isZero();
    }
}
