package io.tcpecho.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.tcpecho.framing.Framing;

/**
 * Seeded random input for the property tests: frames of random length and content (biased
 * towards the framing's own special bytes), cut into random TCP segments. The same seed always
 * gives the same case, so a failure names the seed that reproduces it.
 */
record RandomFrames(Framing framing, long seed, int frames, byte[] wire, int[] segments) {

    /** Bytes every framing gives a meaning to somewhere: CR, LF, NUL, STX, ETX. */
    private static final byte[] SPECIAL = {'\r', '\n', 0, 0x02, 0x03};

    static RandomFrames generate(Framing framing, long seed, int maxMessageSize) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + framing.ordinal());
        int frames = 1 + random.nextInt(40);
        byte[][] encoded = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            encoded[i] = Wire.frame(framing, payload(random, framing, maxMessageSize));
        }
        byte[] wire = Wire.concat(encoded);
        return new RandomFrames(framing, seed, frames, wire, segments(random, wire.length));
    }

    private static byte[] payload(SplittableRandom random, Framing framing, int maxMessageSize) {
        int limit = switch (framing) {
            case LENGTH_HEADER_1 -> 255;
            case LENGTH_HEADER_2 -> Math.min(65_535, maxMessageSize);
            default -> maxMessageSize;
        };
        int roll = random.nextInt(100);
        int length = roll < 10 ? 0 : roll < 70 ? 1 + random.nextInt(64) : roll < 95 ? 65 + random.nextInt(2048)
                : limit - random.nextInt(Math.min(limit, 64)); // at or just under the limit
        length = Math.min(length, limit);
        boolean specialHeavy = random.nextBoolean();
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = specialHeavy && random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)]
                    : (byte) random.nextInt(256);
        }
        return legal(framing, payload);
    }

    /** Takes out what the framing cannot carry in a payload (its terminator), and the quit word. */
    private static byte[] legal(Framing framing, byte[] payload) {
        for (int i = 0; i < payload.length; i++) {
            boolean terminator = switch (framing) {
                case CRLF -> payload[i] == '\n' && i > 0 && payload[i - 1] == '\r';
                case LF -> payload[i] == '\n';
                case NULL -> payload[i] == 0;
                case STX_ETX -> payload[i] == 0x03;
                default -> false;
            };
            if (terminator) {
                payload[i] = 'x';
            }
        }
        if (Arrays.equals(payload, "exit".getBytes(StandardCharsets.US_ASCII))) {
            return "exit!".getBytes(StandardCharsets.US_ASCII);
        }
        return payload;
    }

    /** Segment lengths that add up to {@code total}: single bytes, small pieces, or large ones. */
    private static int[] segments(SplittableRandom random, int total) {
        int style = random.nextInt(3);
        List<Integer> lengths = new ArrayList<>();
        int left = total;
        while (left > 0) {
            int length = switch (style) {
                case 0 -> total <= 4096 ? 1 : 1 + random.nextInt(8);
                case 1 -> 1 + random.nextInt(16);
                default -> 1 + random.nextInt(Math.max(1, total / 3));
            };
            length = Math.min(length, left);
            lengths.add(length);
            left -= length;
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes the wire bytes one segment per write; with TCP_NODELAY each write leaves as its own segment. */
    void send(OutputStream out) throws IOException {
        int offset = 0;
        for (int length : this.segments) {
            out.write(this.wire, offset, length);
            out.flush();
            offset += length;
        }
    }

    /** Index of the first byte where {@code echo} differs from what was sent, or -1. */
    int firstDifference(byte[] echo) {
        return Arrays.mismatch(this.wire, echo);
    }

    String describe() {
        return "framing " + this.framing.configName() + ", seed " + this.seed + ": " + this.frames + " frames, "
                + this.wire.length + " bytes in " + this.segments.length + " segments";
    }
}
