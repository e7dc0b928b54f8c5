package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's idle connection parks itself after {@code park-idle-sessions-after}: it then holds no
 * engine session, so an application that keeps its pool open still lets its cluster pause (scale to
 * zero) after {@code secondsUntilAutoPause}, and its next statement resumes it, in the same session
 * state. A connection with a temporary table is never parked, so its cluster stays up.
 */
class IdleSessionParkingIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    @Test
    void aClusterWhoseOnlyConnectionIdlesPausesAndTheConnectionResumesIt() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.capacity.park-idle-sessions-after", "2s"))) {
            node.admin().createTenant("acme");
            for (String name : List.of("pooled", "scratch")) {
                node.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", name, "masterUsername", "app", "masterPassword",
                        PASSWORD, "minAcu", 0, "maxAcu", 1, "secondsUntilAutoPause", 2)).ok();
            }
            Properties p = new Properties();
            p.setProperty("user", "app");
            p.setProperty("password", PASSWORD);
            p.setProperty("prepareThreshold", "1");
            try (Connection pooled = DriverManager.getConnection(node.jdbcUrl("acme", "pooled"), p);
                 Connection scratch = DriverManager.getConnection(node.jdbcUrl("acme", "scratch"), p)) {
                try (Statement s = pooled.createStatement()) {
                    s.execute("create table t(id int primary key)");
                    s.execute("insert into t values (1), (2)");
                    s.execute("set search_path = public");
                }
                PreparedStatement count = pooled.prepareStatement("select count(*) from t where id >= ?");
                assertEquals(2, count(count));
                assertEquals(2, count(count));
                try (Statement s = scratch.createStatement()) {
                    s.execute("create temporary table notes(n int)");
                }

                assertTrue(pausedWithin(node, "pooled", Duration.ofSeconds(30)), "the cluster paused although its client stays connected");
                assertEquals(2, count(count), "the parked connection's prepared statement resumes the cluster");
                assertEquals("running", status(node, "pooled"));
                assertEquals("running", status(node, "scratch"), "a session with a temporary table keeps its cluster up");
                try (Statement s = scratch.createStatement(); ResultSet rs = s.executeQuery("select count(*) from notes")) {
                    rs.next();
                    assertEquals(0, rs.getLong(1));
                }
            }
        }
    }

    private static long count(PreparedStatement count) throws Exception {
        count.setInt(1, 1);
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String status(InProcessNode node, String cluster) throws Exception {
        return node.node().capacity().status("acme", cluster).toCompletableFuture().get().map(CapacityLedger.ComputeStatus::state).orElse("none");
    }

    private static boolean pausedWithin(InProcessNode node, String cluster, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(node, cluster).equals("paused")) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }
}
