package io.tcpecho.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.PrometheusExposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar with its shipped default, {@code echo.carriers.adaptive=true}: while other
 * processes keep all CPUs but one busy and a light echo load keeps its carriers from idling (idle
 * carriers keep the JDK's count), its scrape shows one carrier, every echo comes back, and it shows
 * one per CPU again once the processes end. The machine's CPU count is the JVM's ({@code nproc}).
 */
class CarrierThreadsEndToEndTests {

    private static final Duration BOUND = Duration.ofSeconds(60);

    /** Connections that each echo about a thousand lines a second: a tenth of a CPU or so of carriers. */
    private static final int LIGHT_CLIENTS = 4;

    @TempDir
    Path work;

    @Test
    void showsOneCarrierWhileOtherProcessesKeepTheOtherCpusBusyAndEveryOneAfter() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeThat(cpus).as("CPUs on this machine").isGreaterThanOrEqualTo(2);
        List<Process> busy = new ArrayList<>();
        AtomicBoolean echoing = new AtomicBoolean(true);
        try (EchoProcess app = EchoProcess.start(this.work, "--echo.carriers.sample-interval=100ms");
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> echoed = new ArrayList<>();
            for (int client = 0; client < LIGHT_CLIENTS; client++) {
                echoed.add(clients.submit(() -> echoLightly(app.tcpPort(), echoing)));
            }
            for (int cpu = 1; cpu < cpus; cpu++) {
                busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            await("one carrier").atMost(BOUND).until(() -> carriers(app), count -> count == 1);

            busy.forEach(Process::destroyForcibly);
            await("one per CPU").atMost(BOUND).until(() -> carriers(app), count -> count == cpus);
            echoing.set(false);
            for (Future<Integer> client : echoed) {
                assertThat(client.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("echoes, each checked").isPositive();
            }
        }
        finally {
            echoing.set(false);
            busy.forEach(Process::destroyForcibly);
        }
    }

    /** One connection that echoes a line about every millisecond until told to stop; how many it echoed. */
    private static int echoLightly(int port, AtomicBoolean echoing) throws Exception {
        int echoes = 0;
        try (EchoSocket client = EchoSocket.connect(port)) {
            while (echoing.get()) {
                String line = "light " + echoes + "\r\n";
                assertThat(client.send(line).readText(line.length())).isEqualTo(line);
                echoes++;
                Thread.sleep(1);
            }
        }
        return echoes;
    }

    private static int carriers(EchoProcess app) throws Exception {
        String sample = PrometheusExposition.scrape(app.httpPort()).samples("echo_carrier_threads").getFirst();
        return (int) Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}
