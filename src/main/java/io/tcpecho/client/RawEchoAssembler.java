package io.tcpecho.client;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpConnectionInterceptorFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnectionInterceptorSupport;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;

/**
 * Raw framing on the client: gathers an echo that arrives in pieces into one reply.
 *
 * <p>Raw has no frame boundaries, so the client's decoder returns each read. A load balancer, a
 * proxy or a path with a small MSS can split an echo, and the outbound gateway would take its
 * first piece as the whole reply. A Spring Integration connection interceptor sees both
 * directions of one connection, so it knows how many bytes the request had: it holds the pieces
 * until the echo is that long, then passes them on as one message. The gateway keeps one request
 * in flight per connection, so one length at a time is enough. A shorter echo is a timeout, a
 * longer one a mismatch, for the caller to report; bytes that arrive with no request pending go on
 * unchanged (the gateway logs them as uncorrelated).
 */
final class RawEchoAssembler extends TcpConnectionInterceptorSupport {

    /** The request whose echo is due, null when none is; set by the sender, cleared by the reader. */
    private final AtomicReference<Request> pending = new AtomicReference<>();

    /** The request the pieces belong to, and the pieces; only the connection's reader thread touches these. */
    private Request gathering;

    private final ByteArrayOutputStream pieces = new ByteArrayOutputStream();

    private RawEchoAssembler(ApplicationEventPublisher publisher) {
        // the connection's open, close and exception events go out through its outermost interceptor
        super(publisher);
    }

    static TcpConnectionInterceptorFactory factory(ApplicationEventPublisher publisher) {
        return () -> new RawEchoAssembler(publisher);
    }

    @Override
    public void send(Message<?> message) {
        // set before the bytes leave, so that the echo cannot arrive before its length is known;
        // EchoClient's payloads are byte arrays
        int length = message.getPayload() instanceof byte[] bytes ? bytes.length : 0;
        this.pending.set(length > 0 ? new Request(length) : null);
        super.send(message);
    }

    @Override
    public void onMessage(Message<?> message) {
        Request request = this.pending.get();
        if (request == null || !(message.getPayload() instanceof byte[] piece)) {
            super.onMessage(message);
            return;
        }
        if (request != this.gathering) {
            // a new request: pieces left from one that timed out are not part of its echo
            this.pieces.reset();
            this.gathering = request;
        }
        this.pieces.writeBytes(piece);
        if (this.pieces.size() < request.length()) {
            return;
        }
        byte[] echo = this.pieces.toByteArray();
        this.pieces.reset();
        this.gathering = null;
        this.pending.compareAndSet(request, null);
        super.onMessage(MessageBuilder.withPayload(echo).copyHeaders(message.getHeaders()).build());
    }

    private record Request(int length) {
    }
}
