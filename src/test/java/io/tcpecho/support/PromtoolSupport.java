package io.tcpecho.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Finds and runs the binaries of Debian's {@code prometheus} package. Missing binaries skip a test
 * on a workstation but fail it under CI, where {@code .ci/run} installs the package.
 */
public final class PromtoolSupport {

    public static final Path ALERTS = Path.of("helm/tcp-echo/files/prometheus/alerts.yml");

    public static final Path ALERTS_TEST = Path.of("helm/tcp-echo/files/prometheus/alerts_test.yml");

    public static final Path DASHBOARD = Path.of("helm/tcp-echo/files/grafana/tcp-echo-dashboard.json");

    /** promtool answers in well under a second; a minute means it hangs. */
    private static final long TIMEOUT_SECONDS = 60;

    private PromtoolSupport() {
    }

    /** The binary on the PATH, or a skipped test (a failed one under CI) when it is not there. */
    public static Path binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = name + " is not on the PATH; install Debian's prometheus package "
                + "(apt-get install prometheus) as .ci/run does";
        if (System.getenv("CI") != null) {
            return fail(message);
        }
        return Assumptions.abort(message);
    }

    /** Runs promtool with the given arguments and standard input, stdout and stderr merged. */
    public static Result promtool(String stdin, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary("promtool").toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("promtool", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + "s");
            }
            return new Result(process.exitValue(), Files.readString(output));
        }
        finally {
            Files.delete(output);
        }
    }

    /** Exit code and the merged output; promtool reports problems on stderr. */
    public record Result(int exitCode, String output) {

        public List<String> lines() {
            return output().lines().toList();
        }
    }
}
