package io.tcpecho.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.tcpecho.client.BenchCommand.Latencies;
import io.tcpecho.client.ChurnLoad.ChurnResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The client's own limit on {@code churn} cycles a second, read from Linux's settings: files laid out
 * as {@code /proc/sys/net/ipv4} lays them out, and this machine's own.
 */
class LocalPortLimitTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static final InetAddress REMOTE = address("192.0.2.1");

    @TempDir
    Path sysctls;

    @Test
    void loopbackWithLinuxDefaultsGetsHalfTheRangeASecond() throws IOException {
        settings("32768\t60999", "2", "1");
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).contains(new LocalPortLimit(14_116, 28_232, true));
        assertThat(LocalPortLimit.of(this.sysctls, address("::1"))).contains(new LocalPortLimit(14_116, 28_232, true));
    }

    @Test
    void remoteServerWithoutReuseGetsTheRangeOnceAMinute() throws IOException {
        settings("32768\t60999", "2", "1");
        assertThat(LocalPortLimit.of(this.sysctls, REMOTE)).contains(new LocalPortLimit(470, 28_232, false));
    }

    @Test
    void reuseForEveryDestinationAppliesToRemoteServers() throws IOException {
        settings("1024 65535", "1", "1");
        assertThat(LocalPortLimit.of(this.sysctls, REMOTE)).contains(new LocalPortLimit(32_256, 64_512, true));
    }

    @Test
    void aLongerReuseDelayLowersTheLimit() throws IOException {
        settings("32768\t60999", "2", "1");
        Files.writeString(this.sysctls.resolve("tcp_tw_reuse_delay"), "2000\n");
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).contains(new LocalPortLimit(7_058, 28_232, true));
    }

    @Test
    void withoutTimestampsNoPortIsReusedEarly() throws IOException {
        settings("32768\t60999", "1", "0");
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).contains(new LocalPortLimit(470, 28_232, false));
    }

    @Test
    void settingsThatCannotBeReadGiveNoLimit() throws IOException {
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).isEmpty();
        settings("32768", "2", "1");
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).isEmpty();
        settings("60999 32768", "2", "1");
        assertThat(LocalPortLimit.of(this.sysctls, LOOPBACK)).isEmpty();
    }

    @Test
    void thisMachinesSettingsAreRead() throws IOException {
        Path proc = LocalPortLimit.SYSCTLS;
        assumeThat(proc.resolve("ip_local_port_range")).as("Linux").exists();
        String[] range;
        try (InputStream in = Files.newInputStream(proc.resolve("ip_local_port_range"))) {
            // readNBytes's first read asks for all 64 bytes; see LocalPortLimit.read for why that matters
            range = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip().split("\\s+");
        }
        int ports = Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        assertThat(LocalPortLimit.of(proc, LOOPBACK)).hasValueSatisfying(limit -> {
            assertThat(limit.ports()).isEqualTo(ports);
            assertThat(limit.perSecond()).isBetween((long) ports / 60, (long) ports);
        });
    }

    @Test
    void aRunNearTheLimitIsToldThatItMeasuredTheClient() {
        LocalPortLimit loopback = new LocalPortLimit(14_116, 28_232, true);
        assertThat(loopback.note(14_102.4)).hasValueSatisfying(note -> assertThat(note)
                .startsWith("14102 cycles/s is near this client's own limit of about 14116 a second")
                .contains("even half of net.ipv4.ip_local_port_range (28232 ports)", "Widen the range"));
        assertThat(loopback.note(12_705)).isPresent();
        assertThat(loopback.note(12_700)).isEmpty();
        LocalPortLimit remote = new LocalPortLimit(470, 28_232, false);
        assertThat(remote.note(455)).hasValueSatisfying(note -> assertThat(note)
                .startsWith("455 cycles/s is near or past what this client can keep up")
                .contains("TIME_WAIT for 60 s", "the 28232 of net.ipv4.ip_local_port_range last about 62 s",
                        "set net.ipv4.tcp_tw_reuse=1"));
        assertThat(remote.note(2_823)).hasValueSatisfying(note -> assertThat(note).contains("last about 10 s"));
    }

    @Test
    void churnResultCarriesTheNoteOnlyNearTheLimit() {
        Latencies latencies = new Latencies(1, 2, 3);
        Optional<LocalPortLimit> limit = Optional.of(new LocalPortLimit(14_116, 28_232, true));
        assertThat(new ChurnResult(28_200, 0, 2, latencies, limit).notes()).singleElement()
                .asString().startsWith("14100 cycles/s is near");
        assertThat(new ChurnResult(8_000, 0, 2, latencies, limit).notes()).isEmpty();
        assertThat(new ChurnResult(28_200, 0, 2, latencies, Optional.empty()).notes()).isEmpty();
    }

    private void settings(String range, String twReuse, String timestamps) throws IOException {
        Files.writeString(this.sysctls.resolve("ip_local_port_range"), range + "\n");
        Files.writeString(this.sysctls.resolve("tcp_tw_reuse"), twReuse + "\n");
        Files.writeString(this.sysctls.resolve("tcp_timestamps"), timestamps + "\n");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
