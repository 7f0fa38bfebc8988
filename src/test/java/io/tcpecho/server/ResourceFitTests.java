package io.tcpecho.server;

import io.tcpecho.support.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warning for a max-connections that the heap cannot hold: quiet for the shipped
 * defaults in the 256 MB heap and the chart's 384 MB, loud for the chart with TLS.
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
}
