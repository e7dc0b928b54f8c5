package borealis.actors.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction on a reader sees one snapshot for as long as it lasts, but not longer than the
 * writer keeps that snapshot's data: once its snapshot has been superseded for max-snapshot-age, the
 * session is closed (a shortened retention window here, so the test takes seconds).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReaderSnapshotAgeIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    @Test
    void aLongTransactionKeepsItsSnapshotUntilItGrowsTooOld() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.reader.refresh-interval", "300ms",
                "borealis.reader.retention-window", "10s", "borealis.reader.max-snapshot-age", "3s"))) {
            AdminClient api = node.admin();
            api.createTenant("age");
            api.createCluster("age", "db", "app", PASSWORD);
            try (Connection w = DriverManager.getConnection(node.jdbcUrl("age", "db"), "app", PASSWORD);
                 Statement ws = w.createStatement()) {
                ws.execute("create table events(id int primary key)");
                ws.execute("insert into events values (1)");
                api.call("POST", "/v1/clusters/age/db/readers", null).ok();
                Connection r = DriverManager.getConnection(node.jdbcUrl("age", "db-ro"), "app", PASSWORD);
                Statement rs = r.createStatement();
                r.setAutoCommit(false);
                assertEquals(1, count(rs));
                ws.execute("insert into events values (2)");
                long superseded = System.nanoTime();
                // Within the transaction the snapshot stays put while the reader follows the writer.
                long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                while (System.nanoTime() < until) {
                    assertEquals(1, count(rs), "a transaction's snapshot changed under it");
                    Thread.sleep(50);
                }
                SQLException closed = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (closed == null && System.nanoTime() < deadline) {
                    try {
                        assertEquals(1, count(rs), "a transaction's snapshot changed under it");
                        Thread.sleep(100);
                    } catch (SQLException e) {
                        closed = e;
                    }
                }
                assertTrue(closed != null, "the session in a transaction on a too-old snapshot is closed");
                double after = (System.nanoTime() - superseded) / 1e9;
                assertTrue(after >= 2.5, "not before max-snapshot-age (less one refresh): closed after " + after + " s");
                System.out.printf("a transaction on a superseded snapshot was closed after %.1f s (max-snapshot-age 3 s): %s%n", after,
                        closed.getMessage());
                assertTrue(closed.getMessage().contains("conflict with recovery"), closed.getMessage());
                r.close();
                // A new session reads the newest snapshot.
                try (Connection r2 = DriverManager.getConnection(node.jdbcUrl("age", "db-ro"), "app", PASSWORD);
                     Statement rs2 = r2.createStatement()) {
                    assertEquals(2, count(rs2));
                }
            }
        }
    }

    private static long count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select count(*) from events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
