package io.tcpecho.server;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.UnixOperatingSystemMXBean;
import io.kubernetes.client.openapi.models.V1Container;
import io.tcpecho.helm.HelmChart;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warnings for a max-connections that the heap cannot hold (quiet for the shipped
 * defaults in the 256 MB heap of the issue and of the chart's pod, and in 384 MB; loud for the
 * chart's pod with TLS) or that
 * the file-descriptor limit cannot (quiet at the usual container limit of 1048576, loud at 1024), and
 * for a heap that leaves the rest of the JVM too little of the memory limit (quiet for the chart's
 * half of 512 MB, loud for three quarters of it).
 */
@ExtendWith(OutputCaptureExtension.class)
class ResourceFitTests {

    private static final long MB = 1024 * 1024;

    @Test
    void shippedDefaultsFitIn256MegabytesAndTheChartsHeap() {
        assertThat(ResourceFit.heapWarning(20_000, false, 64 * MB, 256 * MB)).isEmpty();
        // Serial GC (one CPU, or under 1792 MB) reports a survivor space less as the maximum
        assertThat(ResourceFit.heapWarning(20_000, false, 62 * MB, 247 * MB)).isEmpty();
        assertThat(ResourceFit.heapWarning(20_000, false, 96 * MB, 384 * MB)).isEmpty();
    }

    @Test
    void twentyThousandTlsConnectionsInTheChartsHeapAreWarnedAboutWithHowManyFit() {
        // What the JVM of the chart's pod reports under its 512Mi limit: Serial GC's maximum, and a quarter of it
        long maxHeap = 259_522_560;
        long bufferMemory = maxHeap / 4;
        assertThat(ResourceFit.heapWarning(20_000, true, bufferMemory, maxHeap)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("echo.tcp.max-connections of 20000 TLS connections needs about 480 MB of heap")
                .contains("more than the heap's 247 MB: about 8070 fit"));
        assertThat(ResourceFit.heapWarning(8_000, true, bufferMemory, maxHeap)).isEmpty();
        assertThat(ResourceFit.heapWarning(13_000, true, 96 * MB, 384 * MB)).as("a heap of 384 MB").isEmpty();
    }

    @Test
    void serverLogsTheWarningAtStartup(CapturedOutput output) {
        int tooMany = (int) (Runtime.getRuntime().maxMemory() / ResourceFit.PLAIN_CONNECTION_BYTES) + 1;
        try (RunningServer server = RunningServer.start("echo.tcp.max-connections=" + tooMany)) {
            assertThat(server.tcpPort()).isPositive();
        }
        assertThat(output.getOut()).contains("WARN")
                .contains("echo.tcp.max-connections of " + tooMany + " connections needs about");
    }

    @Test
    void maxMessageSizeBeyondTheBufferMemoryIsWarnedAbout() {
        assertThat(ResourceFit.frameWarning(64 * 1024, 64 * MB)).isEmpty();
        assertThat(ResourceFit.frameWarning(100 * MB, 64 * MB)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("echo.tcp.max-message-size of 104857600 bytes is more than max-buffer-memory of 67108864 bytes"));
    }

    @Test
    void shippedMaxConnectionsFitTheUsualFileLimits() {
        assertThat(ResourceFit.fileWarning(20_000, 1_048_576)).isEmpty();
        assertThat(ResourceFit.fileWarning(20_000, 65_536)).isEmpty();
        assertThat(ResourceFit.fileWarning(20_000, 20_100)).isEmpty();
        assertThat(ResourceFit.fileWarning(20_000, -1)).as("limit unknown").isEmpty();
    }

    @Test
    void maxConnectionsBeyondTheFileLimitIsWarnedAboutWithHowManyFit() {
        assertThat(ResourceFit.fileWarning(20_000, 20_099)).isPresent();
        assertThat(ResourceFit.fileWarning(20_000, 1024)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("echo.tcp.max-connections of 20000 needs about 20100 file descriptors")
                .contains("more than this process's limit of 1024: past about 924 connections")
                .contains("ulimit -n"));
    }

    @Test
    void serverLogsTheFileLimitWarningAtStartup(CapturedOutput output) {
        long limit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        int tooMany = (int) Math.min(Integer.MAX_VALUE, limit);
        try (RunningServer server = RunningServer.start("echo.tcp.max-connections=" + tooMany)) {
            assertThat(server.tcpPort()).isPositive();
        }
        assertThat(output.getOut()).contains("WARN")
                .contains("echo.tcp.max-connections of " + tooMany + " needs about " + (tooMany + ResourceFit.JVM_FILES)
                        + " file descriptors")
                .contains("more than this process's limit of " + limit);
    }

    @Test
    void chartsHeapOfHalfItsMemoryLimitLeavesTheRestOfTheJvmEnough() {
        assertThat(ResourceFit.memoryWarning(256 * MB, 512 * MB)).isEmpty();
        assertThat(ResourceFit.memoryWarning(768 * MB, 1024 * MB)).as("three quarters of 1 GB").isEmpty();
        assertThat(ResourceFit.memoryWarning(6 * 1024 * MB, 24 * 1024 * MB)).as("the JVM's default quarter").isEmpty();
        assertThat(ResourceFit.memoryWarning(384 * MB, -1)).as("limit unknown").isEmpty();
    }

    @Test
    void chartsDefaultPodLeavesTheRestOfTheJvmItsMemoryAndThreeQuartersWouldNot() {
        assertThat(memoryWarningOfChartsPod("")).isEmpty();
        assertThat(memoryWarningOfChartsPod("javaOptions: -XX:MaxRAMPercentage=75.0")).isPresent();
    }

    @Test
    void heapOfThreeQuartersOfASmallMemoryLimitIsWarnedAbout() {
        assertThat(ResourceFit.memoryWarning(372 * MB, 512 * MB)).as("140 MB left").isEmpty();
        assertThat(ResourceFit.memoryWarning(373 * MB, 512 * MB)).isPresent();
        assertThat(ResourceFit.memoryWarning(384 * MB, 512 * MB)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("The heap's maximum of 384 MB leaves 128 MB of the memory limit of 512 MB for the rest of the JVM,"
                        + " which needs about 140 MB under load")
                .contains("javaOptions").contains("resources.limits.memory"));
        assertThat(ResourceFit.memoryWarning(600 * MB, 512 * MB)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("leaves 0 MB of the memory limit of 512 MB"));
    }

    /** The warning for the chart's pod rendered with {@code values}: its MaxRAMPercentage of its memory limit. */
    private static Optional<String> memoryWarningOfChartsPod(String values) {
        V1Container container = HelmChart.render(values).container();
        String options = container.getEnv().stream().filter((env) -> env.getName().equals("JDK_JAVA_OPTIONS")).findFirst()
                .orElseThrow().getValue();
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(options);
        assertThat(percentage.find()).as("MaxRAMPercentage in %s", options).isTrue();
        long limit = container.getResources().getLimits().get("memory").getNumber().longValueExact();
        return ResourceFit.memoryWarning((long) (limit * Double.parseDouble(percentage.group(1)) / 100), limit);
    }
}
