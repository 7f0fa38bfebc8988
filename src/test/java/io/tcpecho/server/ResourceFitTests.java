package io.tcpecho.server;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;
import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warnings for a max-connections that the heap cannot hold (quiet for the shipped
 * defaults in the 256 MB heap and the chart's 384 MB, loud for the chart with TLS) or that
 * the file-descriptor limit cannot (quiet at the usual container limit of 1048576, loud at 1024).
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
        assertThat(ResourceFit.heapWarning(20_000, true, 96 * MB, 384 * MB)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("echo.tcp.max-connections of 20000 TLS connections needs about 514 MB of heap")
                .contains("more than the heap's 384 MB: about 13312 fit"));
        assertThat(ResourceFit.heapWarning(13_000, true, 96 * MB, 384 * MB)).isEmpty();
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
}
