package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.tcpecho.client.BenchCommand.Latencies;
import io.tcpecho.client.BenchCommand.Result;
import io.tcpecho.client.BenchCommand.Settings;

/**
 * {@code bench --mode echo}: every connection keeps {@code --depth} messages in flight, sending the
 * next as each echo returns (echoload's pingpong with depth 1, pipeline above).
 */
final class EchoLoad {

    private EchoLoad() {
    }

    record EchoResult(long messages, long errors, double seconds, Latencies latencies) implements Result {

        double messagesPerSecond() {
            return this.seconds > 0 ? this.messages / this.seconds : 0;
        }

        @Override
        public String line() {
            return String.format(Locale.ROOT, "msgs=%d msgs_per_s=%.0f %s errors=%d", this.messages,
                    messagesPerSecond(), this.latencies.fields(), this.errors);
        }

        @Override
        public boolean passed() {
            return this.errors == 0 && this.messages > 0;
        }
    }

    /** Connects every connection first, so that a server that is not there throws before any load. */
    static EchoResult run(Settings settings, BenchErrors errors) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            InetSocketAddress address = settings.address();
            for (int i = 0; i < settings.connections(); i++) {
                sockets.add(BenchMessages.connect(address, settings.tls()));
            }
            LatencyHistogram all = BenchCommand.timed(settings, errors, "echo",
                    (i, measureFrom, end) -> drive(sockets.get(i), settings, i, measureFrom, end, errors));
            return new EchoResult(all.count(), errors.count(), settings.duration().toNanos() / 1e9,
                    Latencies.of(all));
        }
        finally {
            sockets.forEach(BenchMessages::close);
        }
    }

    private static LatencyHistogram drive(Socket socket, Settings settings, long seed, long measureFrom, long end,
            BenchErrors errors) throws IOException {
        LatencyHistogram histogram = new LatencyHistogram();
        SplittableRandom random = new SplittableRandom(seed);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int size = settings.size();
        byte[][] inFlight = new byte[settings.depth()][];
        long[] sentAt = new long[settings.depth()];
        byte[] echo = new byte[size];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = BenchMessages.message(random, size, settings.terminator());
            sentAt[i] = System.nanoTime();
            out.write(inFlight[i]);
        }
        int next = 0;
        while (true) {
            String wrong = BenchMessages.check(in, inFlight[next], echo);
            if (wrong != null) {
                errors.add(wrong);
                return histogram;
            }
            long now = System.nanoTime();
            if (now >= measureFrom && now < end) {
                histogram.record(now - sentAt[next]);
            }
            if (now >= end) {
                return histogram;
            }
            inFlight[next] = BenchMessages.message(random, size, settings.terminator());
            sentAt[next] = System.nanoTime();
            out.write(inFlight[next]);
            next = (next + 1) % inFlight.length;
        }
    }
}
