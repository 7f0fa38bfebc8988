package io.tcpecho.framing;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A close between frames, the way every connection ends, is Spring Integration's clean end of
 * stream for every framing, and costs no stack trace.
 */
class EndOfStreamTests {

    @ParameterizedTest
    @EnumSource(Framing.class)
    void closeBetweenFramesIsACleanEndOfStreamWithoutAStackTrace(Framing framing) {
        FrameInputStream closed = new FrameInputStream(new ByteArrayInputStream(new byte[0]));
        assertThatExceptionOfType(SoftEndOfStreamException.class)
                .isThrownBy(() -> framing.decoder(1024).deserialize(closed))
                .satisfies(end -> assertThat(end.getStackTrace()).isEmpty());
    }
}
