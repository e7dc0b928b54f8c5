package borealis.persistence.volume.client;

import java.io.IOException;

/**
 * A reader's snapshot can no longer be read safely: a new writer recovered the volume and may
 * reuse space the snapshot references. The statement fails (40001, as a PostgreSQL standby's
 * "conflict with recovery"); the session moves to a newer snapshot at the reader's next refresh.
 */
public final class SnapshotRetiredException extends IOException {
    public SnapshotRetiredException(String message) {
        super(message);
    }
}
