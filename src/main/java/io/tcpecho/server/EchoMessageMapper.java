package io.tcpecho.server;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Builds each frame's message from headers computed once per connection. Spring Integration's
 * mapper rebuilds the same headers for every frame and asks the kernel for the socket's local
 * address each time (a getsockname call per frame on the hot path); none of them changes while
 * the connection lives.
 */
final class EchoMessageMapper extends TcpMessageMapper {

    @Override
    public @Nullable Message<?> toMessage(TcpConnection connection, @Nullable Map<String, Object> headers) {
        if (connection instanceof EchoConnection echo && headers == null) {
            return new GenericMessage<>(echo.getPayload(), echo.messageHeaders());
        }
        return super.toMessage(connection, headers);
    }
}
