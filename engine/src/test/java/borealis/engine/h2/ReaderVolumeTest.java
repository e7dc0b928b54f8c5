package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.PgError;
import borealis.persistence.volume.client.ReaderVolume;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.VolumeFollower;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader's snapshots of a volume that a writer keeps changing: consistent, read-only, and never fencing the writer. */
class ReaderVolumeTest {

    private static final String SECRET = "engine-secret";

    @TempDir
    Path dir;

    @Test
    void snapshotsFollowTheWriterAndStayConsistentWhileItWrites() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume writerVolume = ReplicatedVolume.open("t/c/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database writer = Database.open(writerVolume, SECRET);
            try (Connection w = writer.tenantConnection(); Statement s = w.createStatement()) {
                s.execute("create table accounts(id int primary key, balance int)");
                for (int i = 0; i < 200; i++) {
                    s.execute("insert into accounts values (" + i + ", 100)");
                }
                VolumeFollower follower = new VolumeFollower("t/c/1", layout, segments, Duration.ofSeconds(2));
                VolumeFollower.Point p1 = caughtUp(follower, writer);
                Database snap1 = Database.openReadOnly(new ReaderVolume("t/c/1@r1#1", follower, p1, 8 << 20), SECRET, "c", 
                        borealis.engine.h2.EngineLimits.DEFAULTS, borealis.engine.h2.StatementAudit.NONE, "postgres");
                try (Connection r = snap1.tenantConnection(); Statement rs = r.createStatement()) {
                    assertEquals(200, count(rs));
                    assertEquals(20_000, sum(rs));
                    SQLException refused = assertThrows(SQLException.class, () -> rs.execute("insert into accounts values (999, 1)"));
                    PgError e = PgError.of(refused);
                    assertEquals("25006", e.sqlState(), e.message());
                    assertEquals("cannot execute INSERT in a read-only transaction", e.message());

                    // The writer moves money around (the sum stays) while the old snapshot keeps being read.
                    writer.retention().pin(Duration.ZERO);
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    Thread load = new Thread(() -> {
                        try (Connection wc = writer.tenantConnection(); Statement ws = wc.createStatement()) {
                            wc.setAutoCommit(false);
                            for (int i = 0; !stop.get(); i++) {
                                ws.execute("update accounts set balance = balance - 1 where id = " + (i % 200));
                                ws.execute("update accounts set balance = balance + 1 where id = " + ((i * 7 + 3) % 200));
                                if (i % 50 == 0) {
                                    ws.execute("insert into accounts values (" + (1000 + i) + ", 0)");
                                }
                                wc.commit();
                                // As a session does before it answers: the commit goes to the volume.
                                writer.groupCommit().committedPoint(false).get();
                                if (i % 50 == 0) {
                                    writer.maintain();
                                }
                            }
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    });
                    load.start();
                    long snapshots = 0;
                    try {
                        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        while (System.nanoTime() < until) {
                            assertEquals(20_000, sum(rs), "the old snapshot changed");
                            assertEquals(200, count(rs));
                            VolumeFollower.Point p = follower.poll();
                            Database snap = Database.openReadOnly(new ReaderVolume("t/c/1@r1#" + (2 + snapshots), follower, p, 8 << 20),
                                    SECRET, "c", borealis.engine.h2.EngineLimits.DEFAULTS, borealis.engine.h2.StatementAudit.NONE, "postgres");
                            try (Connection c2 = snap.tenantConnection(); Statement s2 = c2.createStatement()) {
                                assertEquals(20_000, sum(s2), "a new snapshot is inconsistent");
                                assertTrue(count(s2) >= 200);
                            } finally {
                                snap.close();
                            }
                            snapshots++;
                        }
                    } finally {
                        stop.set(true);
                        load.join();
                    }
                    if (failure.get() != null) {
                        throw new AssertionError(failure.get());
                    }
                    VolumeFollower.Point last = caughtUp(follower, writer);
                    assertTrue(last.lsn() > p1.lsn(), "the durable point moved");
                    Database snapLast = Database.openReadOnly(new ReaderVolume("t/c/1@r1#last", follower, last, 8 << 20), SECRET, "c",
                            borealis.engine.h2.EngineLimits.DEFAULTS, borealis.engine.h2.StatementAudit.NONE, "postgres");
                    try (Connection c3 = snapLast.tenantConnection(); Statement s3 = c3.createStatement();
                         ResultSet rows = s3.executeQuery("select count(*) from accounts")) {
                        rows.next();
                        assertTrue(rows.getInt(1) > 200, "the newest snapshot shows the inserted rows");
                        assertEquals(20_000, sum(s3));
                    } finally {
                        snapLast.close();
                    }
                    System.out.println("snapshots opened while writing: " + snapshots);
                } finally {
                    snap1.close();
                }
                // The writer was never fenced.
                s.execute("insert into accounts values (-1, 0)");
            }
            writer.close();
            writerVolume.close();
        }
    }

