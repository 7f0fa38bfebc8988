package io.tcpecho.client;

/**
 * Latencies in nanoseconds, in buckets of 1/64 of a power of two (under 2% error), so one
 * connection's histogram is a few KB whatever the spread.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;

    private static final int SUB = 1 << SUB_BITS;

    private final long[] counts = new long[64 * SUB];

    private long total;

    void record(long nanos) {
        this.counts[index(Math.max(nanos, 0))]++;
        this.total++;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < this.counts.length; i++) {
            this.counts[i] += other.counts[i];
        }
        this.total += other.total;
    }

    long count() {
        return this.total;
    }

    /** The smallest recorded bucket's upper value below which {@code quantile} of the values fall. */
    long valueAt(double quantile) {
        if (this.total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * this.total);
        long seen = 0;
        for (int i = 0; i < this.counts.length; i++) {
            seen += this.counts[i];
            if (seen >= rank) {
                return upperValue(i);
            }
        }
        return upperValue(this.counts.length - 1);
    }

    static int index(long value) {
        if (value < SUB) {
            return (int) value;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(value); // >= SUB_BITS
        int shift = magnitude - SUB_BITS;
        int sub = (int) (value >>> shift) - SUB; // 0..SUB-1
        return (shift + 1) * SUB + sub;
    }

    static long upperValue(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index % SUB + SUB;
        return ((sub + 1) << shift) - 1;
    }
}
