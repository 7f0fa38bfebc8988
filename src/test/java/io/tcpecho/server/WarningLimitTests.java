package io.tcpecho.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WarningLimitTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private final WarningLimit limit = new WarningLimit(3, Duration.ofSeconds(1), this.now::get);

    @Test
    void allowsTheFirstLinesOfAnIntervalAndHoldsBackTheRest() {
        assertThat(warnings("oversize", 5)).containsExactly(0L, 0L, 0L, -1L, -1L);
    }

    @Test
    void theFirstWarningOfTheNextIntervalSaysHowManyWereHeldBack() {
        warnings("oversize", 7);
        this.now.addAndGet(Duration.ofSeconds(1).toNanos());
        long heldBack = this.limit.tryWarn("oversize");
        assertThat(heldBack).isEqualTo(4);
        assertThat(this.limit.heldBack(heldBack))
                .isEqualTo(" (4 more like this since the last such WARN went to DEBUG: at most 3 per 1 s)");
        assertThat(warnings("oversize", 3)).containsExactly(0L, 0L, -1L);
    }

    @Test
    void aWarningWithNothingHeldBackGetsNothingAppended() {
        assertThat(this.limit.heldBack(this.limit.tryWarn("oversize"))).isEmpty();
    }

    @Test
    void holdsBackUntilAWholeIntervalHasPassedSinceItsStart() {
        warnings("oversize", 3);
        this.now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(this.limit.tryWarn("oversize")).isEqualTo(-1);
        this.now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(this.limit.tryWarn("oversize")).isEqualTo(1);
    }

    @Test
    void eachReasonHasItsOwnBudget() {
        warnings("oversize", 10);
        assertThat(warnings("tls-handshake", 4)).containsExactly(0L, 0L, 0L, -1L);
    }

    @Test
    void needsAtLeastOneLinePerPositiveInterval() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WarningLimit(0, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new WarningLimit(1, Duration.ZERO));
    }

    private Long[] warnings(String reason, int count) {
        Long[] results = new Long[count];
        for (int i = 0; i < count; i++) {
            results[i] = this.limit.tryWarn(reason);
        }
        return results;
    }
}
