package io.tcpecho.server;

import java.util.concurrent.Executors;

import io.tcpecho.framing.BufferMemory;
import io.tcpecho.framing.Framing;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TcpServerProperties.class)
class ServerConfiguration {

    @Bean
    ConnectionRegistry connectionRegistry(TcpServerProperties properties) {
        return new ConnectionRegistry(properties.maxConnections());
    }

    @Bean
    BufferMemory bufferMemory(TcpServerProperties properties) {
        return new BufferMemory(properties.maxBufferMemoryBytes());
    }

    @Bean
    EchoServerConnectionFactory echoServerConnectionFactory(TcpServerProperties properties,
            ConnectionRegistry registry, ObjectProvider<ConnectionObserver> observer, ServerSockets sockets,
            BufferMemory bufferMemory) {

        Framing framing = properties.framing();
        int maxMessageSize = properties.maxMessageBytes();
        // Built directly rather than with Tcp.netServer(): the DSL spec cannot take a subclass.
        EchoServerConnectionFactory factory = new EchoServerConnectionFactory(properties.port());
        factory.setBacklog(properties.backlog());
        factory.setSoTcpNoDelay(properties.tcpNoDelay());
        factory.setSoKeepAlive(properties.keepAlive());
        factory.setLookupHost(false);
        factory.setMapper(new EchoMessageMapper());
        factory.setDeserializer(framing.decoder(maxMessageSize));
        factory.setSerializer(framing.encoder(maxMessageSize));
        factory.setTcpNetConnectionSupport(new EchoConnectionSupport(registry,
                observer.getIfAvailable(() -> ConnectionObserver.NONE), framing, sockets, bufferMemory,
                properties.idleTimeoutMillis()));
        factory.setTcpSocketFactorySupport(sockets.socketFactorySupport());
        // One virtual thread per connection: blocking reads stay simple and a parked
        // connection costs a few KB of heap, where the default pool's platform threads cost
        // a stack each and the NIO factory stopped echoing at ~3,000 idle connections.
        factory.setTaskExecutor(virtualThreads());
        if (!properties.bindAddress().isBlank()) {
            factory.setLocalAddress(properties.bindAddress());
        }
        if (properties.closesIdleConnections()) {
            // the read timeout each EchoConnection starts from (its idleTimeoutMillis): the TLS handshake's
            factory.setSoTimeout(properties.idleTimeoutMillis());
        }
        if (properties.sendBufferSize().toBytes() > 0) {
            factory.setSoSendBufferSize((int) properties.sendBufferSize().toBytes());
        }
        if (properties.receiveBufferSize().toBytes() > 0) {
            factory.setSoReceiveBufferSize((int) properties.receiveBufferSize().toBytes());
        }
        return factory;
    }

    private static TaskExecutor virtualThreads() {
        return new TaskExecutorAdapter(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("echo-connection-", 0).factory()));
    }

    @Bean
    EchoServer echoServer(AbstractServerConnectionFactory echoServerConnectionFactory, ConnectionRegistry registry,
            TcpServerProperties properties, ApplicationEventPublisher publisher, ServerSockets sockets) {
        return new EchoServer(echoServerConnectionFactory, registry, properties, publisher, sockets);
    }
}
