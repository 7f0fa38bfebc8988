package io.tcpecho.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's {@code bench} command as a user runs it: from a directory whose
 * {@code config/application.yml} says where the server is, with no --host or --port.
 */
class BenchCommandEndToEndTests {

    private static final Pattern CYCLES = Pattern.compile("mode=churn cycles=(\\d+) .* errors=0");

    @TempDir
    Path work;

    @Test
    void benchGoesWhereConfigApplicationYmlInTheWorkingDirectoryPointsTheClient() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            MeterRegistry meters = server.context().getBean(MeterRegistry.class);
            Path directory = this.work.resolve("app");
            Files.createDirectories(directory.resolve("config"));
            Files.writeString(directory.resolve("config/application.yml"), """
                    echo:
                      client:
                        host: 127.0.0.1
                        port: %d
                    """.formatted(server.tcpPort()));
            EchoProcess.Result run = EchoProcess.commandIn(this.work, directory, "bench", "--mode", "churn",
                    "--connections", "2", "--duration", "1s", "--warmup", "0s");
            assertThat(run.exitCode()).as(run.output()).isZero();
            Matcher cycles = CYCLES.matcher(run.output());
            assertThat(cycles.find()).as(run.output()).isTrue();
            assertThat(meters.get("echo.connections.opened").counter().count())
                    .isGreaterThanOrEqualTo(Long.parseLong(cycles.group(1)));
        }
    }
}
