package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.StorageProbe;
import borealis.engine.h2.VolumeFileSystem;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.BlockFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage promises under faults, end to end through pgjdbc and the proxy, on one node whose
 * replicas are real entities on the real journal; faults are injected per replica (a replica
 * taken down stops and swallows every message, as a dead process would; a wiped one loses its
 * journal events, snapshots and block files). Small protection groups, so every database spans
 * several, and a short commit timeout.
 */
class StorageFaultsIT {

    private static final long GROUP_SIZE = 256 * 1024;
    private static final long COMMIT_TIMEOUT_MS = 3000;
    /** Groups whose replicas a fault takes down: more than the test databases grow to. */
    private static final int GROUPS = 40;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static VolumeLayout layout = new VolumeLayout(GROUP_SIZE);

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of(
                "borealis.volume.group-size", GROUP_SIZE,
                "borealis.volume.commit-timeout", COMMIT_TIMEOUT_MS + "ms",
                "borealis.volume.request-timeout", "1s",
                "borealis.volume.retry-interval", "200ms",
                "borealis.storage.snapshot-every", 50,
                "borealis.storage.sync.timeout", "1s"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String createDatabase(String tenant) throws Exception {
        node.admin().createTenant(tenant);
        node.admin().createCluster(tenant, "db", "app", "secret-pass");
        try (Connection c = connect(tenant); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar(400) not null)");
        }
        return tenant + "/db";
    }

    private static Connection connect(String tenant) throws SQLException {
        // A connect racing with the compute instance's stop can be lost; give up on it soon and retry.
        return DriverManager.getConnection(node.jdbcUrl(tenant, "db") + "&loginTimeout=15", "app", "secret-pass");
    }

    private static StorageProbe probe(String clusterId) throws Exception {
        return StorageProbe.forCluster(node.node(), clusterId, layout);
    }

    private static ClusterSharding sharding() {
        return ClusterSharding.get(node.node().system());
    }

    private static List<Integer> ids(String tenant) throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = connect(tenant); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from t order by id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    /**
     * Stops the compute instance and waits until its database is closed; the next connection starts
     * it again, which recovers the volume in a new epoch.
     */
    private static void restartCompute(String clusterId) throws Exception {
        String volumeId = probe(clusterId).volumeId();
        sharding().entityRefFor(ComputeInstance.TYPE_KEY, clusterId).tell(new ComputeInstance.Stop());
        eventually("the compute instance of " + volumeId + " closed", () -> VolumeFileSystem.mounted(volumeId).isEmpty());
    }

