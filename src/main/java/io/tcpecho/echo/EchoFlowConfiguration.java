package io.tcpecho.echo;

import java.nio.charset.StandardCharsets;

import io.tcpecho.metrics.MetricsProperties;
import io.tcpecho.server.CloseReason;
import io.tcpecho.server.ConnectionRegistry;
import io.tcpecho.server.EchoInboundGateway;
import io.tcpecho.server.TcpServerProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.support.IdGenerators;
import org.springframework.util.IdGenerator;

/**
 * client -> socket -> EchoInboundGateway (a TcpInboundGateway) -> quit? -> EchoService -> reply on the same connection
 */
@Configuration(proxyBeanMethods = false)
class EchoFlowConfiguration {

    @Bean
    EchoService echoService(TcpServerProperties properties) {
        return new EchoService(properties.quitCommand().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Message ids from a counter instead of random UUIDs: every frame creates a few messages, and
     * Spring Integration picks this bean up for all of them (its documented performance option).
     * Ids stay unique within the process, which is all an echo's messages need.
     */
    @Bean
    IdGenerator messageIdGenerator() {
        return new IdGenerators.SimpleIncrementingIdGenerator();
    }

    @Bean
    IntegrationFlow echoFlow(AbstractServerConnectionFactory echoServerConnectionFactory, EchoService echo,
            ConnectionRegistry connections, MetricsProperties metrics) {

        return IntegrationFlow.from(new EchoInboundGateway(echoServerConnectionFactory, metrics.integrationTimers()))
                .<byte[]>filter(frame -> !echo.isQuit(frame), quit -> quit
                        .discardFlow(discarded -> discarded.handle(message -> connections.close(
                                message.getHeaders().get(IpHeaders.CONNECTION_ID, String.class), CloseReason.QUIT))))
                .handle(new EchoHandler(echo))
                .get();
    }
}
