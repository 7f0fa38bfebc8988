package io.tcpecho.e2e;

import java.nio.file.Path;
import java.time.Duration;

import io.tcpecho.support.BusyProcesses;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.PrometheusExposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar with its shipped default, {@code echo.carriers.adaptive=true}: while other
 * processes keep all CPUs but one busy, its scrape shows one carrier, it still echoes, and it shows
 * one per CPU again once they end. The machine's CPU count is the JVM's ({@code nproc}).
 */
class CarrierThreadsEndToEndTests {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void showsOneCarrierWhileOtherProcessesKeepTheOtherCpusBusyAndEveryOneAfter() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeThat(cpus).as("CPUs on this machine").isGreaterThanOrEqualTo(2);
        try (BusyProcesses busy = new BusyProcesses();
                EchoProcess app = EchoProcess.start(this.work, "--echo.carriers.sample-interval=100ms")) {
            busy.start(cpus - 1);
            await("one carrier").atMost(BOUND).until(() -> carriers(app), count -> count == 1);
            try (EchoSocket client = EchoSocket.connect(app.tcpPort())) {
                assertThat(client.send("one carrier\r\n").readText(13)).isEqualTo("one carrier\r\n");
            }

            busy.close();
            await("one per CPU").atMost(BOUND).until(() -> carriers(app), count -> count == cpus);
        }
    }

    private static int carriers(EchoProcess app) throws Exception {
        String sample = PrometheusExposition.scrape(app.httpPort()).samples("echo_carrier_threads").getFirst();
        return (int) Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}
