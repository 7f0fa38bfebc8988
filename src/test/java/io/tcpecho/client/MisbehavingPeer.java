package io.tcpecho.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A deliberately broken echo server on the loopback address, the subject of the client's error
 * paths: one that never answers, one that answers each CRLF line with something else, or one that
 * sends raw echoes back in pieces, as a proxy or a path with a small MSS may.
 */
final class MisbehavingPeer implements AutoCloseable {

    private final ServerSocket listener;

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private MisbehavingPeer(Conversation conversation) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("misbehaving-peer").start(() -> acceptAll(conversation));
    }

    /** Accepts connections and reads them, never writing a byte. */
    static MisbehavingPeer silent() throws IOException {
        return answering(line -> null);
    }

    /** Answers every line with {@code answer(line)}. */
    static MisbehavingPeer answering(UnaryOperator<String> answer) throws IOException {
        return new MisbehavingPeer(socket -> answerLines(socket, answer));
    }

    /**
     * Raw framing: answers every read with {@code answer(bytes)}, written {@code pieceSize} bytes at
     * a time with a pause between the pieces, so that each reaches the client as a read of its own.
     */
    static MisbehavingPeer answeringRawInPieces(UnaryOperator<byte[]> answer, int pieceSize, Duration pause)
            throws IOException {
        return new MisbehavingPeer(socket -> answerInPieces(socket, answer, pieceSize, pause));
    }

    int port() {
        return this.listener.getLocalPort();
    }

    private void acceptAll(Conversation conversation) {
        while (!this.listener.isClosed()) {
            try {
                Socket socket = this.listener.accept();
                this.accepted.add(socket);
                Thread.ofVirtual().start(() -> serve(socket, conversation));
            }
            catch (IOException ex) {
                return; // the listener was closed
            }
        }
    }

    private static void serve(Socket socket, Conversation conversation) {
        try (socket) {
            socket.setTcpNoDelay(true);
            conversation.run(socket);
        }
        catch (IOException ex) {
            // the client hung up or the peer was closed; either ends this connection
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answerLines(Socket socket, UnaryOperator<String> answer) throws IOException {
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

    private static void answerInPieces(Socket socket, UnaryOperator<byte[]> answer, int pieceSize, Duration pause)
            throws IOException, InterruptedException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            byte[] reply = answer.apply(Arrays.copyOf(buffer, n));
            for (int from = 0; from < reply.length; from += pieceSize) {
                if (from > 0) {
                    Thread.sleep(pause);
                }
                out.write(reply, from, Math.min(pieceSize, reply.length - from));
                out.flush();
            }
        }
    }

    @FunctionalInterface
    private interface Conversation {

        void run(Socket socket) throws IOException, InterruptedException;
    }

    @Override
    public void close() throws IOException {
        this.listener.close();
        for (Socket socket : this.accepted) {
            socket.close();
        }
    }
}
