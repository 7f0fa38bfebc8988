package io.tcpecho.echo;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.channel.AbstractMessageChannel;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.ChannelInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the echo flow's first channel receives for each frame: the frame's bytes, and only the
 * headers the flow uses (src/bench/README.md: every header is copied into every frame's message),
 * with the connection's own reply channel, so the inbound gateway hands the frame over uncopied.
 */
class FrameMessageTests {

    @RegisterExtension
    static final SharedServer app = SharedServer.tcp();

    @Test
    void eachFrameCarriesItsConnectionIdAndItsConnectionsReplyChannelOnly() throws IOException {
        List<Message<?>> seen = new CopyOnWriteArrayList<>();
        AbstractMessageChannel first = app.context().getBean("echoFlow.channel#0", AbstractMessageChannel.class);
        ChannelInterceptor recorder = new ChannelInterceptor() {

            @Override
            public Message<?> preSend(Message<?> message, MessageChannel channel) {
                seen.add(message);
                return message;
            }
        };
        first.addInterceptor(recorder);
        try (EchoSocket one = EchoSocket.connect(app.tcpPort()); EchoSocket two = EchoSocket.connect(app.tcpPort())) {
            assertThat(one.send("a\r\nb\r\n").readText(6)).isEqualTo("a\r\nb\r\n");
            assertThat(two.send("c\r\n").readText(3)).isEqualTo("c\r\n");
        }
        finally {
            first.removeInterceptor(recorder);
        }

        assertThat(seen).extracting(message -> new String((byte[]) message.getPayload()))
                .containsExactly("a", "b", "c");
        // No copy by the gateway's messaging template: no timestamp, no temporary reply and error channels.
        assertThat(seen).allSatisfy(message -> assertThat(message.getHeaders().keySet())
                .containsExactlyInAnyOrder(MessageHeaders.ID, IpHeaders.CONNECTION_ID, MessageHeaders.REPLY_CHANNEL));
        assertThat(seen).extracting(message -> message.getHeaders().getReplyChannel())
                .satisfies(replies -> assertThat(replies.get(0)).isSameAs(replies.get(1)).isNotSameAs(replies.get(2)));
        assertThat(seen).extracting(message -> message.getHeaders().get(IpHeaders.CONNECTION_ID))
                .doesNotContainNull()
                .satisfies(ids -> assertThat(ids.get(0)).isEqualTo(ids.get(1)).isNotEqualTo(ids.get(2)));
        assertThat(seen).extracting(message -> message.getHeaders().getId()).doesNotHaveDuplicates();
    }
}
