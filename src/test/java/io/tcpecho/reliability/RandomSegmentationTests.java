package io.tcpecho.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
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
 * {@link RandomFrames#generate} with that seed reproduces the case.
 */
class RandomSegmentationTests {

    private static final int SEEDS = 30;

    private static final Map<Framing, ObservedServer> servers = new EnumMap<>(Framing.class);

    private static final Map<Framing, ObservedServer.ThreadCount> threads = new EnumMap<>(Framing.class);

    static Stream<Arguments> cases() {
        return Stream.of(Framing.values())
                .flatMap(framing -> LongStream.rangeClosed(1, SEEDS).mapToObj(seed -> Arguments.of(framing, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void echoesRandomFramesSplitIntoRandomSegmentsExactly(Framing framing, long seed) throws Exception {
        ObservedServer server = server(framing);
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
            servers.forEach((framing, server) -> server.assertNoLeaks(threads.get(framing)));
        }
        finally {
            servers.values().forEach(ObservedServer::close);
        }
    }

    private static ObservedServer server(Framing framing) {
        return servers.computeIfAbsent(framing, f -> {
            ObservedServer server = ObservedServer.start("echo.tcp.framing=" + f.configName());
            threads.put(f, server.threads());
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
