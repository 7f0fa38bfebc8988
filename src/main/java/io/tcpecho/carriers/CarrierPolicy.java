package io.tcpecho.carriers;

/**
 * How many carrier threads: as many as there are CPUs the carriers can get now, which is the CPU
 * they use plus the CPU that is idle, rounded, between one and the JDK's count; and the JDK's count
 * again whenever fewer carriers are kept from a CPU. (The carriers' CPU, not the whole JVM's: a
 * fresh JVM's JIT compiler threads use most of a CPU for a few seconds, which the carriers do not
 * get and which passes.)
 *
 * <p>Why not always the JDK's count (one carrier per CPU): when another process keeps some CPUs
 * busy (a load generator, a sidecar proxy, other pods on the node), the carriers beyond the CPUs
 * left over do not add throughput; they add hand-offs. A carrier that finds no work parks and must
 * be woken through a futex when the poller unparks a connection, and connections hop between
 * carriers. On the 2-core machine of README "Performance", with the load generator on the same
 * cores, two carriers spent 9–10 µs of CPU per ping-pong echo and one carrier 5.5 µs, which is
 * 1.4x the echoes per second. With the CPUs free the count returns to the JDK's, so a server with
 * its cores to itself keeps all of them.
 *
 * <p>Why back to the JDK's count when the fewer carriers wait for a CPU: Linux shares a busy CPU
 * between runnable threads, not processes, so beside many busy threads (several multi-threaded
 * clients on the same cores) one carrier gets one thread's share, less than the CPU it could use.
 * There, one carrier waited on the run queue for about half the time it could have run, and the
 * soak's mixed load echoed 7% less and its connect loop managed 27% fewer connections than with the
 * JDK's two; beside echoload's one thread it waited 1%. Only the wait beyond the CPU this JVM's own
 * other threads took counts: a fresh JVM's JIT compiler threads keep its carriers waiting for a few
 * seconds of its first load, which passes, and more carriers would only take CPU from the JIT. After
 * a return for want of CPU, fewer carriers are not tried again for a while, twice as long after each
 * return, so a machine that stays that busy sees the trial rarely.
 *
 * <p>A change needs two samples in a row that want to move the same way, so one burst does not
 * resize the pool. Not thread-safe: one sampler calls it.
 */
final class CarrierPolicy {

    /**
     * The share of the time they could run that the carriers may wait for a CPU, beyond what this
     * JVM's other threads took, before fewer carriers count as kept from it: measured 1% beside one
     * other busy thread, about 45% beside many.
     */
    static final double STARVED_WAIT_SHARE = 0.2;

    /**
     * One sample's CPU readings, each in CPUs (CPU seconds a second) over the sample's time.
     *
     * @param usedCpus what this JVM used, every thread
     * @param idleCpus what was idle, in the whole machine or container
     * @param carrierCpus what the carrier threads ran
     * @param carrierWaitCpus how long the carrier threads waited for a CPU while they could have run
     */
    record Sample(double usedCpus, double idleCpus, double carrierCpus, double carrierWaitCpus) {

        /** Of the time the carriers could have run, the share they waited for a CPU. */
        double carrierWaitShare() {
            double runnable = this.carrierCpus + this.carrierWaitCpus;
            return runnable > 0 ? this.carrierWaitCpus / runnable : 0;
        }

        /**
         * Of the time the carriers could have run, the share they waited for a CPU beyond the CPU this
         * JVM's other threads (JIT compiler, GC) took; 0 when those took as much as the carriers waited.
         */
        double carrierWaitShareBeyondOwnThreads() {
            double runnable = this.carrierCpus + this.carrierWaitCpus;
            double ownOther = Math.max(0, this.usedCpus - this.carrierCpus);
            return runnable > 0 ? Math.max(0, this.carrierWaitCpus - ownOther) / runnable : 0;
        }
    }

    private static final int CONFIRMING_SAMPLES = 2;

    /**
     * A reading this close to halfway between two counts keeps the count there is. Without it, one
     * connection's ping-pong beside the load generator read 1.6 CPUs with one carrier and 1.45 with
     * two (the carriers use less CPU with one), and the count changed every second.
     */
    private static final double ROUNDING_MARGIN = 0.1;

    private final int max;

    private final int firstHoldSamples;

    private final int maxHoldSamples;

    private int holdSamples;

    /** Samples left before fewer carriers may be tried again. */
    private int holding;

    /** Samples in a row with fewer carriers and none of them kept from a CPU. */
    private int calm;

    private int pendingDirection;

    private int pendingSamples;

    /**
     * @param max the JDK's carrier count, which the policy never exceeds
     * @param firstHoldSamples after the first return to {@code max} for want of CPU, how many samples
     *        to stay there; each further return doubles it, up to {@code maxHoldSamples}, and as many
     *        calm samples with fewer carriers start it over
     */
    CarrierPolicy(int max, int firstHoldSamples, int maxHoldSamples) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        if (firstHoldSamples < 1 || maxHoldSamples < firstHoldSamples) {
            throw new IllegalArgumentException("hold samples must be 1 <= first <= max, were " + firstHoldSamples
                    + " and " + maxHoldSamples);
        }
        this.max = max;
        this.firstHoldSamples = firstHoldSamples;
        this.maxHoldSamples = maxHoldSamples;
        this.holdSamples = firstHoldSamples;
    }

    /**
     * @param current carriers now
     * @param sample what the CPUs did since the last sample
     * @return carriers from now on
     */
    int next(int current, Sample sample) {
        if (this.holding > 0) {
            this.holding--;
        }
        boolean starved = current < this.max && sample.carrierWaitShareBeyondOwnThreads() > STARVED_WAIT_SHARE;
        trackCalm(current, starved);
        int target;
        if (starved) {
            target = this.max;
        }
        else {
            double cpus = Math.max(1, Math.min(this.max, sample.carrierCpus() + sample.idleCpus()));
            target = Math.abs(cpus - Math.round(cpus)) > 0.5 - ROUNDING_MARGIN ? current : (int) Math.round(cpus);
            if (target < current && this.holding > 0) {
                target = current;
            }
        }
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
        if (starved) {
            this.holding = this.holdSamples;
            this.holdSamples = Math.min(this.maxHoldSamples, this.holdSamples * 2);
        }
        return target;
    }

    private void trackCalm(int current, boolean starved) {
        if (current >= this.max || starved) {
            this.calm = 0;
            return;
        }
        if (++this.calm >= this.maxHoldSamples) {
            this.holdSamples = this.firstHoldSamples;
        }
    }

    /** Samples left before fewer carriers may be tried again; 0 when they may. */
    int holding() {
        return this.holding;
    }
}
