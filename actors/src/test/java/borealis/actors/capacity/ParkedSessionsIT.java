package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection pool holds its connections open while its application idles; such an instance must
 * not keep a full node's room (issue 18). On a node of 1 ACU without overcommit (two instances of 0.5), two clusters
 * hold idle pgjdbc connections; a third cluster's client is admitted because the least recently
 * used one pauses with its sessions parked at the proxy. The parked connection then works on as if
 * nothing happened: its next statement resumes the instance, with its settings and its
 * server-prepared statement.
 */
class ParkedSessionsIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.capacity.node-acus", 1,
                "borealis.capacity.idle-session-grace", "2s", "borealis.capacity.admission-wait", "20s", "borealis.capacity.overcommit", 1));
        node.admin().createTenant("acme");
        for (String name : List.of("pooled", "other", "newcomer")) {
            node.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", name, "masterUsername", "app", "masterPassword",
                    PASSWORD, "minAcu", 0, "maxAcu", 0.5, "secondsUntilAutoPause", 3600)).ok();
        }
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Connection connect(String cluster) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", PASSWORD);
        p.setProperty("prepareThreshold", "1");
        return DriverManager.getConnection(node.jdbcUrl("acme", cluster), p);
    }

    @Test
    void anIdlePooledConnectionIsParkedToMakeRoomAndWorksOnAfterwards() throws Exception {
        try (Connection pooled = connect("pooled"); Connection other = connect("other")) {
            try (Statement s = pooled.createStatement()) {
                s.execute("create table t(id int primary key)");
                s.execute("insert into t values (1), (2), (3)");
                s.execute("set application_name = 'pooled-app'");
            }
            PreparedStatement count = pooled.prepareStatement("select count(*) from t where id > ?");
            assertEquals(2, countAbove(count, 1));
            assertEquals(2, countAbove(count, 1), "the statement is prepared on the server by now");
            try (Statement s = other.createStatement()) {
                s.execute("select 1");
            }
            Thread.sleep(3000); // past the grace period: both instances' sessions are idle

            // The node is full with two instances, each holding a session; the newcomer is admitted anyway.
            try (Connection newcomer = connect("newcomer"); Statement s = newcomer.createStatement(); ResultSet rs = s.executeQuery("select 42")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
            List<CapacityLedger.ScalingEvent> events = node.node().capacity().scalingEvents("acme", "pooled", 100).toCompletableFuture().get();
            assertTrue(events.stream().anyMatch(e -> e.kind().equals("pause") && e.detail().contains("parked")),
                    "the least recently used instance paused with its sessions parked: " + events);

            // The parked connection goes on: its statement resumes the instance, in the same session state.
            assertEquals(2, countAbove(count, 1), "the server-prepared statement runs after the pause");
            try (Statement s = pooled.createStatement(); ResultSet rs = s.executeQuery("show application_name")) {
                rs.next();
                assertEquals("pooled-app", rs.getString(1), "the session's settings were kept while it was parked");
            }
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("select 7")) {
                rs.next();
                assertEquals(7, rs.getInt(1), "the other pooled connection works too, parked or not");
            }
        }
    }

    /**
     * A session with a temporary table cannot be parked (the table would be lost): its instance
     * declines and the other idle one pauses instead; the table is still there afterwards.
     */
    @Test
    void aSessionWithATemporaryTableIsNotParkedAnotherInstanceMakesRoom() throws Exception {
        try (Connection scratch = connect("pooled"); Connection plain = connect("other")) {
            try (Statement s = scratch.createStatement()) {
                s.execute("create temporary table notes(n int)");
                s.execute("insert into notes values (1), (2)");
            }
            try (Statement s = plain.createStatement()) {
                s.execute("select 1");
            }
            Thread.sleep(3000);
            try (Connection newcomer = connect("newcomer"); Statement s = newcomer.createStatement(); ResultSet rs = s.executeQuery("select 42")) {
                rs.next();
                assertEquals(42, rs.getInt(1), "admitted: the instance without a temporary table made room");
            }
            try (Statement s = scratch.createStatement(); ResultSet rs = s.executeQuery("select count(*) from notes")) {
                rs.next();
                assertEquals(2, rs.getLong(1), "the temporary table is still there");
            }
            List<CapacityLedger.ScalingEvent> other = node.node().capacity().scalingEvents("acme", "other", 100).toCompletableFuture().get();
            assertTrue(other.stream().anyMatch(e -> e.kind().equals("pause") && e.detail().contains("parked")), "other parked: " + other);
        }
    }

    private static long countAbove(PreparedStatement count, int above) throws SQLException {
        count.setInt(1, above);
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
