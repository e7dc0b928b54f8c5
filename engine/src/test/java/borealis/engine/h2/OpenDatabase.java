package borealis.engine.h2;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;

/**
 * A database on a volume of in-process replicas under {@code dir}, as the engine's tests open it;
 * closed in reverse order. {@link #closeDatabase} closes H2 and the volume early (idempotent).
 */
final class OpenDatabase implements AutoCloseable {

    final InProcessSegments segments;
    final ReplicatedVolume volume;
    final Database db;
    private boolean databaseClosed;

    OpenDatabase(Path dir, String volumeId, String secret) throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        segments = new InProcessSegments(dir, layout);
        try {
            volume = ReplicatedVolume.open(volumeId, layout, segments, 1, ReplicatedVolume.Settings.defaults());
            db = Database.open(volume, secret);
        } catch (Exception | Error e) {
            segments.close();
            throw e;
        }
    }

    void closeDatabase() {
        if (!databaseClosed) {
            databaseClosed = true;
            db.close();
            volume.close();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            closeDatabase();
        } finally {
            segments.close();
        }
    }
}
