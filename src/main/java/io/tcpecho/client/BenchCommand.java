package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.convert.DurationStyle;

/**
 * {@code java -jar tcp-echo.jar bench --host H --port P --connections C --size S --duration D}:
 * a load client for users without a C compiler. Each connection runs on a virtual thread, keeps
 * {@code --depth} messages in flight, checks every echoed byte, and the run prints msgs/s and
 * latency percentiles. Messages are random lowercase letters ended by the framing's terminator,
 * so they suit crlf, lf and raw servers alike (as shared/bench/echoload does).
 */
public final class BenchCommand {

    private static final Set<String> OPTIONS = new LinkedHashSet<>(List.of("host", "port", "connections", "size",
            "duration", "warmup", "depth", "framing"));

    private BenchCommand() {
    }

    record Settings(String host, int port, int connections, int size, Duration duration, Duration warmup, int depth,
            byte[] terminator) {
    }

    /** What a run measured. */
    public record Result(long messages, long errors, double seconds, long p50Nanos, long p99Nanos, long p999Nanos) {

        public double messagesPerSecond() {
            return this.seconds > 0 ? this.messages / this.seconds : 0;
        }

        String line() {
            return String.format(Locale.ROOT, "msgs=%d msgs_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f errors=%d",
                    this.messages, messagesPerSecond(), this.p50Nanos / 1e3, this.p99Nanos / 1e3,
                    this.p999Nanos / 1e3, this.errors);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Settings settings;
        try {
            settings = parse(args);
        }
        catch (IllegalArgumentException ex) {
            err.println("tcp-echo bench: " + ex.getMessage());
            err.println("usage: bench --host H --port P [--connections 50] [--size 64] [--duration 10s] [--warmup 1s] "
                    + "[--depth 1] [--framing crlf|lf|raw]");
            return ClientCommand.USAGE;
        }
        Result result;
        try {
            result = run(settings);
        }
        catch (IOException ex) {
            err.println("tcp-echo bench: cannot connect to " + settings.host() + ":" + settings.port() + ": "
                    + ex.getMessage());
            return ClientCommand.UNREACHABLE;
        }
        out.println(result.line());
        return result.errors() == 0 && result.messages() > 0 ? ClientCommand.OK : ClientCommand.MISMATCH;
    }

    static Settings parse(String[] args) {
        CommandLine line = CommandLine.parse(args, OPTIONS);
        if (!line.words().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + line.words().getFirst());
        }
        String framing = line.get("framing", "crlf");
        byte[] terminator = switch (framing) {
            case "crlf" -> new byte[] {'\r', '\n'};
            case "lf" -> new byte[] {'\n'};
            case "raw" -> new byte[0];
            default -> throw new IllegalArgumentException("bench supports --framing crlf, lf or raw, not " + framing);
        };
        int size = intOption(line, "size", "64", terminator.length + 1);
        int depth = intOption(line, "depth", "1", 1);
        if (depth > 1024) {
            throw new IllegalArgumentException("--depth must be at most 1024");
        }
        return new Settings(line.get("host", "127.0.0.1"), intOption(line, "port", "7007", 1),
                intOption(line, "connections", "50", 1), size, duration(line, "duration", "10s"),
                duration(line, "warmup", "1s"), depth, terminator);
    }

    private static int intOption(CommandLine line, String name, String fallback, int min) {
        try {
            int value = Integer.parseInt(line.get(name, fallback));
            if (value < min) {
                throw new IllegalArgumentException("--" + name + " must be at least " + min);
            }
            return value;
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--" + name + " must be a whole number");
        }
    }

    private static Duration duration(CommandLine line, String name, String fallback) {
        try {
            return DurationStyle.detectAndParse(line.get(name, fallback));
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw new IllegalArgumentException("--" + name + " must be a duration such as 10s");
        }
    }

    static Result run(Settings settings) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < settings.connections(); i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(settings.host(), settings.port()), 5000);
                socket.setSoTimeout(5000);
            }
            long start = System.nanoTime();
            long measureFrom = start + settings.warmup().toNanos();
            long end = measureFrom + settings.duration().toNanos();
            AtomicLong errors = new AtomicLong();
            List<Future<LatencyHistogram>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < sockets.size(); i++) {
                    Socket socket = sockets.get(i);
                    long seed = i;
                    results.add(threads.submit(() -> drive(socket, settings, seed, measureFrom, end, errors)));
                }
            }
            LatencyHistogram all = new LatencyHistogram();
            for (Future<LatencyHistogram> result : results) {
                try {
                    all.add(result.get());
                }
                catch (Exception ex) {
                    errors.incrementAndGet();
                }
            }
            double seconds = settings.duration().toNanos() / 1e9;
            return new Result(all.count(), errors.get(), seconds, all.valueAt(0.5), all.valueAt(0.99),
                    all.valueAt(0.999));
        }
        finally {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                }
                catch (IOException ex) {
                    // closing after the run; nothing to report
                }
            }
        }
    }

    private static LatencyHistogram drive(Socket socket, Settings settings, long seed, long measureFrom, long end,
            AtomicLong errors) throws IOException {
        LatencyHistogram histogram = new LatencyHistogram();
        SplittableRandom random = new SplittableRandom(seed);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int size = settings.size();
        byte[][] inFlight = new byte[settings.depth()][];
        long[] sentAt = new long[settings.depth()];
        byte[] echo = new byte[size];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = message(random, size, settings.terminator());
            sentAt[i] = System.nanoTime();
            out.write(inFlight[i]);
        }
        int next = 0;
        while (true) {
            if (!readFully(in, echo)) {
                errors.incrementAndGet();
                return histogram;
            }
            long now = System.nanoTime();
            if (!Arrays.equals(echo, inFlight[next])) {
                errors.incrementAndGet();
                return histogram;
            }
            if (now >= measureFrom && now < end) {
                histogram.record(now - sentAt[next]);
            }
            if (now >= end) {
                return histogram;
            }
            inFlight[next] = message(random, size, settings.terminator());
            sentAt[next] = System.nanoTime();
            out.write(inFlight[next]);
            next = (next + 1) % inFlight.length;
        }
    }

    private static byte[] message(SplittableRandom random, int size, byte[] terminator) {
        byte[] message = new byte[size];
        int body = size - terminator.length;
        for (int i = 0; i < body; i++) {
            message[i] = (byte) ('a' + random.nextInt(26));
        }
        System.arraycopy(terminator, 0, message, body, terminator.length);
        return message;
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

}
