package io.tcpecho.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;

/**
 * An accepted socket that TLS is layered over, which remembers whether the client sent anything.
 *
 * <p>A failed TLS handshake is a client error, but a connection that leaves before its first byte
 * is a load balancer's TCP health check or a port scan, and JSSE reports both alike ("Remote host
 * terminated the handshake", or the reset itself). JSSE reads the client's bytes through this
 * socket's input stream, so the answer is here and nowhere in its public API.
 */
final class AcceptedSocket extends Socket {

    /** Written and read by the connection's own thread: the handshake and its failure run there. */
    private boolean heardFromClient;

    private InputStream input;

    /** Unconnected, for {@link java.net.ServerSocket#implAccept(Socket)}, as {@code accept()} does itself. */
    AcceptedSocket() throws SocketException {
        super((SocketImpl) null);
    }

    boolean heardFromClient() {
        return this.heardFromClient;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (this.input == null) {
            this.input = new FilterInputStream(super.getInputStream()) {

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    AcceptedSocket.this.heardFromClient |= b >= 0;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    AcceptedSocket.this.heardFromClient |= n > 0;
                    return n;
                }
            };
        }
        return this.input;
    }
}
