package io.tcpecho.client;

/**
 * The client side as a messaging gateway: {@code client -> TcpOutboundGateway -> socket -> server}.
 * Obtain it from a context built on {@link EchoClientConfiguration}.
 */
public interface EchoClient {

    /** Sends one frame and returns its echo; throws when refused or when no echo comes in time. */
    byte[] echo(byte[] payload);
}
