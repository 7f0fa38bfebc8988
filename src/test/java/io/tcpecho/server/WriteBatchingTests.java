package io.tcpecho.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.tcpecho.framing.BufferMemory;
import io.tcpecho.support.EchoSocket;
import io.tcpecho.support.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the two places the server goes around Spring Integration's I/O defaults: echoes are held
 * back while more input is already buffered and flushed before the connection blocks for more, and
 * the write buffer is sized by what the echoes need, not by SO_SNDBUF.
 */
class WriteBatchingTests {

    @RegisterExtension
    static final SharedServer app = SharedServer.tcp();

    @Test
    void echoesCompleteFramesAtOnceWhenAPartialFrameFollowsThemInTheSameWrite() throws IOException {
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            // The server reads "one", "two" and the start of a third frame in one read. It must
            // flush the two echoes before it blocks waiting for the rest of the third; a client
            // that waits for them before finishing the frame would otherwise wait forever.
            socket.send("one\r\ntwo\r\nthr");
            assertThat(socket.readText(10)).isEqualTo("one\r\ntwo\r\n");
            socket.send("ee\r\n");
            assertThat(socket.readText(7)).isEqualTo("three\r\n");
        }
    }

    @Test
    void echoesAThousandPipelinedFramesInOrder() throws IOException {
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            sent.append("frame-").append(i).append("\r\n");
        }
        try (EchoSocket socket = EchoSocket.connect(app.tcpPort())) {
            socket.send(sent.toString());
            assertThat(socket.readText(sent.length())).isEqualTo(sent.toString());
        }
    }

    @Test
    void writeBufferGrowsOnlyToWhatTheEchoesNeed() throws IOException {
        SocketStandIn sink = new SocketStandIn();
        List<Integer> writes = sink.writes;
        ByteArrayOutputStream socket = sink.bytes;
        FrameOutputStream out = new FrameOutputStream(sink, BufferMemory.unbounded().account(), false);
        assertThat(out.capacity()).as("nothing allocated before the first echo").isZero();
        out.write(new byte[66]);
        assertThat(out.capacity()).isLessThanOrEqualTo(256);
        out.flush();
        assertThat(writes).containsExactly(66);
        for (int i = 0; i < 16; i++) {
            out.write(new byte[1026]);
        }
        assertThat(out.capacity()).isLessThanOrEqualTo(32 * 1024);
        out.flush();
        assertThat(writes).as("sixteen pipelined echoes leave in one write").containsExactly(66, 16 * 1026);
        out.write(new byte[FrameOutputStream.MAX_CAPACITY * 2]);
        assertThat(out.capacity()).isLessThanOrEqualTo(FrameOutputStream.MAX_CAPACITY);
        assertThat(socket.size()).isEqualTo(66 + 16 * 1026 + FrameOutputStream.MAX_CAPACITY * 2);
    }

    @Test
    void writesEveryByteInOrderWhenMemoryRefusesGrowthAndGivesGrowthBackWhenEchoesGetSmall() throws IOException {
        SocketStandIn sink = new SocketStandIn();
        List<Integer> writes = sink.writes;
        ByteArrayOutputStream socket = sink.bytes;
        // half of 2 KB for buffers: 256 bytes free of charge, grown at most to 1 KB
        BufferMemory memory = new BufferMemory(2 * 1024);
        FrameOutputStream out = new FrameOutputStream(sink, memory.account(), false);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 16; i++) {
            byte[] echo = new byte[300];
            Arrays.fill(echo, (byte) i);
            out.write(echo);
            out.write('\n');
            expected.write(echo);
            expected.write('\n');
        }
        out.flush();
        assertThat(socket.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(out.capacity()).isEqualTo(1024);
        assertThat(writes).as("more writes than one, none over the buffer").hasSizeGreaterThan(1).allMatch(n -> n <= 1024);
        assertThat(memory.used()).isEqualTo(1024 - FrameOutputStream.INITIAL_CAPACITY);
        for (int i = 0; i < 4; i++) {
            out.write(new byte[10]);
            out.flush();
        }
        assertThat(out.capacity()).isEqualTo(FrameOutputStream.INITIAL_CAPACITY);
        assertThat(memory.used()).isZero();
    }

    @Test
    void releaseGivesTheWholeBufferBackUnlessEchoesArePending() throws IOException {
        BufferMemory memory = new BufferMemory(1024 * 1024);
        FrameOutputStream out = new FrameOutputStream(new SocketStandIn(), memory.account(), false);
        out.write(new byte[4000]);
        assertThat(out.grown()).isTrue();
        out.release();
        assertThat(out.capacity()).as("pending echoes keep their buffer").isGreaterThanOrEqualTo(4000);
        out.flush();
        out.release();
        assertThat(out.capacity()).isZero();
        assertThat(memory.used()).isZero();
        out.write(new byte[10]);
        assertThat(out.capacity()).as("the next echo starts a new buffer").isEqualTo(FrameOutputStream.INITIAL_CAPACITY);
    }

    /** Stands in for a socket's output: keeps what is written and the size of each write call. */
    private static final class SocketStandIn extends OutputStream {

        final List<Integer> writes = new ArrayList<>();

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            this.bytes.write(b);
            this.writes.add(1);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            this.bytes.write(data, offset, length);
            this.writes.add(length);
        }
    }
}
