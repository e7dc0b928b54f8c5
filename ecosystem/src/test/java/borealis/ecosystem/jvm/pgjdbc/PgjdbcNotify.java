package borealis.ecosystem.jvm.pgjdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * pgjdbc's LISTEN / NOTIFY: an idle listener receives another session's committed notifications
 * without running a query ({@code getNotifications(timeout)} waits on the socket), never a
 * rolled-back one, duplicates of a transaction once, and its own with its own pid.
 */
final class PgjdbcNotify {

    private static final String CHANNEL = "borealis_events";

    private PgjdbcNotify() {}

    static void listenNotify(Connection listener, String url, Properties props) throws Exception {
        PGConnection pg = listener.unwrap(PGConnection.class);
        try (Statement s = listener.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
            try (ResultSet rs = s.executeQuery("select * from pg_listening_channels()")) {
                PgjdbcFlows.eq(true, rs.next(), "a listening channel");
                PgjdbcFlows.eq(CHANNEL, rs.getString(1), "pg_listening_channels()");
            }
        }
        try (Connection notifier = PgjdbcFlows.connect(url, props)) {
            int notifierPid = notifier.unwrap(PGConnection.class).getBackendPID();
            notifier.setAutoCommit(false);
            try (Statement s = notifier.createStatement()) {
                s.execute("NOTIFY " + CHANNEL + ", 'rolled back'");
            }
            notifier.rollback();
            try (PreparedStatement ps = notifier.prepareStatement("select pg_notify(?, ?)")) {
                ps.setString(1, CHANNEL);
                for (String payload : new String[] {"order 42 shipped", "order 42 shipped", "order 43 shipped"}) {
                    ps.setString(2, payload);
                    ps.executeQuery().close();
                }
            }
            notifier.commit();

            List<PGNotification> got = await(pg, 2, 10_000);
            PgjdbcFlows.eq(List.of("order 42 shipped", "order 43 shipped"), got.stream().map(PGNotification::getParameter).toList(),
                    "payloads: the committed ones, duplicates once, in order (never the rolled-back one)");
            for (PGNotification n : got) {
                PgjdbcFlows.eq(CHANNEL, n.getName(), "channel");
                PgjdbcFlows.eq(notifierPid, n.getPID(), "the notifying session's pid (its BackendKeyData)");
            }
            PgjdbcFlows.eq(0, await(pg, 1, 300).size(), "nothing more");
        }

        // A session's own notification arrives with its query's answer, with its own pid.
        try (Statement s = listener.createStatement()) {
            s.execute("NOTIFY " + CHANNEL + ", 'to myself'");
        }
        List<PGNotification> own = await(pg, 1, 5_000);
        PgjdbcFlows.eq(1, own.size(), "own notification");
        PgjdbcFlows.eq("to myself", own.get(0).getParameter(), "own payload");
        PgjdbcFlows.eq(pg.getBackendPID(), own.get(0).getPID(), "own pid");

        try (Statement s = listener.createStatement()) {
            s.execute("UNLISTEN *");
            s.execute("NOTIFY " + CHANNEL + ", 'nobody listens'");
        }
        PgjdbcFlows.eq(0, await(pg, 1, 300).size(), "after UNLISTEN *");
    }

    /** Notifications as they arrive, until {@code n} or {@code millis} have passed. */
    private static List<PGNotification> await(PGConnection pg, int n, long millis) throws Exception {
        List<PGNotification> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        while (got.size() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            PGNotification[] batch = pg.getNotifications((int) left);
            if (batch != null) {
                got.addAll(List.of(batch));
            }
        }
        return got;
    }
}
