package borealis.actors.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.NodeProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skeleton's promise, end to end: a node in its own JVM, a tenant and cluster made through the
 * admin API, pgjdbc doing DDL, DML, queries and transactions through the proxy; then the JVM is
 * killed with SIGKILL and started again on the same data directory, and every committed row is
 * there and no rolled-back row is.
 */
class WalkingSkeletonIT {

    @TempDir
    Path tmp;

    @Test
    void committedDataSurvivesKillDashNine() throws Exception {
        Path data = tmp.resolve("data");
        List<Integer> committed = new ArrayList<>();
        try (NodeProcess node = new NodeProcess(data).start()) {
            node.admin().createTenant("acme");
            node.admin().createCluster("acme", "orders", "app", "s3cret-pass");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass");
                 Statement s = c.createStatement()) {
                s.execute("create table items(id int primary key, name varchar(40) not null, qty int)");
                try (PreparedStatement ins = c.prepareStatement("insert into items values (?, ?, ?)")) {
                    for (int i = 1; i <= 50; i++) {
                        ins.setInt(1, i);
                        ins.setString(2, "item " + i);
                        ins.setInt(3, i * 10);
                        assertEquals(1, ins.executeUpdate());
                        committed.add(i);
                    }
                }
                assertEquals(5, s.executeUpdate("update items set qty = qty + 1 where id <= 5"));
                assertEquals(1, s.executeUpdate("delete from items where id = 50"));
                committed.remove(Integer.valueOf(50));

                // An explicit transaction that commits...
                c.setAutoCommit(false);
                s.executeUpdate("insert into items values (100, 'committed in a transaction', 1)");
                s.executeUpdate("update items set name = 'renamed' where id = 1");
                c.commit();
                committed.add(100);
                // ...and one that rolls back.
                s.executeUpdate("insert into items values (200, 'rolled back', 1)");
                s.executeUpdate("update items set name = 'never' where id = 2");
                c.rollback();
                c.setAutoCommit(true);

                try (ResultSet rs = s.executeQuery("select count(*), sum(qty) from items")) {
                    rs.next();
                    assertEquals(committed.size(), rs.getInt(1));
                }
            }
            node.kill();
        }

        try (NodeProcess node = new NodeProcess(data).start();
             Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass");
             Statement s = c.createStatement()) {
            List<Integer> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select id from items order by id")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            assertEquals(committed.stream().sorted().toList(), ids, "exactly the committed rows after kill -9");
            try (ResultSet rs = s.executeQuery("select name, qty from items where id = 1")) {
                assertTrue(rs.next());
                assertEquals("renamed", rs.getString(1));
                assertEquals(11, rs.getInt(2));
            }
            try (ResultSet rs = s.executeQuery("select name from items where id = 2")) {
                assertTrue(rs.next());
                assertEquals("item 2", rs.getString(1), "the rolled-back update must not be visible");
            }
            try (ResultSet rs = s.executeQuery("select count(*) from items where id = 200")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
            // And the database still takes writes after recovery.
            assertEquals(1, s.executeUpdate("insert into items values (300, 'after restart', 3)"));
        }
    }

    @Test
    void wrongPasswordIsRejectedWith28P01() throws Exception {
        try (NodeProcess node = new NodeProcess(tmp.resolve("data2")).start()) {
            node.admin().createTenant("acme");
            node.admin().createCluster("acme", "orders", "app", "right-password");
            SQLException e = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "wrong-password").close());
            assertEquals("28P01", e.getSQLState());
            assertTrue(e.getMessage().contains("password authentication failed for user \"app\""), e.getMessage());
            // An unknown user gets the same answer (no user enumeration).
            SQLException unknown = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "nobody", "whatever").close());
            assertEquals("28P01", unknown.getSQLState());
            // The right password still works afterwards.
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "right-password")) {
                assertFalse(c.isClosed());
            }
        }
    }
}
