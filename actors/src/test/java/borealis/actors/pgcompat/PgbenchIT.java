package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * pgbench, unmodified: {@code -i -s 10}, then the TPC-B-like run in the simple, extended and
 * prepared query modes and the select-only run, each with zero failed transactions; afterwards
 * the balances of accounts, tellers and branches all equal the sum of the history.
 *
 * <p>Run lengths: {@code -Dborealis.pgbench.seconds} (default 30 for the two main runs, a third of
 * it for the -M runs, so the suite stays within its time budget on 2 cores).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgbenchIT {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
    private static final int SECONDS = Integer.getInteger("borealis.pgbench.seconds", 30);

    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Processes.available("pgbench"), "pgbench is not installed (scripts/ensure-tools.sh installs it)");
        db = PgFixture.start("bench");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private static String pgbench(long timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pgbench"));
        cmd.addAll(List.of(args));
        cmd.add(db.conninfo());
        Processes.Result r = Processes.run(cmd, Map.of("PGPASSWORD", PgFixture.PASSWORD), null, timeout);
        assertEquals(0, r.exitCode(), "pgbench " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }

    private static void run(String label, String... args) throws Exception {
        String out = pgbench(SECONDS * 4L + 120, args);
        Matcher failed = FAILED.matcher(out);
        Matcher processed = PROCESSED.matcher(out);
        Matcher tps = TPS.matcher(out);
        assertTrue(failed.find() && processed.find() && tps.find(), out);
        assertEquals("0", failed.group(1), out);
        assertTrue(Long.parseLong(processed.group(1)) > 0, out);
        assertTrue(!out.contains("aborted"), out);
        System.out.printf("pgbench %-28s tps = %s (%s transactions)%n", label, tps.group(1), processed.group(1));
    }

    @Test
    @Order(1)
    void initializeScale10() throws Exception {
        String out = pgbench(600, "-i", "-s", "10", "-q");
        assertTrue(out.contains("done in"), out);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(1_000_000, count(s, "pgbench_accounts"));
            assertEquals(100, count(s, "pgbench_tellers"));
            assertEquals(10, count(s, "pgbench_branches"));
            assertEquals(0, count(s, "pgbench_history"));
        }
    }

    @Test
    @Order(2)
    void tpcbSimple() throws Exception {
        run("-c 8 -j 2 (simple)", "-c", "8", "-j", "2", "-T", String.valueOf(SECONDS));
    }

    @Test
    @Order(3)
    void selectOnly() throws Exception {
        // -n: no vacuum and no truncation of pgbench_history, so history keeps every run's deltas
        run("-S -c 8 (simple)", "-n", "-S", "-c", "8", "-j", "2", "-T", String.valueOf(SECONDS));
    }

    @Test
    @Order(4)
    void tpcbExtended() throws Exception {
        run("-c 8 -j 2 -M extended", "-n", "-M", "extended", "-c", "8", "-j", "2", "-T", String.valueOf(Math.max(5, SECONDS / 3)));
    }

    @Test
    @Order(5)
    void tpcbPrepared() throws Exception {
        run("-c 8 -j 2 -M prepared", "-n", "-M", "prepared", "-c", "8", "-j", "2", "-T", String.valueOf(Math.max(5, SECONDS / 3)));
    }

    @Test
    @Order(6)
    void balancesAddUp() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            long history = sum(s, "select coalesce(sum(delta), 0) from pgbench_history");
            long historyRows = count(s, "pgbench_history");
            assertTrue(historyRows > 0, "the TPC-B runs wrote history");
            assertEquals(history, sum(s, "select sum(abalance) from pgbench_accounts"), "accounts");
            assertEquals(history, sum(s, "select sum(tbalance) from pgbench_tellers"), "tellers");
            assertEquals(history, sum(s, "select sum(bbalance) from pgbench_branches"), "branches");
        }
    }

    private static long count(Statement s, String table) throws Exception {
        return sum(s, "select count(*) from " + table);
    }

    private static long sum(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
