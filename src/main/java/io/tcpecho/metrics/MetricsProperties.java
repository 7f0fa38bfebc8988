package io.tcpecho.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Metrics beyond the {@code echo.*} contract, {@code echo.metrics.*}.
 *
 * @param integrationTimers Spring Integration's per-component {@code spring.integration.send}
 *        timers; off because they cost several clock reads per echoed frame
 *        ({@link UntimedIntegrationCaptor})
 */
@ConfigurationProperties("echo.metrics")
@Validated
public record MetricsProperties(@DefaultValue("false") boolean integrationTimers) {
}
