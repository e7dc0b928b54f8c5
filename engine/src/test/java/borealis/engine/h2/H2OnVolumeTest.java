package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.SegmentTransport;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2OnVolumeTest {

    @TempDir
    Path dir;

    private static Connection connect(String volumeId) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "sa");
        p.setProperty("password", "pw");
        return new org.h2.Driver().connect("jdbc:h2:" + VolumeFileSystem.databasePath(volumeId)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;RETENTION_TIME=0;FILE_LOCK=NO;TRACE_LEVEL_FILE=0", p);
    }

    @Test
    void committedRowsSurviveReopeningTheVolumeInANewEpoch() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v1 = ReplicatedVolume.open("v1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            VolumeFileSystem.mount(v1);
            try (Connection c = connect("v1"); Statement s = c.createStatement()) {
                s.execute("create table t(id int primary key, v varchar)");
                for (int i = 0; i < 2000; i++) {
                    s.execute("insert into t values (" + i + ", repeat('x', 100))");
                }
                v1.whenDurable(v1.highestLsn()).get();
                s.execute("shutdown");
            }
            VolumeFileSystem.unmount(v1);
            v1.close();
            assertTrue(layout.groupOf(v1.size()) >= 1, "the database should span several groups, size " + v1.size());

            ReplicatedVolume v2 = ReplicatedVolume.open("v1", layout, segments, 2, ReplicatedVolume.Settings.defaults());
            readsTheTable(v2, "v1");
            v2.close();
        }
    }

    /**
     * A failover's new writer must not read from the replicas of the dead node: a read sent there
     * waited the request timeout (2 s) before the next replica was tried, and H2's open of four
     * failed-over writers took 4.1 s instead of 0.3 s (bin/bench-failover, killing a zone's node).
     */
    @Test
    void aNewWriterReadsOnlyFromReplicasThatAnsweredItsRecovery() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            long size = writeTableAndStop(segments, layout, "v2");
            // The writer's node dies with the two replicas of its zone in every group.
            for (int g = 0; g <= layout.groupOf(size); g++) {
                segments.down.add(InProcessSegments.key(g, 0));
                segments.down.add(InProcessSegments.key(g, 1));
            }
            AtomicInteger readsOfDeadReplicas = new AtomicInteger();
            AtomicInteger reads = new AtomicInteger();
            SegmentTransport counting = new DelegatingTransport(segments) {
                @Override
                public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
                    reads.incrementAndGet();
                    if (replica < 2) {
                        readsOfDeadReplicas.incrementAndGet();
                    }
                    return super.read(group, replica, offset, length, readPoint);
                }
            };
            ReplicatedVolume v2 = ReplicatedVolume.open("v2", layout, counting, 2, ReplicatedVolume.Settings.defaults());
            readsTheTable(v2, "v2");
            v2.close();
            assertTrue(reads.get() > 0, "the new writer read the database from the replicas");
            assertEquals(0, readsOfDeadReplicas.get(), "reads sent to replicas that never answered the recovery, of " + reads.get());
        }
    }

    /**
     * A small volume is read whole before H2 opens it, a few large requests instead of one per
     * block H2 looks at; a volume over the limit is not.
     */
    @Test
    void aSmallVolumeIsPrefetchedWholeAndH2OpensItWithoutFurtherReads() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            long size = writeTableAndStop(segments, layout, "v3");
            ReplicatedVolume.Settings small = ReplicatedVolume.Settings.defaults();
            assertTrue(size <= small.openPrefetchBytes(), "the test's volume is under the default limit: " + size);
            ReplicatedVolume v2 = ReplicatedVolume.open("v3", layout, segments, 2, small);
            long requests = (v2.size() + 128 * 1024 - 1) / (128 * 1024) + layout.groupOf(v2.size()); // a piece may span two groups
            assertEquals(v2.size(), v2.prefetch());
            long prefetchReads = v2.stats().remoteReads();
            assertTrue(prefetchReads <= requests, prefetchReads + " reads for " + v2.size() + " bytes");
            readsTheTable(v2, "v3");
            assertEquals(prefetchReads, v2.stats().remoteReads(), "H2's open and the query read nothing more from the replicas");
            v2.close();

            ReplicatedVolume.Settings tight = new ReplicatedVolume.Settings(small.cacheBytes(), small.requestTimeout(), small.openTimeout(),
                    small.maxBatchBytes(), small.compress(), small.retryInterval(), small.commitTimeout(), small.openReadAheadBlocks(),
                    size - 1);
            ReplicatedVolume v3 = ReplicatedVolume.open("v3", layout, segments, 3, tight);
            assertEquals(0, v3.prefetch(), "a volume over the limit is not read whole");
            assertEquals(0, v3.stats().remoteReads());
            v3.close();
        }
    }

    /**
     * Writes table {@code t} (2,000 rows) on volume {@code id} in epoch 1 and stops the writer as a
     * crash would (H2 is not closed); returns the volume's size.
     */
    private static long writeTableAndStop(InProcessSegments segments, VolumeLayout layout, String id) throws Exception {
        ReplicatedVolume v = ReplicatedVolume.open(id, layout, segments, 1, ReplicatedVolume.Settings.defaults());
        VolumeFileSystem.mount(v);
        try (Connection c = connect(id); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar)");
            s.execute("insert into t select x, repeat('y', 100) from system_range(1, 2000) as r(x)");
            v.whenDurable(v.highestLsn()).get();
        }
        VolumeFileSystem.unmount(v);
        v.close();
        return v.size();
    }

    /** Mounts {@code v}, finds table {@code t}'s 2,000 rows, closes H2 and unmounts (the volume stays open). */
    private static void readsTheTable(ReplicatedVolume v, String id) throws Exception {
        VolumeFileSystem.mount(v);
        try (Connection c = connect(id); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            assertEquals(2000, rs.getInt(1));
            s.execute("shutdown");
        }
        VolumeFileSystem.unmount(v);
    }
}
