package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * What every bench mode sends and how it checks the answer. Messages are random lowercase letters
 * ended by the framing's terminator, so they suit crlf, lf and raw servers alike (as
 * shared/bench/echoload does), and an echo must match its message byte for byte.
 */
final class BenchMessages {

    /** Connect and read timeout of every bench socket: a server that stalls this long counts as an error. */
    static final int TIMEOUT_MILLIS = 5000;

    private BenchMessages() {
    }

    static byte[] message(SplittableRandom random, int size, byte[] terminator) {
        byte[] message = new byte[size];
        int body = size - terminator.length;
        for (int i = 0; i < body; i++) {
            message[i] = (byte) ('a' + random.nextInt(26));
        }
        System.arraycopy(terminator, 0, message, body, terminator.length);
        return message;
    }

    /**
     * A connected socket with Nagle off, as echoload's, and the bench's read timeout; with {@code tls},
     * a TLS socket over it whose handshake is done and whose certificate names the host, as the
     * {@code client} command checks it ({@link ClientTls}).
     */
    static Socket connect(InetSocketAddress address, SSLSocketFactory tls) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            if (tls == null) {
                return socket;
            }
            SSLSocket secure = (SSLSocket) tls.createSocket(socket, address.getHostString(), address.getPort(), true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return secure;
        }
        catch (IOException ex) {
            socket.close();
            throw ex;
        }
    }

    /**
     * Sends {@code message} and reads its echo into {@code echo}, a buffer of the same length.
     * Returns {@code null} when the echo matched, or what went wrong.
     */
    static String exchange(Socket socket, byte[] message, byte[] echo) throws IOException {
        socket.getOutputStream().write(message);
        return check(socket.getInputStream(), message, echo);
    }

    /** Reads one echo of {@code sent} into {@code echo}; {@code null} when it matched, or what went wrong. */
    static String check(InputStream in, byte[] sent, byte[] echo) throws IOException {
        if (!readFully(in, echo)) {
            return "the server closed the connection before the echo was complete";
        }
        if (!Arrays.equals(echo, sent)) {
            return "wrong echo: sent \"" + printable(sent) + "\", got \"" + printable(echo) + "\"";
        }
        return null;
    }

    /** Closes {@code socket} (null: nothing) after a run, when a failing close has nothing left to report. */
    static void close(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        }
        catch (IOException ex) {
            // closing after the run; nothing to report
        }
    }

    private static boolean readFully(InputStream in, byte[] target) throws IOException {
        int done = 0;
        while (done < target.length) {
            int n = in.read(target, done, target.length - done);
            if (n < 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 40); i++) {
            int b = bytes[i] & 0xff;
            text.append(switch (b) {
                case '\r' -> "\\r";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                default -> b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b);
            });
        }
        return bytes.length > 40 ? text + "..." : text.toString();
    }
}
