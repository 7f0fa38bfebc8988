package io.tcpecho.echo;

import org.springframework.integration.handler.AbstractReplyProducingMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * The flow's echo step. A transformer would build a new message and copy every header for each
 * frame; an echo returns the bytes it was given, so the request message itself is the reply (a
 * new message only if the service ever returns other bytes).
 */
final class EchoHandler extends AbstractReplyProducingMessageHandler {

    private final EchoService echo;

    EchoHandler(EchoService echo) {
        this.echo = echo;
    }

    @Override
    protected Object handleRequestMessage(Message<?> request) {
        byte[] frame = (byte[]) request.getPayload();
        byte[] reply = this.echo.echo(frame);
        return reply == frame ? request : new GenericMessage<>(reply, request.getHeaders());
    }

    @Override
    protected boolean shouldCopyRequestHeaders() {
        return false;
    }
}
