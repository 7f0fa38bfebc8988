package io.tcpecho.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.server.ConnectionRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    EchoMetrics echoMetrics(MeterRegistry registry, ConnectionRegistry connections) {
        return new EchoMetrics(registry, connections);
    }
}
