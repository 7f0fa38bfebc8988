package io.tcpecho.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLSocket;

import io.tcpecho.framing.BufferMemory;
import io.tcpecho.framing.EndOfStream;
import io.tcpecho.framing.FrameInputStream;
import io.tcpecho.framing.FrameTooLargeException;
import io.tcpecho.framing.Framing;
import io.tcpecho.framing.FramingException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

/**
 * One client connection: Spring Integration's blocking {@link TcpNetConnection}, read by its own
 * virtual thread, with buffered I/O sized for many connections and echoes flushed once per read
 * batch. It knows why it closes, which the metrics report.
 */
final class EchoConnection extends TcpNetConnection {

    private static final Log log = LogFactory.getLog(EchoConnection.class);

    /**
     * How long a connection with grown buffers may wait for input, while buffer memory is scarce,
     * before it gives them back. Without this, connections that went quiet after a burst kept their
     * grown buffers for good: 1,000 of them, each having echoed 64 KB at once, held all that buffers
     * may take of a 256 MB heap's budget, and 8 busy connections beside them then echoed 107 thousand
     * 1 KB frames a second instead of 379 thousand, with buffers that could not grow
     * ({@code src/bench/quiet.sh}; {@code src/bench/README.md}, "Quiet connections"). Netty, which
     * takes a pooled buffer per read, holds none for a quiet connection. The read that waits is a
     * timed one only then, because a timed wait costs CPU ({@link IdleConnections}).
     */
    static final int QUIET_RELEASE_MILLIS = 1000;

    private final Socket socket;

    /** The TLS socket's plain one underneath; null without TLS. */
    private final AcceptedSocket accepted;

    private final ConnectionRegistry registry;

    private final ConnectionObserver observer;

    private final WarningLimit warnings;

    private final Framing framing;

    private final boolean admitted;

    private final FrameInputStream in;

    private final FrameOutputStream out;

    /** What this connection's buffers and frames hold of {@code max-buffer-memory}. */
    private final BufferMemory.Account memory;

    private final ReentrantLock writeLock = new ReentrantLock();

    private final FrameReply reply = new FrameReply();

    private final AtomicBoolean released = new AtomicBoolean();

    private volatile CloseReason closeReason;

    private volatile Thread reader;

    private long frameDecodedAt;

    private long frameStart;

    private volatile boolean draining;

    private volatile boolean idleBetweenFrames;

    private volatile Runnable onClose;

    /** Whether the TLS handshake has completed; only the reader reads and writes it. */
    private boolean handshaken;

    /** {@code echo.tcp.idle-timeout} in milliseconds; 0 when off. */
    private final int idleTimeoutMillis;

    /**
     * SO_TIMEOUT as last set on the socket; only the reader sets it. Past the TLS handshake it is 0,
     * or {@link #QUIET_RELEASE_MILLIS} while the read under way is timed to give back quiet buffers.
     */
    private int readTimeout;

    /**
     * With an idle timeout, when the reader began waiting for input ({@link System#nanoTime()}, never
     * 0); 0 while it is not waiting, and always without one. {@link #closeIfIdle} reads it.
     */
    private volatile long waitingSince;

    private Map<String, Object> messageHeaders;

    /**
     * @param socket what the connection reads and writes: the accepted socket, or for TLS the
     * {@link SSLSocket} layered over {@code accepted}
     * @param accepted for TLS the plain socket {@code socket} is layered over, otherwise null
     * @param idleTimeoutMillis {@code echo.tcp.idle-timeout}, 0 when off: the socket's read timeout as
     * Spring Integration set it, which the TLS handshake keeps, and whether {@link #closeIfIdle} can
     * tell how long the reader has waited and a write has been blocked
     */
    EchoConnection(Socket socket, AcceptedSocket accepted, boolean admitted, ConnectionRegistry registry,
            ConnectionObserver observer, WarningLimit warnings, Framing framing, BufferMemory bufferMemory,
            int idleTimeoutMillis, ApplicationEventPublisher publisher, String factoryName) throws IOException {
        super(socket, true, false, publisher, factoryName);
        this.socket = socket;
        this.accepted = accepted;
        this.handshaken = !(socket instanceof SSLSocket);
        this.admitted = admitted;
        this.registry = registry;
        this.observer = observer;
        this.warnings = warnings;
        this.framing = framing;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.readTimeout = idleTimeoutMillis;
        this.memory = bufferMemory.account();
        this.in = new FrameInputStream(socket.getInputStream(), this.memory, new FrameInputStream.BeforeBlocking() {

            @Override
            public void run() throws IOException {
                beforeBlockingRead();
            }

            @Override
            public void afterRead() {
                EchoConnection.this.idleBetweenFrames = false;
                if (EchoConnection.this.idleTimeoutMillis > 0) {
                    EchoConnection.this.waitingSince = 0;
                }
            }

            @Override
            public void timedOut(SocketTimeoutException timeout) throws IOException {
                readTimedOut(timeout);
            }
        });
        this.out = new FrameOutputStream(socket.getOutputStream(), this.memory, idleTimeoutMillis > 0);
    }

