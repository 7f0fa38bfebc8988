package io.tcpecho.health;

import io.tcpecho.server.EchoServer;
import io.tcpecho.server.TcpServerProperties;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code tcpServer}: UP only while the listener is bound and accepting. Part of readiness, not liveness. */
@Component("tcpServer")
class TcpServerHealthIndicator implements HealthIndicator {

    private final EchoServer server;

    TcpServerHealthIndicator(EchoServer server) {
        this.server = server;
    }

    @Override
    public Health health() {
        TcpServerProperties properties = this.server.properties();
        Health.Builder builder = this.server.isListening() ? Health.up() : Health.down();
        return builder.withDetail("port", this.server.port())
                .withDetail("bindAddress", properties.bindAddress().isBlank() ? "*" : properties.bindAddress())
                .withDetail("framing", properties.framing().configName())
                .withDetail("tls", properties.ssl().enabled())
                .withDetail("activeConnections", this.server.connections().active())
                .withDetail("maxConnections", this.server.connections().max())
                .build();
    }
}
