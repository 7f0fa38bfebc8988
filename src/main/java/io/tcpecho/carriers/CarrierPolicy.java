package io.tcpecho.carriers;

/**
 * How many carrier threads: as many as there are CPUs this JVM can get now, which is the CPU it
 * uses plus the CPU that is idle, rounded, between one and the JDK's count.
 *
 * <p>Why not always the JDK's count (one carrier per CPU): when other processes keep some CPUs busy
 * (a load generator, a sidecar proxy, other pods on the node), the carriers beyond the CPUs left
 * over do not add throughput; they add hand-offs. A carrier that finds no work parks and must be
 * woken through a futex when the poller unparks a connection, and connections hop between
 * carriers. On the 2-core machine of README "Performance", with the load generator on the same
 * cores, two carriers spent 10-14 µs of CPU per ping-pong echo and one carrier 6-8 µs, which is
 * 1.4x the echoes per second. With the CPUs free the count returns to the JDK's, so a server with
 * its cores to itself keeps all of them.
 *
 * <p>A change needs two samples in a row that want to move the same way, so one burst does not
 * resize the pool. Not thread-safe: one sampler calls it.
 */
final class CarrierPolicy {

    private static final int CONFIRMING_SAMPLES = 2;

    private final int max;

    private int pendingDirection;

    private int pendingSamples;

    /** @param max the JDK's carrier count, which the policy never exceeds */
    CarrierPolicy(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
    }

    /**
     * @param current carriers now
     * @param usedCpus CPUs this JVM used over the last sample (1.5 is one and a half CPUs busy)
     * @param idleCpus CPUs idle over the same time, in the whole machine or container
     * @return carriers from now on
     */
    int next(int current, double usedCpus, double idleCpus) {
        int target = (int) Math.max(1, Math.min(this.max, Math.round(usedCpus + idleCpus)));
        int direction = Integer.signum(target - current);
        if (direction == 0) {
            this.pendingSamples = 0;
            return current;
        }
        this.pendingSamples = direction == this.pendingDirection ? this.pendingSamples + 1 : 1;
        this.pendingDirection = direction;
        if (this.pendingSamples < CONFIRMING_SAMPLES) {
            return current;
        }
        this.pendingSamples = 0;
        return target;
    }
}
