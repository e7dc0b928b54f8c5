package borealis.actors.compute;

import borealis.engine.h2.Database;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A writer's side of its readers' retention leases: reader instances read snapshots of its
 * volume, so while one has leased within the retention window, H2 pins a new version now and
 * then and keeps the chunks they reference (see {@link borealis.engine.h2.ReaderRetention}).
 * Used on the instance's actor.
 */
final class ReaderLeases {

    /** While readers lease, a new version pin at most this often. */
    private static final Duration PIN_EVERY = Duration.ofSeconds(1);

    private final Duration window;
    /** When a reader last asked to retain (0: never since this open). */
    private long lastLeaseNanos;

    ReaderLeases(Duration window) {
        this.window = window;
    }

    /** A database was opened: no reader has leased from it yet. */
    void opened() {
        lastLeaseNanos = 0;
    }

    /** Whether a reader leased within the window (the writer then does not auto-pause). */
    boolean active() {
        return lastLeaseNanos != 0 && System.nanoTime() - lastLeaseNanos < window.toNanos();
    }

    /** A reader leased: pin now, and refresh a stale catalog on {@code sqlPool}. */
    void leased(Database db, Executor sqlPool) {
        lastLeaseNanos = System.nanoTime();
        db.retention().pin(PIN_EVERY);
        if (db.catalogStale()) {
            // Readers show pg_catalog as the writer last filled it: fill it soon after DDL.
            sqlPool.execute(db::refreshCatalog);
        }
    }

    /** Housekeeping: keep pinning while readers lease, and let older pins expire. */
    void maintain(Database db) {
        if (active()) {
            db.retention().pin(PIN_EVERY);
        }
        db.retention().expire(window);
    }
}
