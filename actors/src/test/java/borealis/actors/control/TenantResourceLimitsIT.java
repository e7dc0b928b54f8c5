package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant using up what every tenant on the node shares: heap, scratch disk, storage, the
 * statement cache. Each abuse ends with the abuser's own error while another tenant keeps working.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TenantResourceLimitsIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of(
                "borealis.limits.temp-file-limit", "4 MiB",
                "borealis.limits.max-memory-rows", 1000,
                "borealis.limits.storage-quota", "24 MiB",
                "borealis.limits.statement-timeout-ceiling", "150s"));
        AdminClient api = node.admin();
        for (String t : List.of("alpha", "beta")) {
            api.createTenant(t);
            api.createCluster(t, "db", "app", t + "-password");
        }
        try (Connection c = beta(); Statement s = c.createStatement()) {
            s.execute("create table beta_t(id int primary key, v text)");
            s.execute("insert into beta_t select g, 'v' || g from generate_series(1, 1000) g");
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Connection alpha() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("alpha", "db"), "app", "alpha-password");
    }

    static Connection beta() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("beta", "db"), "app", "beta-password");
    }

    /** Beta queries in a loop while {@code abuse} runs; returns beta's failures and slowest answer (ms). */
    private static long[] whileBetaQueries(ThrowingRunnable abuse) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        AtomicInteger answered = new AtomicInteger();
        Thread victim = new Thread(() -> {
            try (Connection c = beta(); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try (ResultSet rs = s.executeQuery("select count(*) from beta_t")) {
                        rs.next();
                        if (rs.getInt(1) != 1000) {
                            failures.incrementAndGet();
                        }
                        answered.incrementAndGet();
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                    }
                    slowest.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
        });
        victim.start();
        try {
            abuse.run();
        } finally {
            stop.set(true);
            victim.join();
        }
        assertTrue(answered.get() > 0, "beta was answered while alpha abused the node");
        return new long[] {failures.get(), slowest.get()};
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aRunawayRecursiveQueryIsCancelledForMemoryAndOthersKeepWorking() throws Exception {
        long before = heapAfterGc();
        long[] beta = whileBetaQueries(() -> {
            try (Connection c = alpha(); Statement s = c.createStatement()) {
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(
                        "with recursive t(n, pad) as (select 1, repeat('y', 10000) union all select n + 1, repeat('y', 10000) from t)"
                                + " select count(*) from t"));
                assertEquals("53200", e.getSQLState(), e.getMessage());
                System.out.printf("runaway recursive query cancelled for memory after %.1f s%n", (System.nanoTime() - t0) / 1e9);
                // The cancel left alpha's instance 30 s of CPU in debt: its next statement waits for the budget,
                // and a cancel of it is answered at once (it used to wait out the debt, unanswered).
                s.setQueryTimeout(2);
                long t1 = System.nanoTime();
                SQLException waited = assertThrows(SQLException.class, () -> s.executeQuery("select 2"));
                double cancelSeconds = (System.nanoTime() - t1) / 1e9;
                assertEquals("57014", waited.getSQLState(), waited.getMessage());
                assertTrue(cancelSeconds < 10, "the cancel of a statement waiting for the CPU budget took " + cancelSeconds + " s");
                s.setQueryTimeout(0);
                // The session goes on.
                try (ResultSet rs = s.executeQuery("select 1")) {
                    assertTrue(rs.next());
                }
            }
        });
        assertEquals(0, beta[0], "beta's queries failed while alpha's query filled the heap");
        long after = heapAfterGc();
        System.out.printf("heap after GC: %d MB before, %d MB after; beta's slowest answer %d ms%n", before >> 20, after >> 20, beta[1]);
        assertTrue(after < before + (256L << 20), "heap after GC grew by " + ((after - before) >> 20) + " MB");
    }

    @Test
    void aSortLargerThanTheTempFileLimitFailsAlone() throws Exception {
        long[] beta = whileBetaQueries(() -> {
            try (Connection c = alpha(); Statement s = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (ResultSet rs = s.executeQuery("select g, md5(g::text) from generate_series(1, 300000) g order by 2")) {
                        while (rs.next()) {
                            // read it all
                        }
                    }
                });
                assertEquals("53400", e.getSQLState(), e.getMessage());
                assertTrue(e.getMessage().contains("temp_file_limit"), e.getMessage());
                try (ResultSet rs = s.executeQuery("select count(*) from generate_series(1, 10)")) {
                    assertTrue(rs.next());
                }
            }
        });
        assertEquals(0, beta[0]);
    }

    @Test
    void aClusterAtItsStorageQuotaRefusesWritesButReadsAndDeletes() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create table big(id int primary key, pad text)");
            SQLException full = null;
            // Rounds below max-memory-rows: the rows of one INSERT ... SELECT stay in memory, not in scratch files.
            for (int round = 0; round < 60 && full == null; round++) {
                try {
                    s.execute("insert into big select g, repeat('z', 2000) from generate_series(" + (round * 900 + 1) + ", "
                            + ((round + 1) * 900) + ") g");
                } catch (SQLException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the quota was never reached");
            assertEquals("53100", full.getSQLState(), full.getMessage());
            try (ResultSet rs = s.executeQuery("select count(*) from big")) {
                assertTrue(rs.next() && rs.getInt(1) > 0, "reads still run");
            }
            s.execute("delete from big where id <= 500");
        }
        try (Connection c = beta(); Statement s = c.createStatement()) {
            s.execute("insert into beta_t values (100000, 'beta still writes')");
            s.execute("delete from beta_t where id = 100000");
        }
    }

    @Test
    void thousandDistinctLargeStatementsLeaveTheHeapAsItWas() throws Exception {
        int count = 1000;
        int size = 4 << 20;
        StringBuilder filler = new StringBuilder(size);
        while (filler.length() < size - 64) {
            filler.append("abcdefghijklmnopqrstuvwxyz0123456789");
        }
        long before = heapAfterGc();
        long t0 = System.nanoTime();
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                try (ResultSet rs = s.executeQuery("select length('" + i + filler + "')")) {
                    assertTrue(rs.next());
                }
            }
        }
        long after = heapAfterGc();
        System.out.printf("%d distinct %d MiB statements in %.1f s; heap after GC %d MB before, %d MB after%n", count, size >> 20,
                (System.nanoTime() - t0) / 1e9, before >> 20, after >> 20);
        assertTrue(after < before + (256L << 20), "heap after GC grew by " + ((after - before) >> 20) + " MB");
    }
}