    CloseReason closeReason() {
        CloseReason reason = this.closeReason;
        return reason != null ? reason : CloseReason.CLIENT;
    }

    /**
     * The headers every frame of this connection carries: {@code ip_connectionId}, which the
     * inbound gateway routes the echo back by and the quit step closes by, and the connection's
     * {@link FrameReply} as the reply channel, where the flow leaves the echo for the gateway
     * ({@link EchoInboundGateway}). Spring Integration's mapper also adds the peer's host name,
     * address and port and the local address; nothing in the echo flow reads them, and every
     * header is copied into each frame's message, so they are left out ({@code src/bench/README.md}).
     * The peer's address is in the DEBUG open and close lines.
     */
    Map<String, Object> messageHeaders() {
        Map<String, Object> headers = this.messageHeaders;
        if (headers == null) {
            headers = Map.of(IpHeaders.CONNECTION_ID, getConnectionId(), MessageHeaders.REPLY_CHANNEL, this.reply);
            this.messageHeaders = headers;
        }
        return headers;
    }

    String remote() {
        return getHostAddress() + ":" + getPort();
    }

    @Override
    public void run() {
        if (!this.admitted) {
            close();
            return;
        }
        this.reader = Thread.currentThread();
        if (log.isDebugEnabled()) {
            log.debug("Connection opened from " + remote());
        }
        super.run();
    }

    @Override
    protected InputStream inputStream() {
        return this.in;
    }

    @Override
    public Object getPayload() {
        if (this.released.get()) {
            // closed by the flow (quit) or a drain: frames still buffered are not echoed
            throw new EndOfStream("Connection closed");
        }
        this.frameStart = this.in.consumed();
        Object payload = super.getPayload();
        this.frameDecodedAt = System.nanoTime();
        this.observer.frameReceived(((byte[]) payload).length + this.framing.overhead());
        return payload;
    }

    /** The echo: written to the connection's buffer, flushed when no further input is waiting. */
    @Override
    @SuppressWarnings("unchecked")
    public void send(Message<?> message) {
        this.writeLock.lock();
        try {
            byte[] payload = (byte[]) getMapper().fromMessage(message);
            ((Serializer<byte[]>) getSerializer()).serialize(payload, this.out);
            // More input already read means more echoes are coming: hold this one back. The reader
            // flushes before it blocks (beforeBlockingRead), so nothing waits on a quiet client.
            if (Thread.currentThread() != this.reader || this.in.buffered() == 0) {
                this.out.flush();
            }
            int length = payload.length;
            this.observer.frameEchoed(length, length + this.framing.overhead(), System.nanoTime() - this.frameDecodedAt);
        }
        catch (Exception ex) {
            writeFailed(ex);
            publishConnectionExceptionEvent(ex);
            closeConnection(true);
            if (!(ex instanceof IOException)) {
                throw new MessagingException(message, "Echo could not be written", ex);
            }
            // Not rethrown: the only caller, TcpInboundGateway, would log it again at ERROR with a stack
            // trace ("Failed to send reply") for what writeFailed already counted and logged, or, when
            // the connection was closed on purpose (quit, oversize, a drain), left out of the log.
        }
        finally {
            this.writeLock.unlock();
        }
    }

