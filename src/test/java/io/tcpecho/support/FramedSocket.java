package io.tcpecho.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import io.tcpecho.framing.Framing;

import org.springframework.integration.ip.tcp.serializer.AbstractByteArraySerializer;

/**
 * An {@link EchoSocket} that frames with Spring Integration's own codec for a framing, so a test
 * proves wire compatibility with Spring Integration peers rather than with the server's decoders.
 */
public final class FramedSocket implements AutoCloseable {

    /**
     * Generous on purpose: Spring Integration's delimiter codecs count the terminator against their
     * limit (crlf decodes at most limit - 2 payload bytes), so the client must not be the bound here.
     */
    private static final int MAX_MESSAGE_SIZE = 1024 * 1024;

    private final EchoSocket socket;

    private final Framing framing;

    private final AbstractByteArraySerializer codec;

    private FramedSocket(EchoSocket socket, Framing framing) {
        this.socket = socket;
        this.framing = framing;
        this.codec = framing.codec(MAX_MESSAGE_SIZE);
    }

    public static FramedSocket connect(int port, Framing framing) throws IOException {
        return new FramedSocket(EchoSocket.connect(port), framing);
    }

    /** The payloads, each framed by Spring Integration's codec, back to back. */
    public byte[] encode(byte[]... payloads) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (byte[] payload : payloads) {
            this.codec.serialize(payload, wire);
        }
        return wire.toByteArray();
    }

    /** Sends the framed payloads in one write. */
    public FramedSocket send(byte[]... payloads) throws IOException {
        this.socket.send(encode(payloads));
        return this;
    }

    /**
     * Reads the echo of {@code payload}: one frame decoded by Spring Integration's codec, or for raw
     * framing (whose codec reads until the peer closes) exactly as many bytes as were sent.
     */
    public byte[] receiveEchoOf(byte[] payload) throws IOException {
        if (this.framing == Framing.RAW) {
            return this.socket.read(payload.length);
        }
        return this.codec.deserialize(this.socket.socket().getInputStream());
    }

    public EchoSocket socket() {
        return this.socket;
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}
