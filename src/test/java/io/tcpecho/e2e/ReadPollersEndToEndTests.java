package io.tcpecho.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar on a JVM that sees two CPUs runs one read sub-poller, not the JDK's two, unless
 * the user sets {@code -Djdk.readPollers}. Counted in a real thread dump ({@code jcmd
 * Thread.dump_to_file}, which lists virtual threads): the JDK also starts one write sub-poller, so
 * one read sub-poller shows as two "SubPoller-" threads and two as three.
 */
class ReadPollersEndToEndTests {

    private static final Pattern SUB_POLLER = Pattern.compile("^#\\d+ \"SubPoller-\\d+\" virtual", Pattern.MULTILINE);

    @TempDir
    Path work;

    @Test
    void twoCpusGetOneReadSubPoller() throws Exception {
        assertThat(subPollersAfterAnEcho(List.of("-XX:ActiveProcessorCount=2"))).isEqualTo(2);
    }

    @Test
    void readPollersSetByTheUserWinOnTwoCpus() throws Exception {
        assertThat(subPollersAfterAnEcho(List.of("-XX:ActiveProcessorCount=2", "-Djdk.readPollers=2"))).isEqualTo(3);
    }

    private long subPollersAfterAnEcho(List<String> jvmOptions) throws Exception {
        try (EchoProcess app = EchoProcess.start(this.work, jvmOptions);
                EchoSocket client = EchoSocket.connect(app.tcpPort())) {
            assertThat(client.send("poll me\r\n").readText(9)).isEqualTo("poll me\r\n");
            Path dump = this.work.resolve("threads-" + app.pid() + ".txt");
            EchoProcess.Result jcmd = EchoProcess.run(this.work, List.of(EchoProcess.jdkTool("jcmd").toString(),
                    Long.toString(app.pid()), "Thread.dump_to_file", dump.toString()), Duration.ofSeconds(60));
            assertThat(jcmd.exitCode()).as("jcmd exit code; its output: %s", jcmd.output()).isZero();
            return SUB_POLLER.matcher(Files.readString(dump, StandardCharsets.UTF_8)).results().count();
        }
    }
}
