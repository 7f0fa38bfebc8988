package io.tcpecho.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tcp-echo bench} against the real server. */
class BenchCommandTests {

    @RegisterExtension
    static final SharedServer server = SharedServer.tcp();

    @Test
    @Timeout(30)
    void measuresThroughputAndLatencyWithoutErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--host", "127.0.0.1", "--port", String.valueOf(server.tcpPort()),
                "--connections", "4", "--size", "32", "--depth", "4", "--duration", "1s", "--warmup", "0s"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ClientCommand.OK);
        Map<String, String> fields = Arrays.stream(printed.split("\\s+"))
                .map(field -> field.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
        assertThat(fields).containsKeys("msgs", "msgs_per_s", "p50_us", "p99_us", "p999_us", "errors");
        assertThat(fields.get("errors")).isEqualTo("0");
        assertThat(Long.parseLong(fields.get("msgs"))).isPositive();
        assertThat(Double.parseDouble(fields.get("msgs_per_s"))).isPositive();
        double p50 = Double.parseDouble(fields.get("p50_us"));
        double p99 = Double.parseDouble(fields.get("p99_us"));
        double p999 = Double.parseDouble(fields.get("p999_us"));
        assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(p999);
    }

    @Test
    void exitsUsageOnFramingItCannotGenerate() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--framing", "length-header-2"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(ClientCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("crlf, lf or raw");
    }
}
