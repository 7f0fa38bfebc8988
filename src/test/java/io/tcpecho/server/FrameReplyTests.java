package io.tcpecho.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.GenericMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-over between the echo flow and {@link EchoInboundGateway}: a reply is the frame's only
 * when the flow gives it on the frame's own thread, and never outlives the frame.
 */
class FrameReplyTests {

    @Test
    void takesTheReplyTheFlowGaveOnTheFramesThread() {
        FrameReply reply = new FrameReply();
        GenericMessage<byte[]> echo = new GenericMessage<>(new byte[] {1, 2, 3});

        reply.expect();
        assertThat(reply.send(echo)).isTrue();

        assertThat(reply.take()).isSameAs(echo);
        assertThat(reply.take()).isNull();
    }

    @Test
    void refusesAReplyFromAnotherThreadRatherThanGiveItToALaterFrame() throws Exception {
        FrameReply reply = new FrameReply();
        reply.expect();

        boolean accepted = CompletableFuture.supplyAsync(() -> reply.send(new GenericMessage<>(new byte[] {1})))
                .get(10, TimeUnit.SECONDS);

        assertThat(accepted).isFalse();
        assertThat(reply.take()).isNull();
    }

    @Test
    void dropsAReplyLeftByAFrameWhoseFlowFailedAfterReplying() {
        FrameReply reply = new FrameReply();
        reply.expect();
        reply.send(new GenericMessage<>(new byte[] {1}));
        // the flow threw after the reply, so the gateway never took it

        reply.expect();

        assertThat(reply.take()).isNull();
    }

    @Test
    void refusesAReplyOutsideAFrame() {
        FrameReply reply = new FrameReply();

        assertThat(reply.send(new GenericMessage<>(new byte[] {1}))).isFalse();
        assertThat(reply.take()).isNull();
    }
}
