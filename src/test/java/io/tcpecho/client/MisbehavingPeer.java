package io.tcpecho.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A deliberately broken echo server on the loopback address, the subject of the client's error
 * paths: one that never answers, or one that answers each CRLF line with something else.
 */
final class MisbehavingPeer implements AutoCloseable {

    private final ServerSocket listener;

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private MisbehavingPeer(UnaryOperator<String> answer) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("misbehaving-peer").start(() -> acceptAll(answer));
    }

    /** Accepts connections and reads them, never writing a byte. */
    static MisbehavingPeer silent() throws IOException {
        return new MisbehavingPeer(line -> null);
    }

    /** Answers every line with {@code answer(line)}. */
    static MisbehavingPeer answering(UnaryOperator<String> answer) throws IOException {
        return new MisbehavingPeer(answer);
    }

    int port() {
        return this.listener.getLocalPort();
    }

    private void acceptAll(UnaryOperator<String> answer) {
        while (!this.listener.isClosed()) {
            try {
                Socket socket = this.listener.accept();
                this.accepted.add(socket);
                Thread.ofVirtual().start(() -> serve(socket, answer));
            }
            catch (IOException ex) {
                return; // the listener was closed
            }
        }
    }

    private static void serve(Socket socket, UnaryOperator<String> answer) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                String reply = answer.apply(line);
                if (reply != null) {
                    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }
        catch (IOException ex) {
            // the client hung up or the peer was closed; either ends this connection
        }
    }

    @Override
    public void close() throws IOException {
        this.listener.close();
        for (Socket socket : this.accepted) {
            socket.close();
        }
    }
}
