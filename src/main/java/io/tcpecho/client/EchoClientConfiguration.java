package io.tcpecho.client;

import io.tcpecho.framing.Framing;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.ip.dsl.Tcp;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionInterceptorFactoryChain;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;

/**
 * {@code EchoClient -> TcpOutboundGateway -> pooled connection -> server}.
 *
 * <p>Deliberately not a {@code @Configuration}: the server application does not scan it in. The
 * {@code client} command and library users build a context from it.
 *
 * <p>Such a context has no auto-configuration, so the SSL bundles ({@code spring.ssl.bundle.*})
 * that {@code echo.client.ssl-bundle} names are imported explicitly; in an application that has
 * them already the import is the same one and adds nothing.
 */
@EnableIntegration
@EnableConfigurationProperties(EchoClientProperties.class)
@ImportAutoConfiguration(SslAutoConfiguration.class)
public class EchoClientConfiguration {

    @Bean
    TcpNetClientConnectionFactory echoClientConnectionFactory(EchoClientProperties properties,
            ObjectProvider<SslBundles> sslBundles, ApplicationEventPublisher events) {
        int max = (int) properties.maxMessageSize().toBytes();
        TcpNetClientConnectionFactory factory = new TcpNetClientConnectionFactory(properties.host(), properties.port());
        factory.setSerializer(properties.framing().codec(max));
        factory.setDeserializer(properties.framing().clientDecoder(max));
        if (properties.framing() == Framing.RAW) {
            // raw has no frame boundaries: gather each echo up to the request's length
            TcpConnectionInterceptorFactoryChain interceptors = new TcpConnectionInterceptorFactoryChain();
            interceptors.setInterceptor(RawEchoAssembler.factory(events));
            factory.setInterceptorFactoryChain(interceptors);
        }
        factory.setSoTimeout((int) properties.replyTimeout().toMillis());
        factory.setSoTcpNoDelay(true);
        factory.setConnectTimeout((int) Math.max(1, properties.connectTimeout().toSeconds()));
        if (!properties.sslBundle().isBlank()) {
            factory.setTcpSocketFactorySupport(ClientTls.socketFactorySupport(
                    sslBundles.getObject().getBundle(properties.sslBundle())));
            factory.setTcpSocketSupport(ClientTls.handshakeOnConnect());
        }
        return factory;
    }

    @Bean
    CachingClientConnectionFactory echoClientConnectionPool(TcpNetClientConnectionFactory echoClientConnectionFactory,
            EchoClientProperties properties) {
        CachingClientConnectionFactory pool = new CachingClientConnectionFactory(echoClientConnectionFactory,
                properties.poolSize());
        pool.setConnectionWaitTimeout((int) properties.connectTimeout().toMillis());
        return pool;
    }

    @Bean
    IntegrationFlow echoClientFlow(AbstractClientConnectionFactory echoClientConnectionPool,
            EchoClientProperties properties) {
        long timeout = properties.replyTimeout().toMillis();
        return IntegrationFlow.from(EchoClient.class, gateway -> gateway.replyTimeout(timeout))
                .handle(Tcp.outboundGateway(echoClientConnectionPool).remoteTimeout(timeout))
                .get();
    }
}
