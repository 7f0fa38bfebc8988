package io.tcpecho.carriers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tcpecho.support.BusyProcesses;
import jdk.management.VirtualThreadSchedulerMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The adaptive carrier count on this JVM's real virtual-thread scheduler, against real CPU load: busy
 * processes started by the test take CPUs away, and ending them gives the CPUs back; virtual
 * threads that spin make the carriers want a CPU.
 */
@ExtendWith(OutputCaptureExtension.class)
class CarrierControllerTests {

    private static final Duration SAMPLE = Duration.ofMillis(100);

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final VirtualThreadSchedulerMXBean scheduler =
            ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);

    private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    private final int initial = this.scheduler.getParallelism();

    private final BusyProcesses busy = new BusyProcesses();

    private final AtomicBoolean spinning = new AtomicBoolean();

    /** Started by {@link #startedAtOneCarrier()}; stopped after each test, so none leaves the JVM's scheduler resized. */
    private CarrierController started;

    @AfterEach
    void endLoad() {
        this.spinning.set(false);
        this.busy.close();
    }

    @AfterEach
    void stopController() {
        if (this.started != null) {
            this.started.stop();
        }
    }

    @Test
    void givesNoCarrierToCpusThatOtherProcessesKeepBusyAndTakesThemBackWhenFree() throws Exception {
        CarrierController controller = startedAtOneCarrier();

        endLoad();
        await().atMost(BOUND).until(this.scheduler::getParallelism, carriers -> carriers == this.initial);

        controller.stop();
        assertThat(this.scheduler.getParallelism()).as("the JDK's count after stop").isEqualTo(this.initial);
        assertThat(controller.isRunning()).isFalse();
    }

    /**
     * One carrier among many busy processes gets one thread's share of the CPUs; with every carrier
     * this JVM gets more. The count goes back, and stays there although CPU use alone would again
     * want one carrier.
     */
    @Test
    void returnsToEveryCarrierWhenOneCarrierWaitsForACpuAndStaysThere() throws Exception {
        CarrierController controller = startedAtOneCarrier();

        this.busy.start(3 * this.initial);
        spin(2 * this.initial);
        await().atMost(BOUND).until(this.scheduler::getParallelism, carriers -> carriers == this.initial);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(this.scheduler::getParallelism, carriers -> carriers == this.initial);
        controller.stop();
        assertThat(this.scheduler.getParallelism()).as("the JDK's count after stop").isEqualTo(this.initial);
    }

    @Test
    void leavesACountSetOnTheCommandLineAlone(CapturedOutput output) {
        CarrierController controller = controller();
        System.setProperty(CarrierController.PARALLELISM_PROPERTY, Integer.toString(this.initial));
        try {
            controller.start();
            assertThat(controller.isRunning()).isFalse();
        }
        finally {
            System.clearProperty(CarrierController.PARALLELISM_PROPERTY);
            controller.stop();
        }
        assertThat(this.scheduler.getParallelism()).isEqualTo(this.initial);
        assertThat(output).contains("Carrier threads fixed at " + this.initial
                + " by -Djdk.virtualThreadScheduler.parallelism");
    }

    @Test
    void keepsTheJdksCountWhereItCannotTellWhetherFewerCarriersWouldWaitForACpu(CapturedOutput output) {
        CarrierController controller = new CarrierController(this.scheduler, this.os, null, SAMPLE);

        controller.start();

        assertThat(controller.isRunning()).isFalse();
        assertThat(this.scheduler.getParallelism()).isEqualTo(this.initial);
        assertThat(output).contains("carrier threads stay at the JDK's " + this.initial);
    }

    @Test
    void leavesASingleCarrierAloneForThereIsNoneToGiveUp() {
        CarrierController controller = controller();
        this.scheduler.setParallelism(1);
        try {
            controller.start();

            assertThat(controller.isRunning()).isFalse();
        }
        finally {
            controller.stop();
            this.scheduler.setParallelism(this.initial);
        }
    }

    /** DEBUG logs each change; TRACE each sample with its readings, for "why this count". */
    @Test
    void logsEverySampleAtTrace(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel(CarrierController.class.getName(), LogLevel.TRACE);
        CarrierController controller = controller();
        try {
            controller.start();
            await().atMost(BOUND).untilAsserted(() -> assertThat(output).containsPattern(
                    "Carrier threads \\d+, next \\d+: this JVM used [0-9.]+ CPUs, [0-9.]+ CPUs idle; its carriers ran on "
                            + "[0-9.]+ CPUs and waited for one \\d+% of their runnable time, "
                            + "\\d+% beyond what its other threads took"));
        }
        finally {
            controller.stop();
            logging.setLogLevel(CarrierController.class.getName(), null);
        }
    }

    @Test
    void reportsTheCarrierCountAsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        new CarrierConfiguration().carrierThreadsGauge().bindTo(registry);

        assertThat(registry.get("echo.carrier.threads").gauge().value()).isEqualTo(this.scheduler.getParallelism());
    }

    /** A running controller, once busy processes on every CPU but one have brought it to one carrier. */
    private CarrierController startedAtOneCarrier() throws IOException {
        assumeThat(this.initial).as("carriers on this machine").isGreaterThanOrEqualTo(2);
        this.started = controller();
        this.started.start();
        this.busy.start(this.initial - 1);
        await().atMost(BOUND).until(this.scheduler::getParallelism, carriers -> carriers == 1);
        return this.started;
    }

    private CarrierController controller() {
        CarrierRunQueue runQueue = CarrierRunQueue.ofThisProcess();
        assumeThat(runQueue).as("per-thread scheduler statistics (Linux)").isNotNull();
        return new CarrierController(this.scheduler, this.os, runQueue, SAMPLE);
    }

    private void spin(int threads) {
        this.spinning.set(true);
        for (int i = 0; i < threads; i++) {
            Thread.ofVirtual().start(() -> {
                while (this.spinning.get()) {
                    Thread.onSpinWait();
                }
            });
        }
    }
}