    @Test
    void aSnapshotRefusesReadsOnceANewWriterRecoveredTheVolume() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v1 = ReplicatedVolume.open("t/c/2", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database writer = Database.open(v1, SECRET);
            try (Connection w = writer.tenantConnection(); Statement s = w.createStatement()) {
                s.execute("create table a(id int primary key, v varchar)");
                for (int i = 0; i < 500; i++) {
                    s.execute("insert into a values (" + i + ", repeat('a', 500))");
                }
            }
            VolumeFollower follower = new VolumeFollower("t/c/2", layout, segments, Duration.ofSeconds(2));
            VolumeFollower.Point p = caughtUp(follower, writer);
            // No block cache: what the open read (chunk headers and footers) must be read again.
            ReaderVolume rv = new ReaderVolume("t/c/2@r#1", follower, p, 0);
            Database snap = Database.openReadOnly(rv, SECRET, "c",
                    borealis.engine.h2.EngineLimits.DEFAULTS, borealis.engine.h2.StatementAudit.NONE, "postgres");
            try (Connection r = snap.tenantConnection(); Statement rs = r.createStatement()) {
                writer.close();
                v1.whenDurable(v1.highestLsn()).get();
                v1.close();
                // The next writer begins epoch 2 on the replicas: content there may already be its own.
                ReplicatedVolume v2 = ReplicatedVolume.open("t/c/2", layout, segments, 2, ReplicatedVolume.Settings.defaults());
                SQLException retired = assertThrows(SQLException.class, () -> rs.executeQuery("select sum(length(v)) from a").close());
                PgError e = PgError.of(retired);
                assertEquals("40001", e.sqlState(), retired.getMessage());
                assertEquals("canceling statement due to conflict with recovery", e.message());
                v2.close();
            } finally {
                snap.close();
            }
        }
    }

    /** A snapshot no larger than the limit is read whole, 128 KiB a request, and H2's open then reads nothing more. */
    @Test
    void aSmallSnapshotIsReadWholeBeforeH2OpensIt() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v = ReplicatedVolume.open("t/c/3", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database writer = Database.open(v, SECRET);
            try (Connection w = writer.tenantConnection(); Statement s = w.createStatement()) {
                s.execute("create table a(id int primary key, v varchar)");
                s.execute("insert into a select x, repeat('p', 200) from system_range(1, 300) as r(x)");
            }
            VolumeFollower follower = new VolumeFollower("t/c/3", layout, segments, Duration.ofSeconds(2));
            VolumeFollower.Point p = caughtUp(follower, writer);
            ReaderVolume rv = new ReaderVolume("t/c/3@r#1", follower, p, 8 << 20);
            assertEquals(p.size(), rv.prefetch(4 << 20));
            long reads = rv.remoteReads();
            long pieces = (p.size() + 128 * 1024 - 1) / (128 * 1024) + layout.groupOf(p.size()); // a piece may span two groups
            assertTrue(reads <= pieces, reads + " reads for " + p.size() + " bytes");
            Database snap = Database.openReadOnly(rv, SECRET, "c",
                    borealis.engine.h2.EngineLimits.DEFAULTS, borealis.engine.h2.StatementAudit.NONE, "postgres");
            try (Connection r = snap.tenantConnection(); Statement rs = r.createStatement(); ResultSet n = rs.executeQuery("select count(*) from a")) {
                n.next();
                assertEquals(300, n.getInt(1));
            } finally {
                snap.close();
            }
            assertEquals(reads, rv.remoteReads(), "H2's open and the query read nothing more from the replicas");
            assertEquals(0, new ReaderVolume("t/c/3@r#2", follower, p, 8 << 20).prefetch(p.size() - 1), "over the limit: not read whole");
            writer.close();
            v.close();
        }
    }

    /** Polls until the replicas know the writer's newest write is durable (they learn it with the next batch or tick). */
    private static VolumeFollower.Point caughtUp(VolumeFollower follower, Database writer) throws Exception {
        long target = writer.makeDurable(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            VolumeFollower.Point p = follower.poll();
            if (p.lsn() >= target || System.nanoTime() > deadline) {
                assertTrue(p.lsn() >= target, "replicas learn the durable point " + target + ", at " + p.lsn());
                return p;
            }
            Thread.sleep(20);
        }
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select count(*) from accounts where id < 200")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long sum(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select sum(balance) from accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
