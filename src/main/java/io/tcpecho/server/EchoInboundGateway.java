package io.tcpecho.server;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.inbound.TcpInboundGateway;
import org.springframework.integration.support.management.metrics.MetricsCaptor;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;

/**
 * Spring Integration's TCP inbound gateway, with a shorter way for a frame's request and reply.
 *
 * <p>The gateway's messaging template builds two new messages per request-reply: the request
 * copied with a temporary reply channel, and the reply copied again to restore the original
 * headers. Each is two copies of the header map, a new id and a clock read, for a reply that
 * arrives on the same thread before the send returns. In a profile of the bulk benchmark those
 * copies took a quarter of the connection threads' time ({@code src/bench/README.md}). Each frame's
 * message already carries its connection's {@link FrameReply} as its reply channel
 * ({@link EchoConnection#messageHeaders()}), so here the frame goes to the flow as it is, and the
 * reply is taken from there. Everything else is the gateway's own: the connection lookup for the reply, the
 * shutdown refusal, the error propagation (an exception from the flow reaches the connection as
 * it would through the template, which rethrows it when there is no error channel).
 *
 * <p>The template's path stays for anything that watches the gateway: Spring Integration's timers
 * ({@code echo.metrics.integration-timers}), an observation registry, message history, an error
 * channel, and messages that did not come from an echo connection.
 */
public final class EchoInboundGateway extends TcpInboundGateway {

    private final boolean integrationTimers;

    private boolean instrumented;

    private boolean tracked;

    /**
     * @param integrationTimers whether Spring Integration's send timers are on, which time the
     *        gateway only on the template's path
     */
    public EchoInboundGateway(AbstractServerConnectionFactory connectionFactory, boolean integrationTimers) {
        this.integrationTimers = integrationTimers;
        setConnectionFactory(connectionFactory);
        // The flow runs on the connection's thread, so a reply is ready when the send returns; no
        // reply (the quit command) must not park the thread waiting for one.
        setReplyTimeout(0);
    }

    @Override
    public void registerMetricsCaptor(MetricsCaptor metricsCaptor) {
        super.registerMetricsCaptor(metricsCaptor);
        this.instrumented = this.integrationTimers;
    }

    @Override
    public void setShouldTrack(boolean shouldTrack) {
        super.setShouldTrack(shouldTrack);
        this.tracked = shouldTrack;
    }

    @Override
    protected @Nullable Message<?> sendAndReceiveMessage(Object request) {
        MessageChannel channel = getRequestChannel();
        if (channel == null || this.instrumented || this.tracked || isObserved() || getErrorChannel() != null
                || !(request instanceof Message<?> frame)
                || !(frame.getHeaders().getReplyChannel() instanceof FrameReply reply)) {
            return super.sendAndReceiveMessage(request);
        }
        reply.expect();
        if (!channel.send(frame)) {
            // what the template reports for a channel that refuses a message
            throw new MessageDeliveryException(frame, "Failed to send message to channel '" + channel + "'");
        }
        return reply.take();
    }
}
