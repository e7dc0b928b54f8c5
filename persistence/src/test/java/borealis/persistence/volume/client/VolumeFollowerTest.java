package borealis.persistence.volume.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A reader's point must be a consistent cut of the volume: each group hears of its durable point
 * from its own notices, and a snapshot taken where one group's hint is newer than another's would
 * read that other group as it was before (NotificationsTest's reader saw its catalog missing).
 */
class VolumeFollowerTest {

    private static final long GROUP = 64 * 1024;

    /** Replica positions per group: {durableHint, scl, epoch} for each of the 6 replicas. */
    private long[][][] positions;

    @Test
    void aGroupWhoseReplicasHoldRecordsBeyondTheirHintHoldsThePointAtItsReadPoint() throws Exception {
        // Group 0 was told LSN 30 is durable; group 1's replicas hold its records up to 25 but were
        // last told 12 (the notice for 25 is on its way).
        positions = new long[][][] {replicas(30, 30, 1), replicas(12, 25, 1)};
        VolumeFollower follower = new VolumeFollower("v", new VolumeLayout(GROUP), new PositionsTransport(), Duration.ofSeconds(1));
        VolumeFollower.Point p = follower.poll();
        assertEquals(12, p.lsn(), "the point stops where group 1 is known complete, not at group 0's newer hint");
        assertEquals(30, follower.readPoint(0));
        assertEquals(12, follower.readPoint(1));

        // The notice arrives: every group is complete at its hint, and the point is the newest hint.
        positions = new long[][][] {replicas(30, 30, 1), replicas(25, 25, 1)};
        assertEquals(30, follower.poll().lsn());
        assertEquals(25, follower.readPoint(1));
    }

    @Test
    void aHintNoAnsweringReplicaHoldsYetAlsoHoldsThePoint() throws Exception {
        positions = new long[][][] {replicas(30, 30, 1), replicas(25, 20, 1)};
        VolumeFollower follower = new VolumeFollower("v", new VolumeLayout(GROUP), new PositionsTransport(), Duration.ofSeconds(1));
        assertEquals(20, follower.poll().lsn());
    }

    @Test
    void recordsAnOlderWriterLeftOnAReplicaDoNotHoldThePoint() throws Exception {
        long[][] group1 = replicas(25, 25, 2);
        group1[5] = new long[] {12, 40, 1}; // a replica the new writer has not reached, with records of epoch 1 beyond 25
        positions = new long[][][] {replicas(30, 30, 2), group1};
        VolumeFollower follower = new VolumeFollower("v", new VolumeLayout(GROUP), new PositionsTransport(), Duration.ofSeconds(1));
        assertEquals(30, follower.poll().lsn());
    }

    private static long[][] replicas(long hint, long scl, long epoch) {
        long[][] out = new long[VolumeLayout.REPLICAS][];
        for (int r = 0; r < out.length; r++) {
            out[r] = new long[] {hint, scl, epoch};
        }
        return out;
    }

    private final class PositionsTransport extends ReadOnlyTransport {
        @Override
        public CompletableFuture<Position> position(int group, int replica) {
            long[] p = positions[group][replica];
            long length = group == positions.length - 1 ? GROUP / 2 : GROUP;
            return CompletableFuture.completedFuture(new Position(group, replica, p[2], Math.min(p[0], p[1]), p[0], p[1],
                    positions.length - 1, length));
        }

        @Override
        public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
            throw new UnsupportedOperationException();
        }
    }
}
