package io.tcpecho.server;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * Where the echo flow puts its reply to a frame of one connection: the frame's
 * {@code replyChannel} header ({@link EchoInboundGateway}). The flow runs on the connection's own
 * reader thread, from the gateway's send to the reply, so a field is all the hand-over needs.
 */
final class FrameReply implements MessageChannel {

    private @Nullable Message<?> reply;

    private @Nullable Thread owner;

    /**
     * Called by the gateway on the connection's thread before it sends a frame into the flow; a
     * reply left behind by a frame whose flow failed after replying goes here.
     */
    void expect() {
        this.reply = null;
        this.owner = Thread.currentThread();
    }

    /** The reply to the frame just sent, or null when the flow sent none (the quit command). */
    @Nullable Message<?> take() {
        Message<?> taken = this.reply;
        this.reply = null;
        this.owner = null;
        return taken;
    }

    /**
     * Accepts the reply when it comes on the thread that sent the frame. A flow that hands frames to
     * another thread (an executor channel) would reply after the gateway has moved on; that reply is
     * refused, which Spring Integration reports as a failed send, rather than given to the next frame.
     */
    @Override
    public boolean send(Message<?> message, long timeout) {
        if (this.owner != Thread.currentThread()) {
            return false;
        }
        this.reply = message;
        return true;
    }

    @Override
    public String toString() {
        return "FrameReply";
    }
}