    private void beforeBlockingRead() throws IOException {
        try {
            flushPending();
        }
        catch (IOException ex) {
            // Thrown into the read, which would take it for the peer's reset of its input.
            throw new EchoNotWritten(ex);
        }
        boolean betweenFrames = this.in.consumed() == this.frameStart;
        // Written before draining is read, the reverse of drain(): one of the two sees the other.
        this.idleBetweenFrames = betweenFrames;
        if (betweenFrames && this.draining && !received()) {
            close(CloseReason.SHUTDOWN);
            throw new EndOfStream("Closed for shutdown between frames");
        }
        // A scheduling hint, kept because it measured well, not because it is derived: yielding
        // once before the read that will probably park. The likely reason it helps: the yield
        // hands this virtual thread to the pool's queue and keeps a carrier thread scanning for
        // work a little longer, so when the client's next frame arrives the poller finds a carrier
        // awake instead of parked and saves a futex wake, which is costly on a VM. Same-run A/B,
        // crlf, five rounds: latency1 p50 24-49 us instead of 52-71 us (Netty 51-55), pingpong and
        // bulk the same or slightly up (src/bench/README.md). Each read batch costs one yield.
        Thread.yield();
        if (!this.handshaken) {
            // Started here rather than by JSSE inside the first read, so a failure is known to be the
            // handshake's (handleReadException): a reset while it runs is then a failed handshake,
            // where in a read it is a client's close. Its reads are timed by the idle timeout, as
            // Spring Integration set it: a client that never finishes it closes as idle.
            ((SSLSocket) this.socket).startHandshake();
            this.handshaken = true;
        }
        setReadTimeout(nextReadTimeout());
        if (this.idleTimeoutMillis > 0) {
            this.waitingSince = System.nanoTime() | 1;
        }
    }

    /**
     * {@link #QUIET_RELEASE_MILLIS} if this connection's buffers have grown, buffer memory is scarce
     * and the idle timeout is off or longer: then the read times out to give them back
     * ({@link #readTimedOut}). Otherwise 0: the read waits untimed, and the idle timeout, if any, is
     * {@link IdleConnections}' to apply.
     */
    private int nextReadTimeout() {
        int idle = this.idleTimeoutMillis;
        boolean quiet = (this.in.grown() || this.out.grown()) && (idle == 0 || idle > QUIET_RELEASE_MILLIS)
                && this.memory.scarce();
        return quiet ? QUIET_RELEASE_MILLIS : 0;
    }

    /**
     * The read timed out to give back quiet buffers: the write buffer goes back here, the read buffer
     * in {@link FrameInputStream}, and the read goes on untimed. {@link #waitingSince} still holds
     * when it began waiting, so the idle timeout counts from there, not from now.
     */
    private void readTimedOut(SocketTimeoutException timeout) throws IOException {
        if (this.readTimeout != QUIET_RELEASE_MILLIS) {
            throw timeout;
        }
        this.writeLock.lock();
        try {
            this.out.release();
        }
        finally {
            this.writeLock.unlock();
        }
        setReadTimeout(0);
    }

    /** Sets SO_TIMEOUT when it changes: a call takes the socket's lock, so not once per read. */
    private void setReadTimeout(int millis) throws SocketException {
        if (millis != this.readTimeout) {
            this.socket.setSoTimeout(millis);
            this.readTimeout = millis;
        }
    }

    /**
     * The echoes could not be written. A reset or a broken pipe is the client's doing: it stopped
     * reading and reset the connection, and threw away what it had not read.
     */
    private void writeFailed(Throwable failure) {
        if (this.closeReason != null) {
            return; // closed on purpose (quit, oversize, shutdown) while a write was under way
        }
        this.observer.error("write");
        if (failure instanceof SocketException) {
            markClosing(CloseReason.CLIENT);
            warn("write", "Connection reset before its echoes were written");
        }
        else {
            markClosing(CloseReason.ERROR);
            warn("write", "echo could not be written: " + failure);
        }
    }

    /**
     * The WARN line of a connection closed for {@code reason} (the tag its error is counted under),
     * or a DEBUG line once that reason's WARNs are over their {@link WarningLimit}.
     */
    private void warn(String reason, String what) {
        String line = "Closing connection from " + remote() + ": " + what;
        this.warnings.warn(log, reason, line, line);
    }

    private void flushPending() throws IOException {
        if (!this.out.hasPending()) {
            return;
        }
        this.writeLock.lock();
        try {
            this.out.flush();
        }
        finally {
            this.writeLock.unlock();
        }
    }

