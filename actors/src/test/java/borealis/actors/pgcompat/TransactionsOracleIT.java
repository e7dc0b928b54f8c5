package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What concurrent sessions see of each other, against PostgreSQL 15 as the oracle: row conflicts
 * under each isolation level, write skew under SERIALIZABLE, read-only transactions, advisory locks.
 */
class TransactionsOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("txoracle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    /**
     * A read-modify-write of one row by two REPEATABLE READ transactions: the second
     * writer fails with 40001, the SQLSTATE retry loops key on; under READ COMMITTED it re-reads.
     */
    @Test
    void concurrentUpdateFailsWithSerializationFailure() throws Exception {
        assertEquals(concurrentUpdates(true), concurrentUpdates(false));
    }

    private static String concurrentUpdates(boolean postgres) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String level : List.of("read committed", "repeatable read")) { // serializable: serializablePreventsWriteSkew
            try (Connection a = oracle.connect(postgres);
                 Connection b = oracle.connect(postgres);
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.execute("drop table if exists rmw");
                sa.execute("create table rmw(id int primary key, v int)");
                sa.execute("insert into rmw values (1, 100)");
                out.append(level).append(": ");
                for (String sql : List.of("begin isolation level " + level, "select v from rmw where id = 1")) {
                    out.append(Oracle.outcome(sa, sql).replace("\n", "/")).append(", ").append(Oracle.outcome(sb, sql).replace("\n", "/")).append("; ");
                }
                out.append(Oracle.outcome(sa, "update rmw set v = v + 1 where id = 1")).append(", ").append(Oracle.outcome(sa, "commit")).append("; ");
                out.append(Oracle.outcome(sb, "update rmw set v = v + 1 where id = 1")).append(", ").append(Oracle.outcome(sb, "commit")).append("; ");
                out.append(Oracle.outcome(sa, "select v from rmw").replace("\n", "/")).append('\n');
                sa.execute("drop table rmw");
            }
        }
        return out.toString();
    }

    /**
     * An upsert under REPEATABLE READ whose key another transaction wrote after the snapshot was
     * taken (the row updated, or inserted, committed before or while the upsert runs): PostgreSQL
     * answers 40001 and the other transaction's write stays; under READ COMMITTED the upsert
     * updates the row it finds.
     */
    @Test
    void upsertOfARowWrittenAfterTheSnapshotFailsUnderRepeatableRead() throws Exception {
        assertEquals(concurrentUpserts(true), concurrentUpserts(false));
    }

    private static String concurrentUpserts(boolean postgres) throws Exception {
        StringBuilder out = new StringBuilder();
        String upsert = "insert into ups values (1, 'b') on conflict (id) do update set v = ups.v || excluded.v";
        for (String level : List.of("read committed", "repeatable read")) {
            for (String kind : List.of("updated before", "inserted before", "inserted while")) {
                try (Connection a = oracle.connect(postgres); Connection b = oracle.connect(postgres);
                     Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    sa.execute("drop table if exists ups");
                    sa.execute("create table ups(id int primary key, v text)");
                    if (kind.startsWith("updated")) {
                        sa.execute("insert into ups values (1, '')");
                    }
                    out.append(level).append(", ").append(kind).append(": ");
                    out.append(Oracle.outcome(sb, "begin isolation level " + level)).append(", ");
                    out.append(Oracle.outcome(sb, "select count(*) from ups").replace("\n", "/")).append("; ");
                    sa.execute("begin");
                    sa.execute(kind.startsWith("updated") ? "update ups set v = v || 'a' where id = 1" : "insert into ups values (1, 'a')");
                    String upserted;
                    if (kind.endsWith("while")) {
                        // The upsert waits for the other transaction's key, which then commits.
                        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> Oracle.outcome(sb, upsert));
                        Thread.sleep(500);
                        out.append(waiting.isDone() ? "did not wait" : "waits").append("; ");
                        sa.execute("commit");
                        upserted = waiting.get(20, TimeUnit.SECONDS);
                    } else {
                        sa.execute("commit");
                        upserted = Oracle.outcome(sb, upsert);
                    }
                    out.append(upserted).append(", ").append(Oracle.outcome(sb, "commit")).append("; ");
                    out.append(Oracle.outcome(sa, "select v from ups").replace("\n", "/")).append('\n');
                    sa.execute("drop table ups");
                }
            }
        }
        // Another unique index than the conflict target is violated: that stays 23505 at every level.
        try (Connection a = oracle.connect(postgres); Statement sa = a.createStatement()) {
            sa.execute("drop table if exists ups");
            sa.execute("create table ups(id int primary key, email text unique)");
            sa.execute("insert into ups values (1, 'a@x')");
            out.append(Oracle.outcome(sa, "begin isolation level repeatable read")).append(", ");
            out.append(Oracle.outcome(sa, "insert into ups values (2, 'a@x') on conflict (id) do update set email = excluded.email"));
            out.append(", ").append(Oracle.outcome(sa, "rollback"));
            sa.execute("drop table ups");
        }
        return out.toString();
    }

    /**
     * Write skew under SERIALIZABLE (two doctors each go off call after seeing the other on call):
     * PostgreSQL aborts one with 40001 and a doctor stays on call; so must Borealis.
     */
    @Test
    void serializablePreventsWriteSkew() throws Exception {
        for (boolean postgres : new boolean[] {true, false}) {
            try (Connection a = oracle.connect(postgres);
                 Connection b = oracle.connect(postgres);
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.execute("drop table if exists oncall");
                sa.execute("create table oncall(name text primary key, on_call boolean)");
                sa.execute("insert into oncall values ('alice', true), ('bob', true)");
                List<String> seen = new ArrayList<>();
                seen.add(Oracle.outcome(sa, "begin isolation level serializable"));
                seen.add(Oracle.outcome(sb, "begin isolation level serializable"));
                seen.add(Oracle.outcome(sa, "select count(*) from oncall where on_call"));
                seen.add(Oracle.outcome(sb, "select count(*) from oncall where on_call"));
                seen.add(Oracle.outcome(sa, "update oncall set on_call = false where name = 'alice'"));
                seen.add(Oracle.outcome(sb, "update oncall set on_call = false where name = 'bob'"));
                seen.add(Oracle.outcome(sa, "commit"));
                seen.add(Oracle.outcome(sb, "commit"));
                Oracle.outcome(sb, "rollback");
                String left = Oracle.outcome(sa, "select count(*) from oncall where on_call");
                String target = postgres ? "postgres: " : "borealis: ";
                assertTrue(!left.endsWith("\n0"), target + "write skew: nobody is on call; " + seen);
                assertTrue(seen.contains("error 40001"), target + "no serialization failure: " + seen);
                sa.execute("drop table oncall");
            }
        }
    }

    /** A read-only transaction refuses writes with 25006, as pgjdbc's setReadOnly(true) and @Transactional(readOnly = true) rely on. */
    @Test
    void readOnlyTransactionsRefuseWrites() throws Exception {
        List<String> statements = List.of(
                "drop table if exists ro_t", "create table ro_t(id int)",
                "begin read only", "show transaction_read_only", "select count(*) from ro_t", "insert into ro_t values (1)", "rollback",
                "start transaction isolation level repeatable read, read only", "update ro_t set id = 2", "rollback",
                "begin", "set transaction read only", "delete from ro_t", "rollback",
                "begin read write", "insert into ro_t values (1)", "commit",
                "set session characteristics as transaction read only", "insert into ro_t values (2)", "copy ro_t from stdin",
                "begin", "insert into ro_t values (3)", "rollback", "begin read write", "insert into ro_t values (4)", "commit",
                "create table ro_u(id int)", "select count(*) from ro_t",
                "set session characteristics as transaction read write", "insert into ro_t values (5)",
                "set default_transaction_read_only = on", "truncate ro_t", "reset default_transaction_read_only",
                "select count(*) from ro_t", "drop table ro_t");
        assertEquals(String.join("\n", oracle.outcomes(statements, true)), String.join("\n", oracle.outcomes(statements, false)));
    }


    /**
     * Advisory locks exclude other sessions (Flyway and Liquibase runs, job workers): re-entrant
     * session locks, transaction locks released at commit and at rollback, shared locks, the
     * (int, int) key space apart from the bigint one; the same answers as PostgreSQL's.
     */
    @Test
    void advisoryLocksExcludeOtherSessions() throws Exception {
        assertEquals(advisorySteps(true), advisorySteps(false));
    }

    private static String advisorySteps(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection a = oracle.connect(postgres); Connection b = oracle.connect(postgres);
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            String[][] steps = {
                    {"a", "select pg_try_advisory_lock(42)"}, {"b", "select pg_try_advisory_lock(42)"},
                    {"a", "select pg_try_advisory_lock(42)"}, {"a", "select pg_advisory_unlock(42)"},
                    {"b", "select pg_try_advisory_lock(42)"}, {"a", "select pg_advisory_unlock(42)"},
                    {"b", "select pg_try_advisory_lock(42)"}, {"a", "select pg_advisory_unlock(42)"},
                    {"b", "select pg_advisory_unlock(42)"},
                    {"a", "begin"}, {"a", "select pg_try_advisory_xact_lock(7)"}, {"b", "select pg_try_advisory_xact_lock(7)"},
                    {"a", "commit"}, {"b", "select pg_try_advisory_xact_lock(7)"}, {"a", "select pg_try_advisory_xact_lock(7)"},
                    {"a", "begin"}, {"a", "select pg_advisory_xact_lock(8)"}, {"a", "select 1/0"},
                    {"b", "select pg_try_advisory_lock(8)"}, {"a", "rollback"}, {"b", "select pg_try_advisory_lock(8)"},
                    {"a", "select pg_try_advisory_lock(8)"}, {"b", "select pg_advisory_unlock_all()"},
                    {"a", "select pg_try_advisory_lock(0, 42)"}, {"b", "select pg_try_advisory_lock(42)"},
                    {"b", "select pg_try_advisory_lock(0, 42)"},
                    {"a", "select pg_try_advisory_lock_shared(9)"}, {"b", "select pg_try_advisory_lock_shared(9)"},
                    {"b", "select pg_try_advisory_lock(9)"}, {"a", "select pg_advisory_unlock_shared(9)"},
                    {"b", "select pg_try_advisory_lock(9)"},
                    {"a", "select pg_advisory_unlock_all()"}, {"b", "select pg_advisory_unlock_all()"}};
            for (String[] step : steps) {
                out.add(step[0] + ": " + step[1] + " -> " + Oracle.outcome(step[0].equals("a") ? sa : sb, step[1]).replace("\n", " / "));
            }
        }
        return String.join("\n", out);
    }

    /** A session waits for an advisory lock until its holder lets go, and a session's locks go with it. */
    @Test
    void advisoryLockWaitsForItsHolderAndEndsWithTheSession() throws Exception {
        for (boolean postgres : new boolean[] {true, false}) {
            String target = postgres ? "postgres: " : "borealis: ";
            try (Connection a = oracle.connect(postgres); Connection b = oracle.connect(postgres);
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.execute("select pg_advisory_lock(77)");
                CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> Oracle.outcome(sb, "select pg_advisory_lock(77)"));
                Thread.sleep(500);
                assertFalse(waiter.isDone(), target + "the second session got a held lock: " + (waiter.isDone() ? waiter.join() : ""));
                sa.execute("select pg_advisory_unlock(77)");
                assertEquals("pg_advisory_lock\n", waiter.get(10, TimeUnit.SECONDS), target + "the waiter takes the released lock");
                // The holder's connection ends without unlocking: the lock goes with its session.
                try (Connection c = oracle.connect(postgres); Statement sc = c.createStatement()) {
                    sc.execute("select pg_advisory_lock(78)");
                    assertEquals("pg_try_advisory_lock\nf", Oracle.outcome(sb, "select pg_try_advisory_lock(78)"), target);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String got;
                do {
                    got = Oracle.outcome(sb, "select pg_try_advisory_lock(78)");
                } while (!got.endsWith("t") && System.nanoTime() < deadline && sleep(50));
                assertEquals("pg_try_advisory_lock\nt", got, target + "a closed session still holds its lock");
                sb.execute("select pg_advisory_unlock_all()");
            }
        }
    }

    /** Two sessions that wait for each other's advisory locks: one fails with 40P01, the other gets its lock. */
    @Test
    void advisoryLockDeadlockIsDetected() throws Exception {
        for (boolean postgres : new boolean[] {true, false}) {
            String target = postgres ? "postgres: " : "borealis: ";
            try (Connection a = oracle.connect(postgres); Connection b = oracle.connect(postgres);
                 Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.execute("select pg_advisory_lock(1001)");
                sb.execute("select pg_advisory_lock(1002)");
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> Oracle.outcome(sa, "select pg_advisory_lock(1002)"));
                Thread.sleep(200);
                CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                    String r = Oracle.outcome(sb, "select pg_advisory_lock(1001)");
                    if (r.startsWith("error")) {
                        Oracle.outcome(sb, "select pg_advisory_unlock_all()"); // the victim lets the other go on
                    }
                    return r;
                });
                String r1 = first.get(20, TimeUnit.SECONDS);
                if (r1.startsWith("error")) {
                    Oracle.outcome(sa, "select pg_advisory_unlock_all()");
                }
                String r2 = second.get(20, TimeUnit.SECONDS);
                List<String> both = List.of(r1, r2);
                assertTrue(both.contains("error 40P01") && both.contains("pg_advisory_lock\n"), target + both);
                sa.execute("select pg_advisory_unlock_all()");
                sb.execute("select pg_advisory_unlock_all()");
            }
        }
    }

    /** Locks on ever new keys do not grow the node without bound: past the lock table's size, 53200 as PostgreSQL says it. */
    @Test
    void advisoryLockTableIsBounded() throws Exception {
        try (Connection c = oracle.connect(false); Statement s = c.createStatement()) {
            assertEquals("count\n6400", Oracle.outcome(s, "select count(pg_try_advisory_lock(g)) from generate_series(1, 6400) g"));
            assertEquals("error 53200", Oracle.outcome(s, "select pg_try_advisory_lock(6401)"));
            assertEquals("pg_try_advisory_lock\nt", Oracle.outcome(s, "select pg_try_advisory_lock(1)"), "a held key is taken again");
            s.execute("select pg_advisory_unlock_all()");
            assertEquals("pg_try_advisory_lock\nt", Oracle.outcome(s, "select pg_try_advisory_lock(6401)"));
            s.execute("select pg_advisory_unlock_all()");
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
