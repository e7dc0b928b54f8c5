package borealis.actors.compute;

import borealis.engine.h2.Database;
import borealis.engine.h2.EngineLimits;
import borealis.engine.h2.StatementAudit;
import borealis.persistence.volume.client.ReaderVolume;
import borealis.persistence.volume.client.VolumeFollower;
import java.sql.SQLException;

/**
 * One snapshot a reader instance serves: H2 opened read-only on a {@link ReaderVolume} at a
 * durable point of the writer's volume. Sessions start on the newest snapshot and move to newer
 * ones between transactions; a snapshot closes when no session uses it any more.
 */
final class ReaderSnapshot {

    final long seq;
    final ReaderVolume volume;
    final Database db;
    final long openedNanos;
    final double openMillis;
    /** The last time a poll found no durable point newer than this snapshot's. */
    long confirmedNanos;
    /**
     * Since when this snapshot is known to be behind: the last time it was confirmed current
     * before a poll found a newer point (0: it is the newest known). An upper bound on its age.
     */
    long staleSinceNanos;

    private ReaderSnapshot(long seq, ReaderVolume volume, Database db, long openedNanos, double openMillis, long polledNanos) {
        this.seq = seq;
        this.volume = volume;
        this.db = db;
        this.openedNanos = openedNanos;
        this.openMillis = openMillis;
        this.confirmedNanos = polledNanos;
    }

    /** Opens H2 read-only at {@code point}, mounted as {@code <reader entity id>#<seq>} (the writer may be mounted in this JVM too). */
    static ReaderSnapshot open(String readerId, long seq, VolumeFollower follower, VolumeFollower.Point point, long polledNanos,
                               String engineSecret, String databaseName, EngineLimits limits, StatementAudit audit, long cacheBytes,
                               int openReadAheadBlocks, long openPrefetchBytes, String owner)
            throws SQLException, java.io.IOException {
        long started = System.nanoTime();
        ReaderVolume volume = new ReaderVolume(readerId + "#" + seq, follower, point, cacheBytes);
        // A running writer's file is never closed cleanly: H2 checks every chunk, a round trip each
        // without reading ahead (borealis.volume.open-read-ahead); a small one is read whole first.
        volume.prefetch(openPrefetchBytes);
        volume.setOpenReadAhead(openReadAheadBlocks);
        Database db;
        try {
            db = Database.openReadOnly(volume, engineSecret, databaseName, limits, audit, owner);
        } finally {
            volume.setOpenReadAhead(0);
        }
        long now = System.nanoTime();
        return new ReaderSnapshot(seq, volume, db, now, (now - started) / 1e6, polledNanos);
    }

    VolumeFollower.Point point() {
        return volume.point();
    }

    /** Seconds this snapshot has been behind the newest durable point, at most (0 while it is the newest known). */
    double staleSeconds(long nowNanos) {
        return staleSinceNanos == 0 ? 0 : (nowNanos - staleSinceNanos) / 1e9;
    }

    void close() {
        db.close();
    }
}
