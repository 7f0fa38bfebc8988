package io.tcpecho.framing;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The eight-bytes-at-a-time search agrees with a plain loop for every byte value and position. */
class ByteScanTests {

    @Test
    void findsTheFirstMatchAtEveryPositionAndAlignment() {
        for (int length = 0; length <= 40; length++) {
            for (int from = 0; from <= length; from++) {
                for (int at = -1; at < length; at++) {
                    byte[] bytes = new byte[length];
                    Arrays.fill(bytes, (byte) 'a');
                    if (at >= 0) {
                        bytes[at] = '\n';
                    }
                    int expected = at >= from ? at : -1;
                    assertThat(ByteScan.indexOf(bytes, from, length, (byte) '\n'))
                            .as("length %d from %d match at %d", length, from, at).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void agreesWithAPlainLoopOnRandomBytesOfEveryValue() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(64)];
            // a small alphabet around the target makes matches, near misses and 0x00/0x80/0xFF common
            byte[] alphabet = {0x00, 0x01, 0x0A, 0x0B, 0x0D, 0x7F, (byte) 0x80, (byte) 0x8A, (byte) 0xFF, (byte) 0xFE};
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            byte target = alphabet[random.nextInt(alphabet.length)];
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);
            assertThat(ByteScan.indexOf(bytes, from, to, target)).as("round %d", round)
                    .isEqualTo(plainIndexOf(bytes, from, to, target));
        }
    }

    @Test
    void stopsAtTheEndOfTheRangeNotTheArray() {
        byte[] bytes = "abcdefghij\n".getBytes();
        assertThat(ByteScan.indexOf(bytes, 0, 10, (byte) '\n')).isEqualTo(-1);
        assertThat(ByteScan.indexOf(bytes, 0, 11, (byte) '\n')).isEqualTo(10);
    }

    private static int plainIndexOf(byte[] bytes, int from, int to, byte target) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == target) {
                return i;
            }
        }
        return -1;
    }
}
