package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.function.LongSupplier;

/**
 * How long the translation of one statement may run, and whether it was cancelled: translation
 * happens before H2 sees the statement, so H2's statement timeout and cancel do not reach it, and
 * some rewrites cost quadratic time in the statement's length (measured: 80,000 array-literal casts
 * in one statement took 10 s). The session sets the limit for its thread; every statement's token
 * list checks it as it works.
 */
public final class TranslationLimit {

    private static final ThreadLocal<TranslationLimit> CURRENT = new ThreadLocal<>();
    private static final TranslationLimit NONE = new TranslationLimit(0, () -> 0);

    private final long timeoutMillis;
    private final LongSupplier cancels;

    private TranslationLimit(long timeoutMillis, LongSupplier cancels) {
        this.timeoutMillis = timeoutMillis;
        this.cancels = cancels;
    }

    /**
     * While the returned scope is open, each statement this thread translates may take at most
     * {@code timeoutMillis} (0: no limit) and stops when {@code cancels} (a count of cancel
     * requests) changes.
     */
    public static AutoCloseable within(long timeoutMillis, LongSupplier cancels) {
        TranslationLimit before = CURRENT.get();
        CURRENT.set(new TranslationLimit(timeoutMillis, cancels));
        return () -> CURRENT.set(before);
    }

    /** The check one statement's translation makes, started now. */
    static Check start() {
        TranslationLimit l = CURRENT.get();
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
