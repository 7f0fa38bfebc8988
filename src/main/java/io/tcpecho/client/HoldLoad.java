package io.tcpecho.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * echoload's hold. A connection that a server, proxy or NAT dropped during the hold shows up as
 * not {@code still_echoing}, with the first such error on stderr.
 */
final class HoldLoad {

    private HoldLoad() {
    }

    record HoldResult(int connections, int held, int stillEchoing, long errors, Latencies latencies)
            implements Result {

        @Override
        public String line() {
            return String.format(Locale.ROOT, "mode=hold connections=%d held=%d still_echoing=%d %s errors=%d",
                    this.connections, this.held, this.stillEchoing, this.latencies.fields(), this.errors);
        }

        @Override
        public boolean passed() {
            return this.errors == 0 && this.stillEchoing == this.connections;
        }
    }

    /** The held connections and what they measured, shared by their virtual threads. */
    private record Hold(InetSocketAddress address, Settings settings, CountDownLatch firstEchoes,
            CountDownLatch holdOver, AtomicInteger held, AtomicInteger stillEchoing, LatencyHistogram latencies,
            BenchErrors errors) {

        void record(long nanos) {
            synchronized (this.latencies) {
                this.latencies.record(nanos);
            }
        }
    }

    /** The first connection is made here, so that a server that is not there throws at once. */
    static HoldResult run(Settings settings, BenchErrors errors) throws IOException {
        InetSocketAddress address = settings.address();
        Socket first = BenchMessages.connect(address, settings.tls());
        Hold hold = new Hold(address, settings, new CountDownLatch(settings.connections()), new CountDownLatch(1),
                new AtomicInteger(), new AtomicInteger(), new LatencyHistogram(), errors);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < settings.connections(); i++) {
                Socket connected = i == 0 ? first : null;
                long seed = i;
                threads.submit(() -> holdOne(connected, seed, hold));
            }
            try {
                // Bounded: each connection counts down once its connect and echo succeeded or timed out.
                hold.firstEchoes().await();
                Thread.sleep(settings.duration());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                errors.add("hold", ex);
            }
            finally {
                hold.holdOver().countDown();
            }
        }
        return new HoldResult(settings.connections(), hold.held().get(), hold.stillEchoing().get(), errors.count(),
                Latencies.of(hold.latencies()));
    }

    private static void holdOne(Socket connected, long seed, Hold hold) {
        SplittableRandom random = new SplittableRandom(seed);
        Settings settings = hold.settings();
        byte[] echo = new byte[settings.size()];
        Socket socket = connected;
        try {
            try {
                if (socket == null) {
                    socket = BenchMessages.connect(hold.address(), settings.tls());
                }
                if (!echoed(socket, "first echo", BenchMessages.message(random, settings.size(), settings.terminator()),
                        echo, hold)) {
                    return;
                }
                hold.held().incrementAndGet();
            }
            catch (IOException ex) {
                hold.errors().add("connect", ex);
                return;
            }
            finally {
                hold.firstEchoes().countDown();
            }
            try {
                hold.holdOver().await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                hold.errors().add("hold", ex);
                return;
            }
            if (echoed(socket, "echo after the hold", BenchMessages.message(random, settings.size(),
                    settings.terminator()), echo, hold)) {
                hold.stillEchoing().incrementAndGet();
            }
        }
        finally {
            close(socket);
        }
    }

    private static boolean echoed(Socket socket, String which, byte[] message, byte[] echo, Hold hold) {
        long sent = System.nanoTime();
        try {
            String wrong = BenchMessages.exchange(socket, message, echo);
            if (wrong != null) {
                hold.errors().add(which + ": " + wrong);
                return false;
            }
        }
        catch (IOException ex) {
            hold.errors().add(which, ex);
            return false;
        }
        hold.record(System.nanoTime() - sent);
        return true;
    }

    private static void close(Socket socket) {
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
}
