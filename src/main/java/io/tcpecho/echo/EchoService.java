package io.tcpecho.echo;

import java.util.Arrays;

/** The echo itself: a frame comes back exactly as it arrived, bytes untouched. */
public class EchoService {

    private final byte[] quitCommand;

    /** @param quitCommand frame that ends a session unechoed; empty switches it off */
    public EchoService(byte[] quitCommand) {
        this.quitCommand = quitCommand.clone();
    }

    public byte[] echo(byte[] frame) {
        return frame;
    }

    /**
     * The quit rule: a frame whose bytes equal the quit command exactly. Case and surrounding
     * spaces matter ({@code EXIT} or {@code "exit "} are echoed), so any byte sequence, the word
     * itself included in other forms, can still be echoed by a test tool.
     */
    public boolean isQuit(byte[] frame) {
        return this.quitCommand.length > 0 && Arrays.equals(frame, this.quitCommand);
    }
}
