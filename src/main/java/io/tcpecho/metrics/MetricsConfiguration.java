package io.tcpecho.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.framing.BufferMemory;
import io.tcpecho.server.ConnectionRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.integration.support.management.metrics.MetricsCaptor;
import org.springframework.integration.support.management.micrometer.MicrometerMetricsCaptor;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsProperties.class)
class MetricsConfiguration {

    @Bean
    EchoMetrics echoMetrics(MeterRegistry registry, ConnectionRegistry connections, BufferMemory bufferMemory) {
        return new EchoMetrics(registry, connections, bufferMemory);
    }

    /**
     * The captor Spring Integration's management configurer hands to every channel, handler and
     * gateway: it takes the primary one when there are two. Without integration timers, its own
     * captor minus the timers.
     */
    @Bean
    @Primary
    MetricsCaptor echoIntegrationCaptor(MicrometerMetricsCaptor integrationMicrometerMetricsCaptor,
            MetricsProperties properties) {
        return properties.integrationTimers() ? integrationMicrometerMetricsCaptor
                : new UntimedIntegrationCaptor(integrationMicrometerMetricsCaptor);
    }
}