    private static void eventually(String what, Callable<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.call()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + PATIENCE + ": " + what, last);
    }

    /** Every replica of every group in use has caught up to the same point, and their bytes are equal. */
    private static void assertReplicasConverge(StorageProbe probe) throws Exception {
        int groups = layout.groupOf(Math.max(0, probe.volume().size() - 1)) + 1;
        for (int g = 0; g < groups; g++) {
            int group = g;
            eventually("replicas of group " + g + " converge", () -> {
                List<StorageSegment.PeerRecords> all = new ArrayList<>();
                for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                    all.add(probe.status(group, r));
                }
                StorageSegment.PeerRecords first = all.get(0);
                boolean same = all.stream().allMatch(s -> s.appliedLsn() == first.appliedLsn() && s.scl() == first.scl()
                        && s.length() == first.length());
                if (!same || first.appliedLsn() != first.scl()) {
                    // Thrown, not false: what each replica holds is the message if patience runs out.
                    throw new AssertionError(all.stream().map(s -> "replica " + s.replica() + ": epoch " + s.epoch()
                            + " applied " + s.appliedLsn() + " scl " + s.scl() + " length " + s.length()
                            + " records " + s.records().size()).toList());
                }
                return true;
            });
            long length = probe.status(g, 0).length();
            for (long at = 0; at < length; at += 256 * 1024) {
                int n = (int) Math.min(256 * 1024, length - at);
                byte[] expected = probe.blocks(g, 0, at, n).data();
                for (int r = 1; r < VolumeLayout.REPLICAS; r++) {
                    StorageSegment.PeerBlocks b = probe.blocks(g, r, at, n);
                    assertNull(b.error(), "replica " + r + " of group " + g + ": " + b.error());
                    assertArrayEquals(expected, b.data(), "replica " + r + " of group " + g + " differs from replica 0 at " + at);
                }
            }
        }
    }

    /** A writer that inserts rows one autocommit at a time and remembers what was acknowledged. */
    private static final class Writer implements AutoCloseable {
        final List<Integer> acked = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Writer(String tenant, int firstId) {
            thread = new Thread(() -> {
                try (Connection c = connect(tenant); var ins = c.prepareStatement("insert into t values (?, ?)")) {
                    for (int id = firstId; !stop.get(); id++) {
                        ins.setInt(1, id);
                        ins.setString(2, "row " + id + " " + "x".repeat(300));
                        ins.executeUpdate();
                        acked.add(id);
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "test-writer");
            thread.start();
        }

        void awaitAcked(int n) throws Exception {
            eventually(n + " acknowledged commits", () -> {
                if (error.get() != null) {
                    throw new AssertionError("the writer failed", error.get());
                }
                return acked.size() >= n;
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }

    @Test
    void twoReplicasOfEveryGroupDownDuringWritesLoseNothing() throws Exception {
        String volume = createDatabase("two-down");
        StorageProbe probe = probe(volume);
        List<Integer> acked;
        try (Writer w = new Writer("two-down", 1)) {
            w.awaitAcked(30);
            for (int g = 0; g < GROUPS; g++) {
                probe.takeDown(g, 4);
                probe.takeDown(g, 5);
            }
            int before = w.acked.size();
            w.awaitAcked(before + 150);
            for (int g = 0; g < GROUPS; g++) {
                probe.bringBack(g, 4);
                probe.bringBack(g, 5);
            }
            w.awaitAcked(w.acked.size() + 30);
            w.close();
            assertNull(w.error.get(), "no client error with two replicas of a group down");
            acked = List.copyOf(w.acked);
        }
        assertTrue(layout.groupOf(probe.volume().size()) >= 1, "the database spans several groups");
        // The two that were down fill their gaps from their peers.
        assertReplicasConverge(probe);

        restartCompute(volume);
        eventually("every acknowledged row after recovery", () -> ids("two-down").containsAll(acked));
    }

    @Test
    void threeReplicasDownFailWritesCleanlyKeepReadsAndWritesResumeWhenOneReturns() throws Exception {
        String volume = createDatabase("three-down");
        try (Connection c = connect("three-down"); Statement s = c.createStatement()) {
            for (int i = 1; i <= 20; i++) {
                s.executeUpdate("insert into t values (" + i + ", 'before')");
            }
        }
        StorageProbe probe = probe(volume);
        for (int g = 0; g < GROUPS; g++) {
            for (int r = 3; r < 6; r++) {
                probe.takeDown(g, r);
            }
        }

        long started = System.nanoTime();
        SQLException failed = assertThrows(SQLException.class, () -> {
            try (Connection c = connect("three-down"); Statement s = c.createStatement()) {
                s.executeUpdate("update t set v = 'in doubt' where id = 1");
            }
        });
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertNotNull(failed.getSQLState(), failed.toString());
        assertTrue(failed.getSQLState().startsWith("08") || failed.getSQLState().startsWith("57"),
                "SQLSTATE class 08 or 57, got " + failed.getSQLState() + ": " + failed.getMessage());
        assertTrue(tookMs >= COMMIT_TIMEOUT_MS - 500 && tookMs < COMMIT_TIMEOUT_MS + 5000,
                "the write failed after the commit timeout (" + COMMIT_TIMEOUT_MS + " ms), took " + tookMs + " ms");

        // Reads go on without a write quorum.
        try (Connection c = connect("three-down"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from t where id <= 20")) {
            assertTrue(rs.next());
            assertEquals(20, rs.getInt(1));
        }

        for (int g = 0; g < GROUPS; g++) {
            probe.bringBack(g, 3);
        }
        eventually("writes resume with four replicas", () -> {
            try (Connection c = connect("three-down"); Statement s = c.createStatement()) {
                return s.executeUpdate("insert into t values (21, 'after')") == 1;
            }
        });
        try (Connection c = connect("three-down"); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("insert into t values (22, 'after')"));
        }
        for (int g = 0; g < GROUPS; g++) {
            probe.bringBack(g, 4);
            probe.bringBack(g, 5);
        }
        restartCompute(volume);
        eventually("committed rows after recovery", () -> ids("three-down").containsAll(List.of(1, 20, 21, 22)));
    }

    @Test
    void aStaleWriterIsFencedOnceANewWriterOpensTheVolume() throws Exception {
        String volume = createDatabase("stale");
        try (Connection first = connect("stale"); Statement s = first.createStatement()) {
            assertEquals(1, s.executeUpdate("insert into t values (1, 'by the first writer')"));

            // A second compute instance opens the volume: a new epoch from the control plane, recovery.
            DbCluster.ComputeSpec spec = sharding().entityRefFor(DbCluster.TYPE_KEY, volume)
                    .<StatusReply<DbCluster.ComputeSpec>>ask(DbCluster.AllocateEpoch::new, Duration.ofSeconds(10))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).getValue();
            String volumeId = spec.spec().volumeId();
            ShardedSegmentTransport transport = new ShardedSegmentTransport(node.node().system(), sharding(), volumeId, layout,
                    Duration.ofSeconds(1));
            ReplicatedVolume second = ReplicatedVolume.open(volumeId, layout, transport, spec.epoch(), ReplicatedVolume.Settings.defaults());
            second.close();

            // The stale writer's next statement fails (08006 when the commit meets the fence), or, once
            // the instance noticed on its own, its session was ended (57P01); either way it says why.
            SQLException fenced = assertThrows(SQLException.class,
                    () -> s.executeUpdate("insert into t values (2, 'by the stale writer')"));
            assertTrue(fenced.getSQLState().startsWith("08") || fenced.getSQLState().equals("57P01"),
                    fenced.getSQLState() + ": " + fenced.getMessage());
            assertTrue(fenced.getMessage().contains("newer writer"), fenced.getMessage());
            // The stale instance notices on its own, closes its sessions and stops (no Stop sent).
            eventually("the fenced compute instance closed itself", () -> VolumeFileSystem.mounted(volumeId).isEmpty());
        }
        eventually("the new writer sees the first row and not the stale one", () -> ids("stale").equals(List.of(1)));
    }

    /**
     * A cut (H2 shrinking its file) reaches the replicas as a record they apply on the writer's
     * durable notice, which is not an event of theirs; if they restart then (passivation after
     * idle time, a node restart), replay leaves the cut pending while the file already holds it.
     * Every replica of the group took that shorter file for lost blocks and forgot what it had
     * applied: the group had no quorum (bin/bench-pgbench, after a read-only workload).
     */
    @Test
    void aCutAppliedBeforeTheReplicasRestartIsNotTakenForLostBlocks() throws Exception {
        String volumeId = "cut-before-restart";
        StorageProbe probe = new StorageProbe(node.node(), volumeId, layout);
        double lostBefore = StorageMetrics.REPAIRS.labels("lost-blocks").get();
        ShardedSegmentTransport transport = new ShardedSegmentTransport(node.node().system(), sharding(), volumeId, layout,
                Duration.ofSeconds(1));
        ReplicatedVolume v = ReplicatedVolume.open(volumeId, layout, transport, 1, ReplicatedVolume.Settings.defaults());
        long cut;
        try {
            byte[] page = new byte[2000];
            // more events than any replica's snapshot period (50 to 91 here): each has a snapshot
            for (int i = 0; i < 120; i++) {
                java.util.Arrays.fill(page, (byte) i);
                v.whenDurable(v.write((i % 100) * 2000L, ByteBuffer.wrap(page))).get(20, TimeUnit.SECONDS);
            }
            cut = v.truncate(4096);
            v.whenDurable(cut).get(20, TimeUnit.SECONDS);
            for (int r = 0; r < 6; r++) {
                int replica = r;
                eventually("replica " + r + " applied the cut", () -> java.nio.file.Files.size(probe.blockFile(0, replica)) == 4096);
            }
        } finally {
            v.close();
        }
        for (int r = 0; r < 6; r++) {
            probe.takeDown(0, r);
            probe.bringBack(0, r);
        }
        for (int r = 0; r < 6; r++) {
            int replica = r;
            eventually("replica " + r + " started again and still holds what it applied",
                    () -> probe.status(0, replica).appliedLsn() >= cut - 1);
        }
        assertEquals(lostBefore, StorageMetrics.REPAIRS.labels("lost-blocks").get(), "no replica reported lost blocks");
    }

    /**
     * A replica that comes back empty asks its peers whether the volume has a history it lacks,
     * and goes on asking until they answer. It asked once: when every ask of that round timed out
     * (its peers busy, here down), a group with no new writes kept an empty replica for good.
     */
    @Test
    void aWipedReplicaWhosePeersDidNotAnswerAtFirstStillCatchesUpWithoutNewWrites() throws Exception {
        String volume = createDatabase("unanswered");
        StorageProbe probe = probe(volume);
        try (Writer w = new Writer("unanswered", 1)) {
            w.awaitAcked(30);
        }
        // No writer from here on: the compute instance stops, so nothing new reaches any group.
        restartCompute(volume);
        long applied = probe.status(0, 0).appliedLsn();
        assertTrue(applied > 0);
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            if (r != 2) {
                probe.takeDown(0, r);
            }
        }
        probe.wipe(0, 2); // comes back empty; its first round of asks meets only silent peers
        Thread.sleep(3000); // past the sync timeout (1 s): that round ended unanswered
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            if (r != 2) {
                probe.bringBack(0, r);
            }
        }
        // The writer closed after its last records, so the peers hold a few they were never told are
        // durable: the wiped replica must stand exactly where they stand, with the same bytes.
        eventually("the wiped replica caught up with no new write", () -> {
            StorageSegment.PeerRecords peer = probe.status(0, 0);
            StorageSegment.PeerRecords wiped = probe.status(0, 2);
            return wiped.appliedLsn() >= applied && wiped.appliedLsn() == peer.appliedLsn() && wiped.scl() == peer.scl();
        });
        long length = probe.status(0, 0).length();
        assertArrayEquals(probe.blocks(0, 0, 0, (int) length).data(), probe.blocks(0, 2, 0, (int) length).data());
    }

    @Test
    void aReplicaRestartedAfterTheLastDurableNoticeStillAppliesWhatItsPeersApplied() throws Exception {
        String volume = createDatabase("renotice");
        StorageProbe probe = probe(volume);
        try (Writer w = new Writer("renotice", 1)) {
            w.awaitAcked(30);
        }
        // The writer stays open but has nothing more to send: every replica was told by a durable
        // notice (not an event) how far the log is durable, and applied all it holds.
        eventually("every replica of group 0 applied all it holds", () -> {
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                StorageSegment.PeerRecords s = probe.status(0, r);
                if (s.appliedLsn() != s.scl() || s.scl() != probe.status(0, 0).scl()) {
                    return false;
                }
            }
            return true;
        });
        // A restart replays its events, whose durable hints lag the last notice.
        probe.takeDown(0, 4);
        probe.bringBack(0, 4);
        eventually("the restarted replica applied what its peers applied", () -> {
            StorageSegment.PeerRecords peer = probe.status(0, 0);
            StorageSegment.PeerRecords restarted = probe.status(0, 4);
            return restarted.appliedLsn() == peer.appliedLsn() && restarted.scl() == peer.scl();
        });
    }

    @Test
    void aWipedReplicaHydratesFromItsPeersByteForByte() throws Exception {
        String volume = createDatabase("wiped");
        StorageProbe probe = probe(volume);
        try (Writer w = new Writer("wiped", 1)) {
            w.awaitAcked(120);
            eventually("the database spans several groups", () -> probe.volume().size() > 2 * GROUP_SIZE);
            int groups = layout.groupOf(probe.volume().size() - 1) + 1;
            assertTrue(groups >= 2, "the database spans several groups");
            for (int g = 0; g < groups; g++) {
                probe.wipe(g, 2);
            }
            w.awaitAcked(w.acked.size() + 60);
        }
        assertReplicasConverge(probe);
        assertTrue(probe.status(0, 2).appliedLsn() > 0);
    }

    @Test
    void aCorruptBlockIsNeverServedAndIsRepairedFromAPeer() throws Exception {
        String volume = createDatabase("corrupt");
        try (Connection c = connect("corrupt"); Statement s = c.createStatement()) {
            for (int i = 1; i <= 40; i++) {
                s.executeUpdate("insert into t values (" + i + ", 'row')");
            }
        }
        StorageProbe probe = probe(volume);
        // No writer while the block is corrupted and read: a write of the whole block would mend it.
        restartCompute(volume);
        eventually("block 0 is applied", () -> probe.status(0, 0).length() > 0);

        // Flip bytes of block 0 (the database file's header, which H2 reads on open) on disk.
        Path file = probe.blockFile(0, 0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("garbage".getBytes()), 100);
            ch.force(false);
        }
        long readPoint = probe.status(0, 0).scl();
        StorageSegment.ReadReply refused = probe.read(0, 0, 0, VolumeLayout.BLOCK, readPoint);
        assertNull(refused.data(), "a corrupt block is never served");
        assertTrue(refused.error().contains("checksum"), refused.error());

        // A new writer reads the header (replica 0 first) and still gets the right bytes.
        eventually("reads return correct data", () -> ids("corrupt").size() == 40);

        eventually("replica 0 repaired block 0 and holds what replica 1 holds", () -> {
            StorageSegment.ReadReply r = probe.read(0, 0, 0, VolumeLayout.BLOCK, probe.status(0, 0).scl());
            StorageSegment.PeerRecords zero = probe.status(0, 0);
            StorageSegment.PeerRecords one = probe.status(0, 1);
            return r.error() == null && zero.appliedLsn() == one.appliedLsn()
                    && java.util.Arrays.equals(probe.blocks(0, 1, 0, VolumeLayout.BLOCK).data(), probe.blocks(0, 0, 0, VolumeLayout.BLOCK).data());
        });
    }

    /**
     * The operator's scrub ({@code GET .../storage-check}) compares the six replicas of every
     * group. A replica whose bytes were changed behind its back, with its checksums rewritten to
     * match (so nothing else would notice), is reported as differing; the others are consistent.
     */
    @Test
    void theStorageCheckFindsTheReplicaWhoseBytesDiffer() throws Exception {
        String volume = createDatabase("scrub");
        try (Connection c = connect("scrub"); Statement s = c.createStatement()) {
            for (int i = 1; i <= 300; i++) { // past several replica snapshots (every 50 events here)
                s.executeUpdate("insert into t values (" + i + ", 'row')");
            }
        }
        StorageProbe probe = probe(volume);
        restartCompute(volume); // no writer: the replicas settle at one applied LSN
        eventually("the storage check finds every replica consistent", () -> {
            var body = node.admin().call("GET", "/v1/clusters/scrub/db/storage-check", null).body();
            assertTrue(body.path("consistent").asBoolean(), body.toString());
            return body.path("complete").asBoolean();
        });

        // Every block of replica 3 of group 0 gets one bit flipped, checksums rewritten to match.
        // Replaying its journal when it starts again rewrites the blocks its latest records
        // touch; the others stay changed.
        probe.takeDown(0, 3);
        long length;
        BlockFile file = new BlockFile(probe.blockFile(0, 3), probe.fileKeys());
        try {
            length = file.length();
            for (long at = 0; at < length; at += VolumeLayout.BLOCK) {
                byte[] block = file.read(at, VolumeLayout.BLOCK);
                block[17] ^= 0x01;
                file.write(at, block);
            }
            file.force();
        } finally {
            file.close();
        }
        probe.bringBack(0, 3);
        eventually("replica 3 is back, some of its blocks changed", () -> {
            for (long at = 0; at < length; at += VolumeLayout.BLOCK) {
                StorageSegment.PeerBlocks changed = probe.blocks(0, 3, at, VolumeLayout.BLOCK);
                assertNull(changed.error(), changed.error());
                if (!java.util.Arrays.equals(changed.data(), probe.blocks(0, 0, at, VolumeLayout.BLOCK).data())) {
                    return true;
                }
            }
            return false;
        });

        var body = node.admin().call("GET", "/v1/clusters/scrub/db/storage-check", null).body();
        assertFalse(body.path("consistent").asBoolean(), body.toString());
        List<String> states = new ArrayList<>();
        body.path("replicas").forEach(r -> {
            if (r.path("group").asInt() == 0) {
                states.add(r.path("state").asText() + (r.path("state").asText().equals("differs") ? "@" + r.path("firstDifference").asLong() : ""));
            }
        });
        assertEquals(List.of("consistent", "consistent", "consistent", "differs@0", "consistent", "consistent"), states, body.toString());
    }
}
