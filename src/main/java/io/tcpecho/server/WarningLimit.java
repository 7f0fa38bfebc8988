package io.tcpecho.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;

/**
 * A bound on the WARN lines that clients can cause: at most {@code lines} per {@code interval} for
 * each reason. The lines over it go to DEBUG, and the next WARN of that reason says how many did.
 * The metrics still count every event; this bounds only the log volume, which a client opening bad
 * connections as fast as it can would otherwise set: one WARN per connection, 5,000 lines a second in
 * {@code src/bench/log-flood.sh}, for the node's disk and the log pipeline to carry.
 *
 * <p>Written here because neither Logback nor Spring offers a time-based limit: Logback's
 * {@code DuplicateMessageFilter} drops a message format for good once it has repeated, not per interval
 * (and these lines, each naming its client, do not repeat), and a log configuration the user replaces
 * would take the limit with it.
 */
final class WarningLimit {

    private final int lines;

    private final long intervalNanos;

    private final String describedLimit;

    private final LongSupplier nanoClock;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    WarningLimit(int lines, Duration interval) {
        this(lines, interval, System::nanoTime);
    }

    WarningLimit(int lines, Duration interval, LongSupplier nanoClock) {
        if (lines < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("need at least one line per positive interval");
        }
        this.lines = lines;
        this.intervalNanos = interval.toNanos();
        this.describedLimit = "at most " + lines + " per " + interval.toSeconds() + " s";
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code warning} at WARN on {@code log} while {@code reason}'s budget lasts, with how many
     * lines went to DEBUG since the last one; past the budget, {@code debug} at DEBUG.
     */
    void warn(Log log, String reason, String warning, String debug) {
        long heldBack = tryWarn(reason);
        if (heldBack >= 0) {
            log.warn(warning + heldBack(heldBack));
        }
        else if (log.isDebugEnabled()) {
            log.debug(debug);
        }
    }

    /**
     * Takes one line of {@code reason}'s budget.
     * @return -1 when the budget is spent (log at DEBUG instead); otherwise how many lines of this
     * reason went to DEBUG since the last WARN of it, for {@link #heldBack(long)}
     */
    long tryWarn(String reason) {
        return this.windows.computeIfAbsent(reason, key -> new Window()).tryWarn(this.nanoClock.getAsLong());
    }

    /** What to append to a WARN line after {@code count} lines like it went to DEBUG; empty for none. */
    String heldBack(long count) {
        return count == 0 ? "" : " (" + count + " more like this since the last such WARN went to DEBUG: "
                + this.describedLimit + ")";
    }

    private final class Window {

        private long start;

        private int warned;

        private long heldBack;

        private boolean started;

        synchronized long tryWarn(long now) {
            if (!this.started || now - this.start >= WarningLimit.this.intervalNanos) {
                this.started = true;
                this.start = now;
                this.warned = 0;
            }
            if (this.warned == WarningLimit.this.lines) {
                this.heldBack++;
                return -1;
            }
            this.warned++;
            long count = this.heldBack;
            this.heldBack = 0;
            return count;
        }
    }
}
