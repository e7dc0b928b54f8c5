package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.Volume;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    private static final String SECRET = "group-commit-test-secret";

    @TempDir
    Path dir;

    /**
     * A volume whose positions are the store's versions and whose quorums the test grants: the
     * group commit's pacing can then be watched step by step.
     */
    private static final class ScriptedVolume implements Volume {
        final MVStore store;
        final Map<Long, CompletableFuture<Long>> quorums = new ConcurrentHashMap<>();

        ScriptedVolume(MVStore store) {
            this.store = store;
        }

        void grant(long lsn) {
            quorums.computeIfAbsent(lsn, k -> new CompletableFuture<>()).complete(lsn);
        }

        @Override public String id() { return "scripted"; }
        @Override public long size() { return 0; }
        @Override public void read(long offset, ByteBuffer dst) { throw new UnsupportedOperationException(); }
        @Override public long write(long offset, ByteBuffer src) { throw new UnsupportedOperationException(); }
        @Override public long truncate(long size) { throw new UnsupportedOperationException(); }
        @Override public long highestLsn() { return store.getCurrentVersion(); }
        @Override public long durableLsn() { return 0; }
        @Override public CompletableFuture<Long> whenDurable(long lsn) {
            return quorums.computeIfAbsent(lsn, k -> new CompletableFuture<>());
        }
        @Override public void close() { }
    }

    @Test
    void commitsWaitingForAQuorumAreStoredTogetherAndReadsDoNotWaitBehindThem() throws Exception {
        MVStore store = MVStore.open(null);
        MVMap<Integer, Integer> rows = store.openMap("rows");
        ScriptedVolume volume = new ScriptedVolume(store);
        GroupCommit commits = new GroupCommit(store, volume, 1, Runnable::run);

        rows.put(1, 1);
        CompletableFuture<Long> first = commits.committedPoint(false);
        assertTrue(first.isDone(), "nothing waits for a quorum: the caller stores at once");
        long firstLsn = first.get();
        assertEquals(1, commits.stores());

        rows.put(2, 2);
        CompletableFuture<Long> second = commits.committedPoint(false);
        rows.put(3, 3);
        CompletableFuture<Long> third = commits.committedPoint(false);
        assertFalse(second.isDone() || third.isDone(), "while the first store waits for its quorum, later commits wait in memory");
        assertTrue(store.hasUnsavedChanges());

        volume.grant(firstLsn);
        assertTrue(second.isDone() && third.isDone(), "the quorum lets the next store go");
        assertEquals(second.get(), third.get(), "one store for both commits");
        assertTrue(second.get() > firstLsn);
        assertEquals(2, commits.stores());
        assertFalse(store.hasUnsavedChanges());

        rows.put(4, 4);
        CompletableFuture<Long> write = commits.committedPoint(false);
        assertFalse(write.isDone());
        CompletableFuture<Long> read = commits.committedPoint(true);
        assertTrue(read.isDone(), "a read needs only a read quorum: it does not wait behind the missing write quorum");
        assertTrue(write.isDone(), "and the write waiting before it went in the same store");
        assertEquals(read.get(), write.get());
        assertEquals(3, commits.stores());

        // Nothing new in memory: the position is the last store's, and nothing is written.
        volume.grant(second.get());
        volume.grant(read.get());
        CompletableFuture<Long> idle = commits.committedPoint(false);
        assertEquals(read.get(), idle.get(1, TimeUnit.SECONDS));
        assertEquals(3, commits.stores());
        store.close();
    }

    @Test
    void everyCommitAnsweredAfterItsPointIsDurableSurvivesACrash() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v1 = ReplicatedVolume.open("t/gc/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database db = Database.open(v1, SECRET);
            try (Connection c = db.tenantConnection(); Statement s = c.createStatement()) {
                s.execute("create table t(writer int, n int, primary key (writer, n))");
            }
            db.makeDurable(Duration.ofSeconds(10));
            long before = v1.highestLsn();
            int writers = 8;
            int each = 100;
            AtomicLong answered = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < writers; w++) {
                int me = w;
                Thread t = new Thread(() -> {
                    try (Connection c = db.tenantConnection(); Statement s = c.createStatement()) {
                        for (int n = 0; n < each; n++) {
                            s.execute("insert into t values (" + me + ", " + n + ")");
                            // As a session does before it answers the client.
                            long lsn = db.groupCommit().committedPoint(false).get(10, TimeUnit.SECONDS);
                            v1.whenDurable(lsn).get(10, TimeUnit.SECONDS);
                            answered.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), failures + " " + db.groupCommit() + ", volume durable at " + v1.durableLsn() + " of " + v1.highestLsn());
            assertTrue(v1.highestLsn() > before, "the commits reached the volume");
            long stores = db.groupCommit().stores();
            assertTrue(stores <= answered.get() + 1, "at most a store per commit: " + stores + " for " + answered.get());

            // A crash: H2 goes away without writing anything more, and so does the writer.
            crash(v1);
            ReplicatedVolume v2 = ReplicatedVolume.open("t/gc/1", layout, segments, 2, ReplicatedVolume.Settings.defaults());
            Database reopened = Database.open(v2, SECRET);
            try (Connection c = reopened.tenantConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from t")) {
                rs.next();
                assertEquals(answered.get(), rs.getLong(1), "every answered commit is there");
            } finally {
                reopened.close();
                v2.close();
            }
        }
    }

    /** H2's SHUTDOWN IMMEDIATELY closes the store without a final write; then the volume is dropped. */
    private static void crash(ReplicatedVolume v) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", Database.ADMIN);
        p.setProperty("password", SECRET);
        try (Connection admin = new org.h2.Driver().connect("jdbc:h2:" + VolumeFileSystem.databasePath(v.id()) + ";IFEXISTS=TRUE", p);
             Statement s = admin.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (java.sql.SQLException e) {
            // the connection ends with the database
        }
        VolumeFileSystem.unmount(v);
        v.close();
    }
}
