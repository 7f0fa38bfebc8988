package io.tcpecho.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

import io.tcpecho.framing.Framing;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar tcp-echo.jar bench --host H --port P [--mode echo|churn|hold] ...}: a load client
 * for users without a C compiler, with echoload's scenarios. Every connection runs on a virtual
 * thread and every echoed byte is checked.
 * <ul>
 * <li>{@code echo}: {@code --connections} connections keep {@code --depth} messages in flight each
 * (pingpong, latency1 and bulk); msgs/s and latency percentiles.</li>
 * <li>{@code churn}: {@code --connections} slots each connect, echo one message and close, client
 * first, over and over: the connection rate a path sustains (load balancers, conntrack, NAT).</li>
 * <li>{@code hold}: opens {@code --connections} connections, echoes once on each, holds them all
 * idle for {@code --duration}, then echoes on each again: whether a path keeps idle connections.</li>
 * </ul>
 * With {@code --ssl-bundle} every connection is TLS, checked as the {@code client} command checks it, so
 * {@code churn} measures handshakes.
 */
public final class BenchCommand {

    private static final Set<String> OPTIONS = new LinkedHashSet<>(List.of("host", "port", "mode", "connections",
            "size", "duration", "warmup", "depth", "framing", "ssl-bundle"));

    private static final String USAGE = "usage: bench --host H --port P [--mode echo|churn|hold] [--connections 50] "
            + "[--size 64] [--duration 10s] [--warmup 1s] [--depth 1] [--framing crlf|lf|raw] [--ssl-bundle NAME]";

    private BenchCommand() {
    }

    enum Mode {
        ECHO, CHURN, HOLD
    }

    /** What to run; {@code tls} is null for plain TCP. */
    record Settings(Mode mode, String host, int port, int connections, int size, Duration duration, Duration warmup,
            int depth, byte[] terminator, SSLSocketFactory tls) {

        InetSocketAddress address() {
            return new InetSocketAddress(this.host, this.port);
        }
    }

    /**
     * What a run measured: one line of {@code key=value} pairs, whether every echo came back right, and
     * notes on what else limited it (for stderr).
     */
    interface Result {

        String line();

        boolean passed();

        default List<String> notes() {
            return List.of();
        }
    }

    /** Round-trip percentiles of a run, printed as {@code p50_us=... p99_us=... p999_us=...}. */
    record Latencies(long p50Nanos, long p99Nanos, long p999Nanos) {

        static Latencies of(LatencyHistogram histogram) {
            return new Latencies(histogram.valueAt(0.5), histogram.valueAt(0.99), histogram.valueAt(0.999));
        }

        String fields() {
            return String.format(Locale.ROOT, "p50_us=%.1f p99_us=%.1f p999_us=%.1f", this.p50Nanos / 1e3,
                    this.p99Nanos / 1e3, this.p999Nanos / 1e3);
        }
    }

    /** One virtual thread of a timed run: the {@code index}th, measuring from {@code measureFrom} to {@code end}. */
    @FunctionalInterface
    interface TimedTask {

        LatencyHistogram run(int index, long measureFrom, long end) throws Exception;
    }

