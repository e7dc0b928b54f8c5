package borealis.actors.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reader instances as a user sees them: add one through the admin API, connect to the cluster's
 * {@code -ro} endpoint, read what the writer committed within a bounded lag, get 25006 for a
 * write, read consistently while the writer keeps writing, and lose the session when the reader
 * is removed. The lag metric is exported meanwhile.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReaderInstanceIT {

    private static final String PASSWORD = "s3cret-pass";
    private static final int ACCOUNTS = 100;

    @TempDir
    Path tmp;

    @Test
    void aReaderFollowsTheWriterAndRefusesWrites() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.volume.group-size", 256 * 1024,
                "borealis.reader.refresh-interval", "300ms"))) {
            AdminClient api = node.admin();
            api.createTenant("shop");
            api.createCluster("shop", "db", "app", PASSWORD);
            try (Connection w = DriverManager.getConnection(node.jdbcUrl("shop", "db"), "app", PASSWORD);
                 Statement ws = w.createStatement()) {
                ws.execute("create table accounts(id int primary key, balance int not null, note varchar(200))");
                try (PreparedStatement ins = w.prepareStatement("insert into accounts values (?, 100, ?)")) {
                    for (int i = 0; i < ACCOUNTS; i++) {
                        ins.setInt(1, i);
                        ins.setString(2, "account " + i);
                        ins.executeUpdate();
                    }
                }

                assertEquals("[\"reader-1\"]", api.call("POST", "/v1/clusters/shop/db/readers", null).ok().body().get("readers").toString());
                try (Connection r = DriverManager.getConnection(node.jdbcUrl("shop", "db-ro"), "app", PASSWORD);
                     Statement rs = r.createStatement()) {
                    // The reader opened after the rows were committed: they are there at once.
                    assertEquals(ACCOUNTS, count(rs));

                    // Writes are refused as on a PostgreSQL hot standby, and the session goes on.
                    SQLException refused = assertThrows(SQLException.class, () -> rs.executeUpdate("insert into accounts values (-1, 0, 'x')"));
                    assertEquals("25006", refused.getSQLState(), refused.getMessage());
                    assertTrue(refused.getMessage().contains("cannot execute INSERT in a read-only transaction"), refused.getMessage());
                    SQLException ddl = assertThrows(SQLException.class, () -> rs.execute("create table nope(id int)"));
                    assertEquals("25006", ddl.getSQLState(), ddl.getMessage());
                    assertEquals(ACCOUNTS, count(rs));

                    // A commit on the writer shows up on the reader within a bounded lag.
                    ws.executeUpdate("insert into accounts values (1000, 0, 'new')");
                    long committed = System.nanoTime();
                    await(Duration.ofSeconds(20), () -> countQuietly(rs) == ACCOUNTS + 1, "the reader shows the new row");
                    System.out.printf("reader lag: a commit became visible on the reader after %.0f ms (refresh every 300 ms)%n",
                            (System.nanoTime() - committed) / 1e6);

                    String metrics = metrics(node);
                    assertTrue(metrics.contains("borealis_replica_lag_seconds{tenant=\"shop\",cluster=\"db\",instance=\"reader-1\",}")
                            || metrics.contains("borealis_replica_lag_seconds{tenant=\"shop\",cluster=\"db\",instance=\"reader-1\"}"),
                            "the lag metric of reader-1 is exported");

                    readConsistentlyWhileTheWriterWrites(node, rs, r);

                    // Removing the reader closes its sessions.
                    api.call("DELETE", "/v1/clusters/shop/db/readers/reader-1", null).ok();
                    await(Duration.ofSeconds(20), () -> {
                        try {
                            count(rs);
                            return false;
                        } catch (SQLException e) {
                            return true;
                        }
                    }, "the reader's session is closed when the reader is removed");
                }
                // The writer was never fenced by its reader.
                ws.executeUpdate("insert into accounts values (2000, 0, 'after')");
            }
        }
    }

    /**
     * Money moves between accounts on the writer (the total stays) and new rows arrive, while the
     * reader sums balances with plain and prepared statements and inside transactions: every read
     * sees the same total, never an error, and the reader keeps up.
     */
    private void readConsistentlyWhileTheWriterWrites(InProcessNode node, Statement rs, Connection r) throws Exception {
        long total = sum(rs);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicLong transfers = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection w = DriverManager.getConnection(node.jdbcUrl("shop", "db"), "app", PASSWORD)) {
                w.setAutoCommit(false);
                try (PreparedStatement debit = w.prepareStatement("update accounts set balance = balance - 1 where id = ?");
                     PreparedStatement credit = w.prepareStatement("update accounts set balance = balance + 1 where id = ?");
                     PreparedStatement add = w.prepareStatement("insert into accounts values (?, 0, repeat('n', 150))")) {
                    for (int i = 0; !stop.get(); i++) {
                        debit.setInt(1, i % ACCOUNTS);
                        debit.executeUpdate();
                        credit.setInt(1, (i * 7 + 3) % ACCOUNTS);
                        credit.executeUpdate();
                        if (i % 10 == 0) {
                            add.setInt(1, 10_000 + i);
                            add.executeUpdate();
                        }
                        w.commit();
                        transfers.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, "writer-load");
        writer.start();
        long reads = 0;
        double maxLag = 0;
        long rowsSeenFirst = count(rs);
        long rowsSeenLast = rowsSeenFirst;
        try (PreparedStatement prepared = r.prepareStatement("select sum(balance), count(*) from accounts where balance >= ?")) {
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(total, sum(rs), "a plain read saw a torn total");
                prepared.setInt(1, -1_000_000);
                try (ResultSet x = prepared.executeQuery()) {
                    x.next();
                    assertEquals(total, x.getLong(1), "a prepared read saw a torn total");
                    rowsSeenLast = Math.max(rowsSeenLast, x.getLong(2));
                }
                r.setAutoCommit(false);
                long a = count(rs);
                long b = count(rs);
                r.commit();
                r.setAutoCommit(true);
                assertEquals(a, b, "two reads in one transaction saw different snapshots");
                reads++;
                if (reads % 25 == 0) {
                    maxLag = Math.max(maxLag, readerFigure(metrics(node), "borealis_replica_lag_seconds"));
                }
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
        if (writerFailure.get() != null) {
            throw new AssertionError("the writer failed", writerFailure.get());
        }
        assertTrue(transfers.get() > 20, "the writer kept writing: " + transfers.get() + " transfers");
        assertTrue(rowsSeenLast > rowsSeenFirst, "the reader followed the writer's inserts while reading (" + rowsSeenFirst + " -> "
                + rowsSeenLast + ")");
        long target;
        try (Connection w = DriverManager.getConnection(node.jdbcUrl("shop", "db"), "app", PASSWORD); Statement ws = w.createStatement()) {
            target = count(ws);
        }
        await(Duration.ofSeconds(20), () -> countQuietly(rs) == target, "the reader catches up with the writer's last commit");
        String m = metrics(node);
        double refreshes = readerFigure(m, "borealis_replica_refreshes_total");
        double refreshSeconds = readerFigure(m, "borealis_replica_refresh_seconds_total");
        System.out.printf("reader under load: %d consistent read rounds, writer committed %d transfers meanwhile; %.0f snapshots opened, "
                + "%.1f ms each on average; largest replica lag sampled %.2f s%n", reads, transfers.get(), refreshes,
                1000 * refreshSeconds / refreshes, maxLag);
        assertTrue(refreshes > 2, "the reader opened newer snapshots while the writer wrote");
    }

    private static long count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select count(*) from accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long countQuietly(Statement s) {
        try {
            return count(s);
        } catch (SQLException e) {
            throw new AssertionError("a read on the reader failed", e);
        }
    }

    private static long sum(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select sum(balance) from accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String metrics(InProcessNode node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.node().adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** A sample of reader-1's series of {@code family}. */
    private static double readerFigure(String exposition, String family) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(family + "{") && line.contains("instance=\"reader-1\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(family + " of reader-1 is not exported");
    }

    private static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit);
            }
            Thread.sleep(50);
        }
    }
}
