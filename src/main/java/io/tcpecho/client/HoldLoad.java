package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.tcpecho.client.BenchCommand.Latencies;
import io.tcpecho.client.BenchCommand.Result;
import io.tcpecho.client.BenchCommand.Settings;

/**
 * {@code bench --mode hold}: opens {@code --connections} connections at once, checks that each
 * echoes, holds them all idle for {@code --duration}, then checks that each still echoes, as
 * echoload's hold. While it holds, each connection waits in a read that times out when the hold
 * ends, so a connection that the server or a proxy closes or resets during the hold is seen when it
 * happens ({@code dropped}, and on stderr how far into the hold the first one went: the path's idle
 * timeout). One that a NAT or conntrack forgets without a packet shows only as a failed second echo.
 */
final class HoldLoad {

    private HoldLoad() {
    }

    record HoldResult(int connections, int held, int dropped, int stillEchoing, long errors, Latencies latencies)
            implements Result {

        @Override
        public String line() {
            return String.format(Locale.ROOT,
                    "mode=hold connections=%d held=%d dropped=%d still_echoing=%d %s errors=%d", this.connections,
                    this.held, this.dropped, this.stillEchoing, this.latencies.fields(), this.errors);
        }

        @Override
        public boolean passed() {
            return this.errors == 0 && this.stillEchoing == this.connections;
        }
    }

    /** The held connections and what they measured, shared by their virtual threads. */
    private static final class Hold {

        final InetSocketAddress address;

        final Settings settings;

        final BenchErrors errors;

        /** Counted down by each connection once its connect and first echo succeeded or failed. */
        final CountDownLatch firstEchoes;

        final CountDownLatch started = new CountDownLatch(1);

        /** When the hold began; written before {@link #started} opens, read after. */
        long startNanos;

        final AtomicInteger held = new AtomicInteger();

        final AtomicInteger dropped = new AtomicInteger();

        final AtomicInteger stillEchoing = new AtomicInteger();

        private final LatencyHistogram latencies = new LatencyHistogram();

        Hold(InetSocketAddress address, Settings settings, BenchErrors errors) {
            this.address = address;
            this.settings = settings;
            this.errors = errors;
            this.firstEchoes = new CountDownLatch(settings.connections());
        }

        void start() {
            this.startNanos = System.nanoTime();
            this.started.countDown();
        }

        void record(long nanos) {
            synchronized (this.latencies) {
                this.latencies.record(nanos);
            }
        }

        Latencies latencies() {
            synchronized (this.latencies) {
                return Latencies.of(this.latencies);
            }
        }
    }

    /** The first connection is made here, so that a server that is not there throws at once. */
    static HoldResult run(Settings settings, BenchErrors errors) throws IOException {
        InetSocketAddress address = settings.address();
        Socket first = BenchMessages.connect(address, settings.tls());
        Hold hold = new Hold(address, settings, errors);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < settings.connections(); i++) {
                Socket connected = i == 0 ? first : null;
                long seed = i;
                threads.submit(() -> holdOne(connected, seed, hold));
            }
            try {
                // Bounded: each connection counts down once its connect and echo succeeded or timed out.
                hold.firstEchoes.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                errors.add("hold", ex);
            }
            finally {
                hold.start();
            }
        }
        return new HoldResult(settings.connections(), hold.held.get(), hold.dropped.get(), hold.stillEchoing.get(),
                errors.count(), hold.latencies());
    }

    private static void holdOne(Socket connected, long seed, Hold hold) {
        SplittableRandom random = new SplittableRandom(seed);
        Settings settings = hold.settings;
        byte[] echo = new byte[settings.size()];
        Socket socket = connected;
        try {
            try {
                if (socket == null) {
                    socket = BenchMessages.connect(hold.address, settings.tls());
                }
                if (!echoed(socket, "first echo", BenchMessages.message(random, settings.size(), settings.terminator()),
                        echo, hold)) {
                    return;
                }
                hold.held.incrementAndGet();
            }
            catch (IOException ex) {
                hold.errors.add("connect", ex);
                return;
            }
            finally {
                hold.firstEchoes.countDown();
            }
            try {
                hold.started.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                hold.errors.add("hold", ex);
                return;
            }
            String drop = waitOutTheHold(socket, hold);
            if (drop != null) {
                hold.dropped.incrementAndGet();
                hold.errors.add("during the hold: " + drop);
                return;
            }
            if (echoed(socket, "echo after the hold", BenchMessages.message(random, settings.size(),
                    settings.terminator()), echo, hold)) {
                hold.stillEchoing.incrementAndGet();
            }
        }
        finally {
            BenchMessages.close(socket);
        }
    }

    /**
     * Reads until the hold ends: an echo server sends nothing unasked, so the read can only time out
     * (the hold is over: {@code null}) or see the connection end, which it reports with its time.
     */
    private static String waitOutTheHold(Socket socket, Hold hold) {
        long end = hold.startNanos + hold.settings.duration().toNanos();
        try {
            InputStream in = socket.getInputStream();
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                socket.setSoTimeout((int) Math.clamp(left / 1_000_000 + 1, 1, Integer.MAX_VALUE));
                try {
                    int read = in.read();
                    return (read < 0 ? "the server closed the connection " : "the server sent bytes unasked ")
                            + intoTheHold(hold);
                }
                catch (SocketTimeoutException ex) {
                    // the read waited out its share of the hold; the loop checks whether all of it is over
                }
            }
            socket.setSoTimeout(BenchMessages.TIMEOUT_MILLIS);
            return null;
        }
        catch (IOException ex) {
            return ex.getClass().getSimpleName() + " " + ex.getMessage() + " " + intoTheHold(hold);
        }
    }

    private static String intoTheHold(Hold hold) {
        return String.format(Locale.ROOT, "%.1f s into the hold", (System.nanoTime() - hold.startNanos) / 1e9);
    }

    private static boolean echoed(Socket socket, String which, byte[] message, byte[] echo, Hold hold) {
        long sent = System.nanoTime();
        try {
            String wrong = BenchMessages.exchange(socket, message, echo);
            if (wrong != null) {
                hold.errors.add(which + ": " + wrong);
                return false;
            }
        }
        catch (IOException ex) {
            hold.errors.add(which, ex);
            return false;
        }
        hold.record(System.nanoTime() - sent);
        return true;
    }
}
