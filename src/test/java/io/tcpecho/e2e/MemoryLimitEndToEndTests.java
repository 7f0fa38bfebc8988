package io.tcpecho.e2e;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar with a heap that leaves the rest of the JVM too little of the memory it may use
 * (here the machine's; in a pod its limit), which the kernel would enforce by killing it under load.
 * The start-up log says so.
 */
class MemoryLimitEndToEndTests {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void heapNearlyAsLargeAsTheMemoryLimitIsWarnedAboutAtStartup() throws Exception {
        // The same limit the child JVM will read: this machine's memory, or the container's limit around both.
        long limit = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        // The heap's address space is only reserved at start and committed as it fills, so this starts anywhere.
        long heap = limit / MB - 64;
        try (EchoProcess app = EchoProcess.start(this.work, List.of("-Xmx" + heap + "m"))) {
            // Logged after the "Echoing on" line that start() waits for, so it may not be there yet.
            await("the memory-limit WARN").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.log())
                    .containsPattern("WARN .*The heap's maximum of \\d+ MB leaves \\d+ MB of the memory limit of "
                            + limit / MB + " MB for the rest of the JVM"));
        }
    }
}
