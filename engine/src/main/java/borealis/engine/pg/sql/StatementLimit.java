package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.function.LongSupplier;

/**
 * How long the work the session does itself for one statement may run, and whether it was
 * cancelled: translation and catalog refreshes happen before H2 runs the statement, so H2's
 * statement timeout and cancel do not reach them, and some rewrites cost quadratic time in the
 * statement's length (measured: 80,000 array-literal casts in one statement took 10 s). The
 * session sets the limit for its thread around each batch of work; every statement's token list
 * checks it as it works ({@link Check}), and the catalog checks it per table ({@link #check}).
 */
public final class StatementLimit {

    private static final ThreadLocal<StatementLimit> CURRENT = new ThreadLocal<>();
    private static final StatementLimit NONE = new StatementLimit(0, () -> 0, 0);

    private final long timeoutMillis;
    private final LongSupplier cancels;
    private final long startNanos = System.nanoTime();
    private final long cancelsAtStart;

    private StatementLimit(long timeoutMillis, LongSupplier cancels, long cancelsAtStart) {
        this.timeoutMillis = timeoutMillis;
        this.cancels = cancels;
        this.cancelsAtStart = cancelsAtStart;
    }

    /**
     * For work the session does for a statement outside its translation (refreshing the catalog):
     * throws once the batch of work it belongs to ran past the statement timeout, or a cancel came.
     */
    public static void check() {
        StatementLimit l = CURRENT.get();
        if (l == null) {
            return;
        }
        if (l.cancels.getAsLong() != l.cancelsAtStart) {
            throw new PgException(PgError.error("57014", "canceling statement due to user request"));
        }
        if (l.timeoutMillis > 0 && System.nanoTime() - l.startNanos > l.timeoutMillis * 1_000_000) {
            throw new PgException(PgError.error("57014", "canceling statement due to statement timeout"));
        }
    }

    /**
     * Throws if a cancel came since the batch of work began (or was queued): checked as each
     * statement starts. Not the statement timeout, which PostgreSQL applies to each statement of
     * a batch separately (and each translation checks for itself).
     */
    public static void checkCancel() {
        StatementLimit l = CURRENT.get();
        if (l != null && l.cancels.getAsLong() != l.cancelsAtStart) {
            throw new PgException(PgError.error("57014", "canceling statement due to user request"));
        }
    }

    /**
     * While the returned scope is open, each statement this thread translates may take at most
     * {@code timeoutMillis} (0: no limit) and stops when {@code cancels} (a count of cancel
     * requests) changes.
     */
    public static AutoCloseable within(long timeoutMillis, LongSupplier cancels) {
        return within(timeoutMillis, cancels, cancels.getAsLong());
    }

    /** As {@link #within(long, LongSupplier)}, counting cancels from {@code cancelsAtStart} (taken when the work was queued). */
    public static AutoCloseable within(long timeoutMillis, LongSupplier cancels, long cancelsAtStart) {
        StatementLimit before = CURRENT.get();
        CURRENT.set(new StatementLimit(timeoutMillis, cancels, cancelsAtStart));
        return () -> CURRENT.set(before);
    }

    /** The check one statement's translation makes, started now. */
    static Check start() {
        StatementLimit l = CURRENT.get();
        if (l == null) {
            l = NONE;
        }
        return new Check(l.timeoutMillis > 0 ? System.nanoTime() + l.timeoutMillis * 1_000_000 : Long.MAX_VALUE, l.cancels,
                l.cancels.getAsLong());
    }

    /** One statement's deadline and cancel count; {@link #tick} is cheap enough to call on every token access. */
    static final class Check {
        private final long deadline;
        private final LongSupplier cancels;
        private final long cancelsAtStart;
        private long ops;

        Check(long deadline, LongSupplier cancels, long cancelsAtStart) {
            this.deadline = deadline;
            this.cancels = cancels;
            this.cancelsAtStart = cancelsAtStart;
        }

        void tick() {
            tick(1);
        }

        /** Counts {@code cost} steps of work (a list edit costs the elements it shifts); checks every 16,384. */
        void tick(long cost) {
            ops += cost;
            if (ops < 16_384) {
                return;
            }
            ops = 0;
            if (cancels.getAsLong() != cancelsAtStart) {
                throw new PgException(PgError.error("57014", "canceling statement due to user request"));
            }
            if (System.nanoTime() > deadline) {
                throw new PgException(PgError.error("57014", "canceling statement due to statement timeout"));
            }
        }
    }
}
