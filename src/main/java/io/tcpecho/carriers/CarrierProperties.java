package io.tcpecho.carriers;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The carrier threads that run the connections' virtual threads, {@code echo.carriers.*}.
 *
 * @param adaptive keep as many carriers as there are CPUs they can get: what they use plus what is
 *        idle, between one and the JDK's count, and the JDK's count again for a while whenever fewer
 *        wait for a CPU ({@link CarrierPolicy}); false leaves the JDK's count (one per CPU, or
 *        {@code -Djdk.virtualThreadScheduler.parallelism})
 * @param sampleInterval how often the adaptive count measures CPU use; a change needs two samples
 *        in a row that agree
 */
@ConfigurationProperties("echo.carriers")
@Validated
record CarrierProperties(
        @DefaultValue("true") boolean adaptive,
        @DefaultValue("500ms") @NotNull Duration sampleInterval) {

    CarrierProperties {
        if (sampleInterval != null && (sampleInterval.toMillis() < 10 || sampleInterval.toMinutes() > 10)) {
            throw new IllegalArgumentException(
                    "echo.carriers.sample-interval must be between 10ms and 10m, was " + sampleInterval);
        }
    }
}
