package io.tcpecho.framing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds a byte in a buffer eight bytes at a time. The terminator search is the decoders' only
 * loop over every byte of every frame; C2 does not vectorize a search that stops at the first
 * match, and testing one byte per iteration was the largest cost of the line decoders in a bulk
 * profile ({@code src/bench/README.md}). This is the classic SWAR zero-byte test on a long read from
 * the array.
 */
final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;

    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan() {
    }

    /** Index of the first {@code target} in {@code bytes[from, to)}, or -1. */
    static int indexOf(byte[] bytes, int from, int to, byte target) {
        long pattern = (target & 0xFFL) * ONES;
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i) ^ pattern;
            // A byte of x is zero where it matched. The lowest flagged byte is always a real match
            // (a false flag can only sit above a real one), and little-endian puts it first in memory.
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == target) {
                return i;
            }
        }
        return -1;
    }
}
