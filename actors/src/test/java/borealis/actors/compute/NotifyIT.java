package borealis.actors.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTEN / NOTIFY through the proxy: an idle listener is sent another session's notification
 * without asking (the compute pushes it), with the notifier's BackendKeyData pid, which
 * pg_backend_pid() answers too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NotifyIT {

    @TempDir
    Path tmp;

    @Test
    void anIdleListenerIsToldWithoutAQuery() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"))) {
            AdminClient admin = node.admin();
            admin.createTenant("n");
            admin.createCluster("n", "app", "app", "s3cret-pass");
            String url = node.jdbcUrl("n", "app");
            try (Connection listener = DriverManager.getConnection(url, "app", "s3cret-pass");
                 Connection notifier = DriverManager.getConnection(url, "app", "s3cret-pass");
                 Statement l = listener.createStatement();
                 Statement n = notifier.createStatement()) {
                l.execute("LISTEN jobs");
                int notifierPid = notifier.unwrap(PGConnection.class).getBackendPID();
                try (ResultSet rs = n.executeQuery("select pg_backend_pid()")) {
                    rs.next();
                    assertEquals(notifierPid, rs.getInt(1), "pg_backend_pid() is the BackendKeyData pid");
                }
                n.execute("NOTIFY jobs, 'ready'");
                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(10_000);
                assertNotNull(got, "the idle listener was told");
                assertEquals(1, got.length);
                assertEquals("jobs", got[0].getName());
                assertEquals("ready", got[0].getParameter());
                assertEquals(notifierPid, got[0].getPID());
            }
        }
    }
}
