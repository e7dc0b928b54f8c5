package borealis.actors.compute;

import borealis.persistence.volume.client.VolumeFollower;
import java.time.Duration;

/**
 * A reader instance's retention lease with its writer, as the writer granted it. A snapshot is safe
 * when taken at or after the writer's newest LSN at the first lease of an unbroken series in its
 * epoch (version pins before that may be missing); while the writer does not run, nothing reuses
 * space (a writer that resumes begins a new epoch, and reads of older snapshots then fail, see
 * {@link borealis.persistence.volume.client.ReaderVolume}). Used from the SQL pool, one refresh at a time.
 */
final class ReaderLease {

    private boolean running;
    private long epoch = -1;
    private long fromLsn;
    private long lastNanos;

    synchronized void granted(ComputeInstance.RetentionGranted g, long now, Duration window) {
        if (!g.running()) {
            running = false;
        } else {
            // Leases further apart than half the window may have let the writer drop its pins between them.
            boolean unbroken = running && epoch == g.epoch() && now - lastNanos < window.toNanos() / 2;
            if (!unbroken) {
                epoch = g.epoch();
                fromLsn = g.lsn();
            }
            running = true;
        }
        lastNanos = now;
    }

    /** Whether a snapshot at {@code p} reads only what the writer keeps. */
    synchronized boolean covers(VolumeFollower.Point p) {
        return !running || (p.epoch() == epoch && p.lsn() >= fromLsn);
    }
}