    /**
     * Runs {@code --connections} tasks on virtual threads, each given the run's window in
     * {@link System#nanoTime()} ({@code --warmup} from now, then {@code --duration}), and merges what
     * they measured. A task that threw counts as one error, described as {@code doing}.
     */
    static LatencyHistogram timed(Settings settings, BenchErrors errors, String doing, TimedTask task) {
        long measureFrom = System.nanoTime() + settings.warmup().toNanos();
        long end = measureFrom + settings.duration().toNanos();
        List<Future<LatencyHistogram>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < settings.connections(); i++) {
                int index = i;
                results.add(threads.submit(() -> task.run(index, measureFrom, end)));
            }
        }
        LatencyHistogram all = new LatencyHistogram();
        for (Future<LatencyHistogram> result : results) {
            try {
                all.add(result.get());
            }
            catch (ExecutionException ex) {
                errors.add(doing, ex.getCause() instanceof Exception cause ? cause : ex);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                errors.add(doing, ex);
            }
        }
        return all;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Settings settings;
        try {
            CommandLine line = CommandLine.parse(args, OPTIONS);
            settings = parse(line, target(line));
        }
        catch (IllegalArgumentException ex) {
            err.println("tcp-echo bench: " + ex.getMessage());
            err.println(USAGE);
            return ClientCommand.USAGE;
        }
        BenchErrors errors = new BenchErrors();
        Result result;
        try {
            result = switch (settings.mode()) {
                case ECHO -> EchoLoad.run(settings, errors);
                case CHURN -> ChurnLoad.run(settings, errors);
                case HOLD -> HoldLoad.run(settings, errors);
            };
        }
        catch (SSLException ex) {
            // as the client command says it: the reason (untrusted, wrong name, no common protocol) is the message
            err.println("tcp-echo bench: TLS handshake with " + settings.host() + ":" + settings.port() + " failed: "
                    + ex.getMessage());
            return ClientCommand.UNREACHABLE;
        }
        catch (IOException ex) {
            err.println("tcp-echo bench: cannot connect to " + settings.host() + ":" + settings.port() + ": "
                    + ex.getMessage());
            return ClientCommand.UNREACHABLE;
        }
        out.println(result.line());
        result.notes().forEach(note -> err.println("tcp-echo bench: " + note));
        if (errors.first() != null) {
            err.println("tcp-echo bench: " + errors.count() + (errors.count() == 1 ? " error: " : " errors, the first: ")
                    + errors.first());
        }
        return result.passed() ? ClientCommand.OK : ClientCommand.MISMATCH;
    }

    /** Where the run goes and how: the client's properties and, when they name an SSL bundle, its TLS. */
    record Target(EchoClientProperties properties, SSLSocketFactory tls) {
    }

    /**
     * {@code echo.client.*} and {@code spring.ssl.bundle.*} as the {@code client} command binds them
     * (config/application.yml, the environment, system properties), with the command line's --host,
     * --port, --framing and --ssl-bundle on top: a bench run without them goes where the client would.
     */
    private static Target target(CommandLine line) {
        List<String> properties = new ArrayList<>(List.of("--logging.level.root=WARN"));
        for (String option : List.of("host", "port", "framing", "ssl-bundle")) {
            String value = line.get(option, null);
            if (value != null) {
                properties.add("--echo.client." + option + "=" + value);
            }
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ClientDefaults.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .run(properties.toArray(String[]::new))) {
            EchoClientProperties client = context.getBean(EchoClientProperties.class);
            if (client.sslBundle().isEmpty()) {
                return new Target(client, null);
            }
            SslBundle bundle = context.getBean(SslBundles.class).getBundle(client.sslBundle());
            return new Target(client, bundle.createSslContext().getSocketFactory());
        }
        catch (RuntimeException ex) {
            throw new IllegalArgumentException("invalid settings: " + ClientCommand.rootCause(ex).getMessage(), ex);
        }
    }

    /**
     * Only the client's properties and the SSL bundles ({@link EchoClientConfiguration} says why they
     * are imported): bench needs no connection factory or gateway, and starts faster without.
     */
    @EnableConfigurationProperties(EchoClientProperties.class)
    @ImportAutoConfiguration(SslAutoConfiguration.class)
    static class ClientDefaults {
    }

    static Settings parse(CommandLine line, Target target) {
        EchoClientProperties defaults = target.properties();
        if (!line.words().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + line.words().getFirst());
        }
        Mode mode = switch (line.get("mode", "echo")) {
            case "echo" -> Mode.ECHO;
            case "churn" -> Mode.CHURN;
            case "hold" -> Mode.HOLD;
            default -> throw new IllegalArgumentException("--mode must be echo, churn or hold, not "
                    + line.get("mode", ""));
        };
        // An option the mode would ignore is a mistake worth saying: a churn run with --depth 16 is not pipelined.
        if (mode != Mode.ECHO && line.options().containsKey("depth")) {
            throw new IllegalArgumentException("--depth applies to --mode echo only");
        }
        if (mode == Mode.HOLD && line.options().containsKey("warmup")) {
            throw new IllegalArgumentException("--mode hold has no warmup; --duration is how long it holds");
        }
        if (!EnumSet.of(Framing.CRLF, Framing.LF, Framing.RAW).contains(defaults.framing())) {
            throw new IllegalArgumentException("bench supports --framing crlf, lf or raw, not "
                    + defaults.framing().configName());
        }
        byte[] terminator = defaults.framing().terminator();
        int size = intOption(line, "size", "64", terminator.length + 1);
        int depth = intOption(line, "depth", "1", 1);
        if (depth > 1024) {
            throw new IllegalArgumentException("--depth must be at most 1024");
        }
        return new Settings(mode, defaults.host(), defaults.port(), intOption(line, "connections", "50", 1), size,
                duration(line, "duration", "10s"), duration(line, "warmup", mode == Mode.HOLD ? "0s" : "1s"), depth,
                terminator, target.tls());
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
}
