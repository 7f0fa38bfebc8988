package io.tcpecho.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar ({@code tcpecho.jar}, set by failsafe) as a real process on loopback and free
 * ports: both are bound as port 0 and read back from the log, so nothing races for a port.
 */
final class EchoProcess implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(120);

    private static final Pattern TCP_PORT = Pattern.compile("Echoing on 127\\.0\\.0\\.1:(\\d+) ");

    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");

    private final Process process;

    private final Path log;

    private final int tcpPort;

    private final int httpPort;

    private EchoProcess(Process process, Path log, int tcpPort, int httpPort) {
        this.process = process;
        this.log = log;
        this.tcpPort = tcpPort;
        this.httpPort = httpPort;
    }

    /** Starts the service with these extra {@code --key=value} arguments and waits until both ports are bound. */
    static EchoProcess start(Path work, String... arguments) throws IOException {
        return start(work, List.of(), arguments);
    }

    /** {@link #start(Path, String...)} with extra JVM options, which go before {@code -jar}. */
    static EchoProcess start(Path work, List<String> jvmOptions, String... arguments) throws IOException {
        return start(work, List.of(), jvmOptions, arguments);
    }

    /**
     * {@link #start(Path, String...)} with at most {@code files} open file descriptors (soft and hard
     * limit, so the JVM cannot raise it), as a container runtime's {@code nofile} limit sets it.
     */
    static EchoProcess startWithFileLimit(Path work, int files, String... arguments) throws IOException {
        return start(work, List.of("sh", "-c", "ulimit -n " + files + " && exec \"$@\"", "sh"), List.of(), arguments);
    }

    private static EchoProcess start(Path work, List<String> prefix, List<String> jvmOptions, String... arguments)
            throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(jvmOptions);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(jarCommand(options));
        command.addAll(List.of(arguments));
        return start(work, command, Path.of("."), Map.of());
    }

    /**
     * Starts {@code command}, a {@code java -jar} of the service, in {@code directory} with {@code environment}
     * added to this one's, on loopback and free ports, and waits until both ports are bound.
     */
    static EchoProcess start(Path work, List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        Path log = Files.createTempFile(work, "tcp-echo-", ".log");
        List<String> onLoopback = new ArrayList<>(command);
        onLoopback.addAll(List.of("--echo.tcp.port=0", "--echo.tcp.bind-address=127.0.0.1", "--server.port=0",
                "--server.address=127.0.0.1"));
        ProcessBuilder builder = new ProcessBuilder(onLoopback).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        int[] ports = new int[2];
        try {
            await("tcp-echo started").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .failFast(() -> assertThat(process.isAlive())
                    .as(() -> "tcp-echo exited early; its log:\n" + readLog(log)).isTrue())
                .untilAsserted(() -> {
                    String text = Files.readString(log, StandardCharsets.UTF_8);
                    Matcher tcp = TCP_PORT.matcher(text);
                    Matcher http = HTTP_PORT.matcher(text);
                    assertThat(tcp.find() && http.find()).as("both ports in the log").isTrue();
                    ports[0] = Integer.parseInt(tcp.group(1));
                    ports[1] = Integer.parseInt(http.group(1));
                });
        }
        catch (RuntimeException | Error ex) {
            process.destroyForcibly();
            throw ex;
        }
        return new EchoProcess(process, log, ports[0], ports[1]);
    }

    /** Runs the jar's {@code client} or {@code bench} command to completion; JVM options go before {@code -jar}. */
    static Result command(Path work, List<String> jvmOptions, String... arguments) throws Exception {
        List<String> command = jarCommand(jvmOptions);
        command.addAll(List.of(arguments));
        return run(work, command, STARTUP);
    }

    /** {@link #command(Path, List, String...)} without JVM options, run in {@code directory}. */
    static Result commandIn(Path work, Path directory, String... arguments) throws Exception {
        List<String> command = jarCommand(List.of());
        command.addAll(List.of(arguments));
        return run(work, command, directory, Map.of(), STARTUP);
    }

    /** {@code java <jvmOptions> -jar tcp-echo.jar}, for the caller to append the jar's arguments to. */
    private static List<String> jarCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        return command;
    }

    /** Runs any command (the jar's commands, a JDK tool) to completion, failing if it takes longer than {@code timeout}. */
    static Result run(Path work, List<String> command, Duration timeout) throws Exception {
        return run(work, command, Path.of("."), Map.of(), timeout);
    }

    /** {@link #run(Path, List, Duration)} in {@code directory}, with {@code environment} added to this one's. */
    static Result run(Path work, List<String> command, Path directory, Map<String, String> environment, Duration timeout)
            throws Exception {
        Path output = Files.createTempFile(work, "command-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("command did not finish within " + timeout + ": " + command);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String output) {
    }

    long pid() {
        return this.process.pid();
    }

    /** The JDK tool {@code name} (jcmd, ...) beside the java that runs the tests. */
    static Path jdkTool(String name) {
        return Path.of(java()).resolveSibling(name);
    }

    int tcpPort() {
        return this.tcpPort;
    }

    int httpPort() {
        return this.httpPort;
    }

    /** HTTP status of a GET on the Actuator port, or -1 when nothing answers. */
    int httpStatus(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (IOException ex) {
            return -1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a GET on the Actuator port. */
    String httpGet(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    boolean isAlive() {
        return this.process.isAlive();
    }

    /** SIGTERM, what Kubernetes sends first. */
    void terminate() {
        this.process.destroy();
    }

    /** The exit code, failing if the process has not ended within {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .as("tcp-echo exited within %s; its log:%n%s", timeout, log()).isTrue();
        return this.process.exitValue();
    }

    String log() {
        return readLog(this.log);
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            return "(log unreadable: " + ex.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (this.process.isAlive()) {
            this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static String java() {
        // the JDK running the tests (the build's JDK 25), not whatever java is first on the PATH
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("tcpecho.jar", "target/tcp-echo.jar"));
        assertThat(jar).as("the packaged service; run mvn verify").isRegularFile();
        return jar;
    }
}
