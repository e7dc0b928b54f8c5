package borealis.persistence.volume.client;

import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A reader instance's view of a volume that another compute instance writes: where the log is
 * durable, learned from the replicas' positions (never by beginning an epoch, which would fence
 * the writer), and the read point of every group.
 *
 * <p>Read points only move forward. A replica may answer a read with content newer than the read
 * point (its block file holds what it applied); the group's read point then rises to what was
 * served, so that no later read, from any replica, returns older content than one already seen.
 * Every {@link ReaderVolume} (snapshot) of the reader shares these points: MVStore never changes a
 * chunk a snapshot references while the writer retains it (see docs/readers.md), so newer content is
 * the same content there.
 */
public final class VolumeFollower {

    /**
     * A durable point of the volume: {@code lsn} the newest LSN at which every group's read point is
     * a consistent cut (see {@link #poll}),
     * {@code epoch} the newest writer epoch the replicas serve, {@code size} the volume's size there.
     */
    public record Point(long lsn, long epoch, long size, int groups) {}

    private final String volumeId;
    private final VolumeLayout layout;
    private final SegmentTransport transport;
    private final Duration timeout;

    // Guarded by this.
    private long[] readPoints = new long[16];
    /** SCL per (group, replica) at the last poll, to try replicas likely to serve first. */
    private long[][] scl = new long[16][VolumeLayout.REPLICAS];

    public VolumeFollower(String volumeId, VolumeLayout layout, SegmentTransport transport, Duration timeout) {
        this.volumeId = volumeId;
        this.layout = layout;
        this.transport = transport;
        this.timeout = timeout;
    }

    public String volumeId() {
        return volumeId;
    }

    VolumeLayout layout() {
        return layout;
    }

    SegmentTransport transport() {
        return transport;
    }

    long timeoutMillis() {
        return timeout.toMillis();
    }

    /**
     * Asks every replica of every group where it stands and moves the read points to the newest
     * durable point. Fails if some group has no replica answering within the timeout.
     *
     * <p>Each group learns its durable point from its own notices, which arrive at different times:
     * the newest hint of one group can be ahead of what another group's replicas were told, and a
     * snapshot at that point would read the other group as it was before (H2 then finds its newest
     * chunks incomplete and opens an older version: a reader of a database spanning groups saw the
     * catalog missing, 3 in 210 repetitions of NotificationsTest's reader test). So the point is
     * lowered to the read point of every group that has records beyond it (a replica's SCL is
     * higher, or its hint is newer than any replica holds): such a record may be durable, and is
     * not read. A durable record is on 4 of 6 replicas, so 3 answers see it.
     */
    public Point poll() throws IOException {
        List<SegmentTransport.Position> group0 = positions(0);
        int highest = 0;
        for (SegmentTransport.Position p : group0) {
            highest = Math.max(highest, p.highestGroup());
        }
        // Every other group is asked at once; answers are awaited in turn.
        List<List<CompletableFuture<SegmentTransport.Position>>> others = new ArrayList<>();
        for (int g = 1; g <= highest; g++) {
            others.add(ask(g));
        }
        List<List<SegmentTransport.Position>> all = new ArrayList<>();
        all.add(group0);
        for (int g = 1; g <= highest; g++) {
            all.add(collect(g, others.get(g - 1)));
        }
        long newest = 0;
        long consistentUpTo = Long.MAX_VALUE;
        long epoch = 0;
        long size = 0;
        synchronized (this) {
            ensure(highest);
            for (int g = 0; g <= highest; g++) {
                long durable = 0;
                long length = 0;
                long bestScl = 0;
                long received = 0;
                long groupEpoch = 0;
                // A replica that did not answer (its node may be gone) is tried last until it answers again.
                Arrays.fill(scl[g], 0);
                for (SegmentTransport.Position p : all.get(g)) {
                    groupEpoch = Math.max(groupEpoch, p.epoch());
                }
                for (SegmentTransport.Position p : all.get(g)) {
                    epoch = Math.max(epoch, p.epoch());
                    scl[g][p.replica()] = p.scl();
                    // Records an older writer left on a replica a newer one has not reached are not its log.
                    received = p.epoch() == groupEpoch ? Math.max(received, p.scl()) : received;
                    if (p.durableHint() > durable || (p.durableHint() == durable && p.durableLength() > length)) {
                        durable = p.durableHint();
                        length = p.durableLength();
                    }
                }
                for (SegmentTransport.Position p : all.get(g)) {
                    bestScl = Math.max(bestScl, Math.min(p.scl(), durable));
                }
                // The group's durable LSN if some replica holds it; else as far as one does (both are LSNs of the group).
                readPoints[g] = Math.max(readPoints[g], bestScl);
                newest = Math.max(newest, durable);
                if (received > bestScl || durable > bestScl) {
                    consistentUpTo = Math.min(consistentUpTo, bestScl);
                }
                if (length > 0) {
                    size = Math.max(size, layout.groupStart(g) + length);
                }
            }
        }
        return new Point(Math.min(newest, consistentUpTo), epoch, size, highest + 1);
    }

    /** The positions of a group's replicas that answer within the timeout (at least one). */
    private List<SegmentTransport.Position> positions(int group) throws IOException {
        return collect(group, ask(group));
    }

    private List<CompletableFuture<SegmentTransport.Position>> ask(int group) {
        List<CompletableFuture<SegmentTransport.Position>> asked = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            asked.add(transport.position(group, r).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return asked;
    }

    private List<SegmentTransport.Position> collect(int group, List<CompletableFuture<SegmentTransport.Position>> asked)
            throws IOException {
        List<SegmentTransport.Position> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (CompletableFuture<SegmentTransport.Position> f : asked) {
            try {
                out.add(f.join());
            } catch (RuntimeException e) {
                errors.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
            }
        }
        if (out.isEmpty()) {
            throw new VolumeUnavailableException("no replica of volume " + volumeId + " group " + group + " answered: " + errors);
        }
        return out;
    }

    private void ensure(int group) {
        if (group >= readPoints.length) {
            int n = Math.max(group + 1, readPoints.length * 2);
            readPoints = Arrays.copyOf(readPoints, n);
            long[][] grown = Arrays.copyOf(scl, n);
            for (int g = scl.length; g < n; g++) {
                grown[g] = new long[VolumeLayout.REPLICAS];
            }
            scl = grown;
        }
    }

    synchronized long readPoint(int group) {
        return group < readPoints.length ? readPoints[group] : 0;
    }

    synchronized boolean likelyServes(int group, int replica, long readPoint) {
        return group < scl.length && scl[group][replica] >= readPoint;
    }

    /** Content up to {@code lsn} was seen: never read the group older than that again. */
    synchronized void served(int group, long lsn) {
        if (lsn > 0) {
            ensure(group);
            readPoints[group] = Math.max(readPoints[group], lsn);
        }
    }

    /** Releases what the transport holds. */
    public void close() {
        transport.volumeClosed();
    }
}
