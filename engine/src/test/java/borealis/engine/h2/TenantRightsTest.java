package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database users as principals of their own: the owner role, grants, and databases made before users were principals. */
class TenantRightsTest {

    private static final String SECRET = "rights-test-secret";

    @TempDir
    Path dir;

    private static String state(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return "OK";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @Test
    void anotherUserHasOnlyWhatTheOwnerGrants() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v = ReplicatedVolume.open("t/rights/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database db = Database.open(v, SECRET, "t.rights", EngineLimits.DEFAULTS, StatementAudit.NONE, "app");
            try (Connection app = db.connectionFor("app"); Connection reporter = db.connectionFor("reporter")) {
                assertEquals("OK", state(app, "CREATE TABLE orders(id INT PRIMARY KEY, total INT)"));
                assertEquals("OK", state(app, "INSERT INTO orders VALUES (1, 10)"));
                // PostgreSQL 15: no CREATE on public and no reading another user's table without a grant.
                assertEquals("90096", state(reporter, "SELECT * FROM orders"));
                assertEquals("90096", state(reporter, "CREATE TABLE mine(a INT)"));
                assertEquals("OK", state(app, "GRANT SELECT ON orders TO reporter"));
                assertEquals("OK", state(reporter, "SELECT * FROM orders"));
                assertEquals("90096", state(reporter, "INSERT INTO orders VALUES (2, 20)"));
                assertEquals("90096", state(reporter, "GRANT INSERT ON orders TO reporter"));
                assertEquals("OK", state(app, "REVOKE SELECT ON orders FROM reporter"));
                assertEquals("90096", state(reporter, "SELECT * FROM orders"));
            }
            db.close();
            v.close();
        }
    }

    @Test
    void schemasOfTheSingleEngineUserOfEarlierVersionsPassToTheOwner() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v1 = ReplicatedVolume.open("t/legacy/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database db = Database.open(v1, SECRET, "t.legacy", EngineLimits.DEFAULTS, StatementAudit.NONE, "app");
            // What an earlier version left: one engine user, TENANT, owning the schemas the tenant made.
            Properties p = new Properties();
            p.setProperty("user", "borealis_admin");
            p.setProperty("password", SECRET);
            try (Connection admin = new org.h2.Driver().connect("jdbc:h2:" + VolumeFileSystem.databasePath(v1.id()) + ";IFEXISTS=TRUE", p);
                 Statement s = admin.createStatement()) {
                s.execute("CREATE USER tenant PASSWORD 'x'");
                s.execute("CREATE SCHEMA legacy AUTHORIZATION tenant");
                s.execute("CREATE TABLE legacy.items(id INT)");
                s.execute("INSERT INTO legacy.items VALUES (7)");
            }
            db.makeDurable(java.time.Duration.ofSeconds(10));
            db.close();
            v1.close();
            ReplicatedVolume v2 = ReplicatedVolume.open("t/legacy/1", layout, segments, 2, ReplicatedVolume.Settings.defaults());
            Database reopened = Database.open(v2, SECRET, "t.legacy", EngineLimits.DEFAULTS, StatementAudit.NONE, "app");
            try (Connection app = reopened.connectionFor("app"); Statement s = app.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM legacy.items")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
                SessionLocal session = (SessionLocal) app.unwrap(JdbcConnection.class).getSession();
                org.h2.engine.Database h2 = session.getDatabase();
                assertSame(h2.findUserOrRole(TenantRights.OWNER_ROLE), h2.findSchema("legacy").getOwner());
                assertNull(h2.findUser("TENANT"), "the legacy user is gone");
            }
            assertThrows(SQLException.class, () -> reopened.connectionFor("tenant").createStatement().execute("SELECT * FROM legacy.items"));
            reopened.close();
            v2.close();
        }
    }
}
