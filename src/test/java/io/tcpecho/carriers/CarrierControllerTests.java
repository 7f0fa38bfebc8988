package io.tcpecho.carriers;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jdk.management.VirtualThreadSchedulerMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The adaptive carrier count on this JVM's real virtual-thread scheduler, against real CPU load: busy
 * processes started by the test take CPUs away, and ending them gives the CPUs back.
 */
@ExtendWith(OutputCaptureExtension.class)
class CarrierControllerTests {

    private static final Duration SAMPLE = Duration.ofMillis(100);

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final VirtualThreadSchedulerMXBean scheduler =
            ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);

    private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    @Test
    void givesNoCarrierToCpusThatOtherProcessesKeepBusyAndTakesThemBackWhenFree() throws Exception {
        int initial = this.scheduler.getParallelism();
        assumeThat(initial).as("carriers on this machine").isGreaterThanOrEqualTo(2);
        CarrierController controller = new CarrierController(this.scheduler, this.os, SAMPLE);
        List<Process> busy = new ArrayList<>();
        controller.start();
        try {
            for (int cpu = 1; cpu < initial; cpu++) {
                busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            await().atMost(BOUND).until(this.scheduler::getParallelism, carriers -> carriers == 1);

            busy.forEach(Process::destroyForcibly);
            await().atMost(BOUND).until(this.scheduler::getParallelism, carriers -> carriers == initial);
        }
        finally {
            busy.forEach(Process::destroyForcibly);
            controller.stop();
        }
        assertThat(this.scheduler.getParallelism()).as("the JDK's count after stop").isEqualTo(initial);
        assertThat(controller.isRunning()).isFalse();
    }

    @Test
    void leavesACountSetOnTheCommandLineAlone(CapturedOutput output) {
        int initial = this.scheduler.getParallelism();
        CarrierController controller = new CarrierController(this.scheduler, this.os, SAMPLE);
        System.setProperty(CarrierController.PARALLELISM_PROPERTY, Integer.toString(initial));
        try {
            controller.start();
            assertThat(controller.isRunning()).isFalse();
        }
        finally {
            System.clearProperty(CarrierController.PARALLELISM_PROPERTY);
            controller.stop();
        }
        assertThat(this.scheduler.getParallelism()).isEqualTo(initial);
        assertThat(output).contains("Carrier threads fixed at " + initial + " by -Djdk.virtualThreadScheduler.parallelism");
    }

    @Test
    void reportsTheCarrierCountAsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        new CarrierConfiguration().carrierThreadsGauge().bindTo(registry);

        assertThat(registry.get("echo.carrier.threads").gauge().value()).isEqualTo(this.scheduler.getParallelism());
    }
}
