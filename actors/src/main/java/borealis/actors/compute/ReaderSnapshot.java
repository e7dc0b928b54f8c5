package borealis.actors.compute;

import borealis.engine.sql.Database;
import borealis.engine.sql.EngineLimits;
import borealis.engine.sql.StatementAudit;
import borealis.engine.volume.ReaderVolume;
import borealis.engine.volume.VolumeFollower;
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
    /** When the reader first learned of a durable point newer than this snapshot's (0: it is the newest known). */
    long supersededNanos;

    private ReaderSnapshot(long seq, ReaderVolume volume, Database db, long openedNanos, double openMillis) {
        this.seq = seq;
        this.volume = volume;
        this.db = db;
        this.openedNanos = openedNanos;
        this.openMillis = openMillis;
    }

    /** Opens H2 read-only at {@code point}, mounted as {@code <reader entity id>#<seq>} (the writer may be mounted in this JVM too). */
    static ReaderSnapshot open(String readerId, long seq, VolumeFollower follower, VolumeFollower.Point point, String engineSecret,
                               String databaseName, EngineLimits limits, StatementAudit audit, long cacheBytes) throws SQLException {
        long started = System.nanoTime();
        ReaderVolume volume = new ReaderVolume(readerId + "#" + seq, follower, point, cacheBytes);
        Database db = Database.openReadOnly(volume, engineSecret, databaseName, limits, audit);
        long now = System.nanoTime();
        return new ReaderSnapshot(seq, volume, db, now, (now - started) / 1e6);
    }

    VolumeFollower.Point point() {
        return volume.point();
    }

    /** Seconds since this snapshot stopped being the newest durable point (0 while it is). */
    double supersededSeconds(long nowNanos) {
        return supersededNanos == 0 ? 0 : (nowNanos - supersededNanos) / 1e9;
    }

    void close() {
        db.close();
    }
}
