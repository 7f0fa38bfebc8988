package io.tcpecho.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.tcpecho.framing.Framing;
import io.tcpecho.support.EchoSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever the framing, frames of any length and content, cut into TCP segments at any
 * point, come back byte for byte. 30 seeds per framing, 240 cases; a failure names its seed, and
 * {@link RandomFrames#generate} with that seed reproduces the case. Ten more seeds per framing run
 * with a {@code max-buffer-memory} that lets a frame of max-message-size through but not both
 * buffers grow to their largest, so the read and write buffers are refused growth on the way.
 */
class RandomSegmentationTests {

    private static final int SEEDS = 30;

    private static final int CONSTRAINED_SEEDS = 10;

    /** Half of it, 80 KB, for buffers that would grow to 128 KB; all of it covers a 64 KB frame and them. */
    private static final String CONSTRAINED = "echo.tcp.max-buffer-memory=160KB";

    private static final Map<Framing, ObservedServer> servers = new EnumMap<>(Framing.class);

    private static final Map<Framing, ObservedServer> constrainedServers = new EnumMap<>(Framing.class);

    private static final Map<ObservedServer, ObservedServer.ThreadCount> threads = new HashMap<>();

    static Stream<Arguments> cases() {
        return cases(SEEDS);
    }

    static Stream<Arguments> constrainedCases() {
        return cases(CONSTRAINED_SEEDS);
    }

    private static Stream<Arguments> cases(int seeds) {
        return Stream.of(Framing.values())
                .flatMap(framing -> LongStream.rangeClosed(1, seeds).mapToObj(seed -> Arguments.of(framing, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void echoesRandomFramesSplitIntoRandomSegmentsExactly(Framing framing, long seed) throws Exception {
        echoesExactly(server(servers, framing), framing, seed);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("constrainedCases")
    void echoesRandomFramesExactlyWhenBuffersMayNotGrowToTheirLargest(Framing framing, long seed) throws Exception {
        echoesExactly(server(constrainedServers, framing, CONSTRAINED), framing, seed);
    }

    private static void echoesExactly(ObservedServer server, Framing framing, long seed) throws Exception {
        RandomFrames input = RandomFrames.generate(framing, seed, 64 * 1024);
        ObservedServer.Meters before = server.snapshot();
        try (EchoSocket client = server.connect();
                var reader = Executors.newVirtualThreadPerTaskExecutor()) {
            // read while writing: echoes of a long burst must not fill the socket buffers and stall both sides
            CompletableFuture<byte[]> echo = CompletableFuture.supplyAsync(() -> read(client, input.wire().length),
                    reader);
            input.send(client.socket().getOutputStream());
            byte[] echoed = echo.get(EchoSocket.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            assertThat(input.firstDifference(echoed)).as("first byte of the echo that differs; %s", input.describe())
                    .isEqualTo(-1);
        }
        if (framing == Framing.RAW) {
            // raw echoes reads, not frames: how many depends on how the kernel coalesced the segments
            before.awaitChangesBesides("echo.messages=", "echo.connections.opened=1",
                    "echo.connections.closed{reason=client}=1");
        }
        else {
            before.awaitChanges("echo.connections.opened=1", "echo.connections.closed{reason=client}=1",
                    "echo.messages=" + input.frames());
        }
    }

    @AfterAll
    static void noLeaksThenStop() {
        try {
            threads.forEach(ObservedServer::assertNoLeaks);
        }
        finally {
            threads.keySet().forEach(ObservedServer::close);
        }
    }

    private static ObservedServer server(Map<Framing, ObservedServer> started, Framing framing, String... properties) {
        return started.computeIfAbsent(framing, f -> {
            String[] all = Stream.concat(Stream.of("echo.tcp.framing=" + f.configName()), Stream.of(properties))
                    .toArray(String[]::new);
            ObservedServer server = ObservedServer.start(all);
            threads.put(server, server.threads());
            return server;
        });
    }

    private static byte[] read(EchoSocket client, int length) {
        try {
            return client.read(length);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
