package io.tcpecho.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code echo.tcp.backlog} reaches listen(2). For a listening socket Linux's {@code ss} shows the
 * backlog in the Send-Q column (needs iproute2; below net.core.somaxconn, which caps it).
 */
class BacklogTests {

    @Test
    void listensWithConfiguredBacklog() throws IOException, InterruptedException {
        try (RunningServer server = RunningServer.start("echo.tcp.backlog=777", "echo.tcp.bind-address=127.0.0.1")) {
            String[] columns = listeningSocket(server.tcpPort());
            assertThat(columns[0]).isEqualTo("LISTEN");
            // Java's dual-stack socket shows 127.0.0.1 as [::ffff:127.0.0.1]
            assertThat(columns[3]).matches("(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1]):" + server.tcpPort());
            assertThat(columns[2]).as("Send-Q, the backlog").isEqualTo("777");
        }
    }

    @Test
    void listensWithTheDefaultBacklogUpToTheKernelsCap() throws IOException, InterruptedException {
        // readAllLines: Files.readString returns only the first byte of this procfs file on JDK 25
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).getFirst().trim());
        try (RunningServer server = RunningServer.start("echo.tcp.bind-address=127.0.0.1")) {
            String[] columns = listeningSocket(server.tcpPort());
            assertThat(columns[2]).as("Send-Q, the backlog: 4096 unless net.core.somaxconn is lower")
                    .isEqualTo(Integer.toString(Math.min(4096, somaxconn)));
        }
    }

    /** The one socket listening on {@code port}, as {@code ss} columns: State Recv-Q Send-Q Local Peer. */
    private static String[] listeningSocket(int port) throws IOException, InterruptedException {
        List<String> listening = ss("-ltnH", "sport = :" + port);
        assertThat(listening).hasSize(1);
        return listening.getFirst().trim().split("\\s+");
    }

    private static List<String> ss(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ss"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ss finished within 10 s").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("ss exit status; output: %s", output).isZero();
        return output.lines().filter(line -> !line.isBlank()).toList();
    }
}
