package io.tcpecho.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocketFactory;

import io.tcpecho.client.BenchCommand.Latencies;
import io.tcpecho.client.BenchCommand.Result;
import io.tcpecho.client.BenchCommand.Settings;

/**
 * {@code bench --mode churn}: {@code --connections} slots, each of which connects, echoes one
 * message, closes (the client first) and starts again until the run ends, as echoload's churn. The
 * latencies are of whole cycles, connect to close.
 */
final class ChurnLoad {

    /**
     * The pause after a failed cycle: a server that refuses or resets must not turn the run into a
     * busy loop that counts errors as fast as the CPU allows.
     */
    private static final long PAUSE_AFTER_ERROR_MILLIS = 10;

    private ChurnLoad() {
    }

    /** {@code limit}: the client's own limit on cycles a second, where it is known (Linux). */
    record ChurnResult(long cycles, long errors, double seconds, Latencies latencies, Optional<LocalPortLimit> limit)
            implements Result {

        @Override
        public String line() {
            return String.format(Locale.ROOT, "mode=churn cycles=%d cycles_per_s=%.0f %s errors=%d", this.cycles,
                    cyclesPerSecond(), this.latencies.fields(), this.errors);
        }

        /** A rate at the client's own limit says little about the server, so the run says so. */
        @Override
        public List<String> notes() {
            return this.limit.flatMap(limit -> limit.note(cyclesPerSecond())).stream().toList();
        }

        private double cyclesPerSecond() {
            return this.seconds > 0 ? this.cycles / this.seconds : 0;
        }

        @Override
        public boolean passed() {
            return this.errors == 0 && this.cycles > 0;
        }
    }

    /** The first slot's first connection is made here, so that a server that is not there throws at once. */
    static ChurnResult run(Settings settings, BenchErrors errors) throws IOException {
        InetSocketAddress address = settings.address();
        Socket first = BenchMessages.connect(address, settings.tls());
        LatencyHistogram all = BenchCommand.timed(settings, errors, "churn", (i, measureFrom, end) ->
                slot(i == 0 ? first : null, address, settings, i, measureFrom, end, errors));
        return new ChurnResult(all.count(), errors.count(), settings.duration().toNanos() / 1e9, Latencies.of(all),
                LocalPortLimit.of(LocalPortLimit.SYSCTLS, address.getAddress()));
    }

    private static LatencyHistogram slot(Socket connected, InetSocketAddress address, Settings settings, long seed,
            long measureFrom, long end, BenchErrors errors) throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] echo = new byte[settings.size()];
        Socket next = connected;
        for (long began = System.nanoTime(); began < end; began = System.nanoTime()) {
            byte[] message = BenchMessages.message(random, settings.size(), settings.terminator());
            boolean echoed = cycle(next, address, settings.tls(), message, echo, errors);
            next = null;
            if (!echoed) {
                TimeUnit.MILLISECONDS.sleep(PAUSE_AFTER_ERROR_MILLIS);
                continue;
            }
            long done = System.nanoTime();
            if (began >= measureFrom && done <= end) {
                histogram.record(done - began);
            }
        }
        if (next != null) {
            cycle(next, address, settings.tls(), BenchMessages.message(random, settings.size(), settings.terminator()),
                    echo, errors);
        }
        return histogram;
    }

    /** Connects unless {@code connected} is given, echoes {@code message}, closes; false after an error. */
    private static boolean cycle(Socket connected, InetSocketAddress address, SSLSocketFactory tls, byte[] message,
            byte[] echo, BenchErrors errors) {
        try (Socket socket = connected != null ? connected : BenchMessages.connect(address, tls)) {
            String wrong = BenchMessages.exchange(socket, message, echo);
            if (wrong != null) {
                errors.add(wrong);
            }
            return wrong == null;
        }
        catch (IOException ex) {
            errors.add("connect and echo", ex);
            return false;
        }
    }
}
