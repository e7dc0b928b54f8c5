package borealis.actors.consistency;

import borealis.actors.consistency.History.Op;
import borealis.actors.consistency.History.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Elle's list-append workload over pgjdbc: a table of keys whose values are comma-separated lists;
 * each client runs random transactions of one to four reads ({@code select}) and appends
 * ({@code update ... set v = v || ','}) of globally unique values at one isolation level, and
 * records what it saw in a {@link History}. Connections that break are reopened; the outcome of a
 * commit whose answer was lost is unknown ({@link Outcome#INFO}).
 */
public final class ListAppendWorkload {

    /** Opens a connection to the database under test (called again after a failure). */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final String table;
    private final String isolation;
    private final int keys;
    private final AtomicInteger values = new AtomicInteger();
    private final History history = new History();

    public ListAppendWorkload(Connector connector, String table, String isolation, int keys) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("table name " + table);
        }
        this.connector = connector;
        this.table = table;
        this.isolation = isolation;
        this.keys = keys;
    }

    public History history() {
        return history;
    }

    /** Creates the table with every key's list empty. */
    public void setUp() throws SQLException {
        try (Connection c = connector.open(); Statement s = c.createStatement()) {
            s.execute("drop table if exists " + table); // sql-built: table is checked against [a-z_][a-z0-9_]* above
            s.execute("create table " + table + " (k int primary key, v text not null)"); // sql-built: checked name
            try (PreparedStatement p = c.prepareStatement("insert into " + table + " values (?, '')")) { // sql-built: checked name
                for (int k = 0; k < keys; k++) {
                    p.setInt(1, k);
                    p.executeUpdate();
                }
            }
        }
    }

    /** Runs {@code clients} clients until {@code duration} has passed; returns the history. */
    public History run(int clients, Duration duration, long seed) throws Exception {
        return run(clients, 0, null, duration, seed);
    }

    /**
     * Runs {@code clients} clients, and {@code readers} clients whose read-only transactions go to
     * {@code readerConnector} (a reader instance: what it shows must be a state the writer had).
     */
    public History run(int clients, int readers, Connector readerConnector, Duration duration, long seed) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients + readers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < clients + readers; p++) {
                int process = p;
                Connector to = p < clients ? connector : readerConnector;
                running.add(pool.submit(() -> {
                    client(process, to, process >= clients, new SplittableRandom(seed * 31 + process), deadline);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return history;
    }

    private void client(int process, Connector to, boolean readOnly, SplittableRandom random, long deadline) throws InterruptedException {
        Connection c = null;
        while (System.nanoTime() < deadline) {
            try {
                if (c == null) {
                    c = to.open();
                }
                List<Op> planned = plan(random, readOnly);
                transaction(process, c, planned, readOnly ? "repeatable read read only" : isolation);
            } catch (SQLException e) {
                // Could not connect: the node is down or restarting.
                close(c);
                c = null;
                Thread.sleep(200);
            } catch (BrokenConnection e) {
                close(c);
                c = null;
            }
        }
        close(c);
    }

    private List<Op> plan(SplittableRandom random, boolean readOnly) {
        List<Op> ops = new ArrayList<>();
        int n = (readOnly ? 2 : 1) + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(keys);
            ops.add(readOnly || random.nextBoolean() ? Op.read(k, null) : Op.append(k, values.incrementAndGet()));
        }
        return ops;
    }

    /** Thrown when the connection is no longer usable after the transaction was recorded. */
    private static final class BrokenConnection extends Exception {
        BrokenConnection(Throwable cause) {
            super(cause);
        }
    }

    private void transaction(int process, Connection c, List<Op> planned, String level) throws BrokenConnection {
        List<Op> done = new ArrayList<>();
        boolean committing = false;
        long started = System.nanoTime();
        try (Statement s = c.createStatement();
             PreparedStatement read = c.prepareStatement("select v from " + table + " where k = ?"); // sql-built: checked name
             PreparedStatement append = c.prepareStatement("update " + table + " set v = v || ? where k = ?")) { // sql-built: checked name
            s.execute("begin isolation level " + level); // sql-built: level is one of a few constants
            for (Op op : planned) {
                if (op.append()) {
                    append.setString(1, "," + op.value());
                    append.setInt(2, op.key());
                    int updated = append.executeUpdate();
                    if (updated == 1) {
                        done.add(op);
                    } else {
                        history.emptyAppend("p" + process + " " + op + " updated " + updated + " rows at " + level);
                    }
                } else {
                    read.setInt(1, op.key());
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        done.add(Op.read(op.key(), parse(rs.getString(1))));
                    }
                }
            }
            committing = true;
            s.execute("commit");
            history.add(process, done, Outcome.OK, null);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            boolean connectionLost = state.startsWith("08") || state.startsWith("57P") || state.isEmpty();
            // Appends planned but never sent still belong to the transaction as written: a failed
            // transaction's values must never be seen, whichever of them it got to.
            List<Op> attempted = new ArrayList<>(done);
            for (Op op : planned.subList(done.size(), planned.size())) {
                if (op.append()) {
                    attempted.add(op);
                }
            }
            history.add(process, committing ? attempted : onlyAppends(attempted),
                    committing && connectionLost ? Outcome.INFO : Outcome.FAIL, state + " " + e.getMessage()
                            + " (after " + done.size() + " of " + planned.size() + " operations, " + (System.nanoTime() - started) / 1_000_000 + " ms)");
            if (connectionLost) {
                throw new BrokenConnection(e);
            }
            try (Statement s = c.createStatement()) {
                s.execute("rollback");
            } catch (SQLException again) {
                throw new BrokenConnection(again);
            }
        }
    }

    /** A failed transaction's reads tell nothing (they may not have happened): its appends do. */
    private static List<Op> onlyAppends(List<Op> ops) {
        return ops.stream().filter(Op::append).toList();
    }

    static List<Integer> parse(String v) {
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isEmpty()) {
                out.add(Integer.parseInt(part));
            }
        }
        return out;
    }

    /** Every key's list as a fresh connection reads it after the run (retrying while the node comes back). */
    public Map<Integer, List<Integer>> finalReads(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (Connection c = connector.open(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select k, v from " + table)) { // sql-built: checked name
                Map<Integer, List<Integer>> out = new HashMap<>();
                while (rs.next()) {
                    out.put(rs.getInt(1), parse(rs.getString(2)));
                }
                return out;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    return Map.of();
                }
                Thread.sleep(500);
            }
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