    /**
     * Graceful shutdown: a connection waiting between frames ends now, one in the middle of a
     * frame finishes it, gets its echo, and closes at its next frame boundary.
     *
     * <p>A waiting connection gets end-of-stream on its input rather than a closed socket. Its
     * reader may have taken a frame from the socket an instant before, while it still looked idle
     * (between its read returning and {@code afterRead}; under load a carrier thread can be
     * descheduled right there). With the output still open that frame is echoed, and the reader
     * closes the connection when its next read sees the end of the stream. Closing the socket here
     * lost such frames: 29 of 50 busy ping-pong connections in one drain
     * ({@code GracefulShutdownTests}).
     */
    void drain() {
        this.draining = true;
        if (this.idleBetweenFrames && !received()) {
            markClosing(CloseReason.SHUTDOWN);
            endInput();
        }
    }

    /** Ends the input, not the socket ({@link #drain}): its reader sees the end of the stream and closes. */
    private void endInput() {
        try {
            this.socket.shutdownInput();
        }
        catch (IOException ex) {
            // TLS: JSSE shuts the input down, then reports that the peer sent no close_notify.
            // Otherwise the socket is closed already, and its reader is on its way out.
        }
    }

    /**
     * JSSE wraps some failures in a generic one: OpenSSL's plaintext alert when it rejects the server's
     * certificate is "SSLProtocolException: Unexpected exception" around "Alert: unknown_ca".
     */
    private static String withRootCause(Throwable failure) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        return root == failure ? failure.toString() : failure + " (" + root + ")";
    }

    private boolean heardFromClient() {
        return this.accepted == null || this.accepted.heardFromClient();
    }

    /**
     * Closes the connection as idle ({@link IdleConnections}) if its reader has waited for input
     * longer than {@code limitNanos}, or a write of its echoes has been blocked that long: the client
     * stopped reading, and the connection would hold its slot and megabytes of socket buffers for as
     * long as the client kept it open.
     *
     * <p>A waiting connection gets end-of-stream on its input, as in a {@link #drain}, so a frame its
     * reader took an instant before still gets its echo; bytes that arrived and wait unread put the
     * close off to the next look. A half-received frame is dropped, as a read timeout dropped it.
     * Closing the socket ends a blocked write.
     */
    void closeIfIdle(long now, long limitNanos) {
        if (this.closeReason != null) {
            return;
        }
        long writing = this.out.writingSince();
        if (writing != 0 && now - writing > limitNanos) {
            if (log.isDebugEnabled()) {
                log.debug("Closing connection from " + remote() + ": its echoes went unread for the idle timeout");
            }
            abort(CloseReason.IDLE);
            return;
        }
        long waiting = this.waitingSince;
        if (waiting != 0 && now - waiting > limitNanos && !received()) {
            markIdle();
            endInput();
        }
    }

    /**
     * Closes now, from another thread, without waiting for a write under way: at the drain's
     * timeout and for unread echoes. A plain socket's close ends a blocked write. Under TLS it does
     * not: {@code SSLSocket.close()} first sends close_notify, under the lock that a write blocked on
     * a client that does not read is holding, and waits for it for good; that hung the shutdown
     * ({@code TlsTests}). So the plain socket underneath is closed first, which ends the write; the
     * close is then a TCP close without close_notify. A connection waiting for input holds no
     * echoes back (they are flushed before every read), so nothing it echoed is lost.
     */
    void abort(CloseReason reason) {
        markClosing(reason);
        if (this.accepted != null) {
            try {
                this.accepted.close();
            }
            catch (IOException ex) {
                // closing is all we wanted
            }
        }
        close();
    }

    /** Bytes that arrived and wait unread: frames received before the drain that still get their echo. */
    private boolean received() {
        try {
            return this.in.available() > 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** Closes with a reason; the first reason given wins. Echoes already written are flushed first. */
    void close(CloseReason reason) {
        markClosing(reason);
        close();
    }

    private void markClosing(CloseReason reason) {
        if (this.closeReason == null) {
            this.closeReason = reason;
        }
    }

    /** The idle timeout ends this connection, whether the watcher or the TLS handshake's read timeout found it. */
    private void markIdle() {
        markClosing(CloseReason.IDLE);
        if (log.isDebugEnabled()) {
            log.debug("Closing idle connection from " + remote());
        }
    }

    /**
     * Runs {@code action} once this connection has closed: at once if it has, otherwise from
     * {@link #close()}. It may run twice when the two race, so it must be idempotent.
     */
    void whenClosed(Runnable action) {
        this.onClose = action;
        // Written before released is read, the reverse of close(): one of the two runs it.
        if (this.released.get()) {
            action.run();
        }
    }

    @Override
    public void close() {
        if (this.released.compareAndSet(false, true)) {
            if (this.admitted) {
                try {
                    flushPending();
                }
                catch (IOException ex) {
                    // the peer is gone; nothing left to deliver
                }
                this.registry.release(this);
                if (log.isDebugEnabled()) {
                    log.debug("Connection closed from " + remote() + " (" + closeReason().tag() + ")");
                }
            }
            // The buffers go with the connection; its reader may still be using them, which is safe,
            // as the account counts nothing more once closed.
            this.memory.close();
            Runnable action = this.onClose;
            if (action != null) {
                action.run();
            }
        }
        super.close();
    }

    @Override
    protected void publishConnectionOpenEvent() {
        if (this.admitted) {
            super.publishConnectionOpenEvent();
        }
    }

    @Override
    protected void publishConnectionCloseEvent() {
        if (this.admitted) {
            super.publishConnectionCloseEvent();
        }
    }

    @Override
    protected boolean handleReadException(Exception exception) {
        Throwable cause = exception instanceof UncheckedIOException unchecked ? unchecked.getCause() : exception;
        switch (cause) {
            case Exception ended when this.closeReason == CloseReason.SHUTDOWN || this.closeReason == CloseReason.IDLE -> {
                // The drain or the idle timeout ended the input or closed the socket: how the read ends
                // (in the middle of a frame, or JSSE missing close_notify) is not the peer's error, and
                // the close line already gives the reason.
            }
            case EchoNotWritten notWritten -> writeFailed(notWritten.getCause());
            case SocketTimeoutException timeout -> {
                // The TLS handshake's read timeout: the idle timeout, as Spring Integration set it.
                markIdle();
            }
            case Exception probe when !this.handshaken && !heardFromClient() -> {
                // Gone before its first byte, with a FIN or a reset: a load balancer's TCP health
                // check or a port scan, not a client that failed TLS.
                markClosing(CloseReason.CLIENT);
                if (log.isDebugEnabled()) {
                    log.debug("Connection from " + remote() + " closed before the TLS handshake began: " + cause);
                }
            }
            case Exception failed when !this.handshaken -> {
                // Its own reason: a client that rejects the certificate or speaks plain text is not network trouble.
                markClosing(CloseReason.ERROR);
                this.observer.error("tls-handshake");
                warn("tls-handshake", "TLS handshake failed: " + withRootCause(cause));
            }
            case SoftEndOfStreamException end -> markClosing(CloseReason.CLIENT);
            case FrameTooLargeException tooLarge -> {
                markClosing(CloseReason.OVERSIZE);
                this.observer.error("oversize");
                warn("oversize", "frame exceeds max-message-size of " + tooLarge.limit() + " bytes");
            }
            case FramingException framing -> {
                markClosing("partial-frame".equals(framing.reason()) ? CloseReason.CLIENT : CloseReason.ERROR);
                this.observer.error(framing.reason());
                warn(framing.reason(), framing.getMessage());
            }
            case SocketException reset when this.closeReason == null -> {
                markClosing(CloseReason.CLIENT);
                if (this.in.consumed() != this.frameStart) {
                    this.observer.error("partial-frame");
                    warn("partial-frame", "Connection reset in the middle of a frame");
                }
            }
            case SocketException closedByUs -> {
                // closed on purpose (quit, shutdown, oversize); the reason is already recorded
            }
            default -> {
                markClosing(CloseReason.ERROR);
                this.observer.error("read");
                warn("read", String.valueOf(cause));
            }
        }
        // Our own line above replaces Spring Integration's ERROR "Read exception" line.
        setNoReadErrorOnClose(true);
        return super.handleReadException(exception);
    }

    /** Held-back echoes that could not be flushed before a read: a write failure, not the read's. */
    private static final class EchoNotWritten extends IOException {

        EchoNotWritten(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
