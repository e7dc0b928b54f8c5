package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.volume.client.ReplicatedVolume;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a session's answer waits for the volume, and for which quorum: a transaction's end waits
 * for the store that carries it (a write quorum if it changed anything); rows shown inside a
 * transaction wait until every commit they may hold is readable.
 */
class SessionCommitPointTest {

    @TempDir
    Path dir;

    @Test
    void answersWaitForTheCommitPointOnlyWhenATransactionEnded() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/cp/1", "commit-point-test-secret")) {
            Database db = open.db;
            ReplicatedVolume volume = open.volume;
            try (PgSession session = db.newSession(new SessionSettings())) {
                PgSession.Outcome create = run(session, "create table t(id int primary key, v int)");
                assertTrue(create.wrote(), "DDL changes the schema");

                long before = volume.highestLsn();
                PgSession.Outcome insert = run(session, "insert into t values (1, 1)");
                assertTrue(insert.wrote());
                long point = insert.requiredLsn().get();
                assertTrue(point > before, "the commit point is a store made after the commit: " + point + " > " + before);

                PgSession.Outcome select = run(session, "select v from t where id = 1");
                assertFalse(select.wrote(), "a read waits only for a read quorum");
                assertTrue(select.requiredLsn().get() >= point);

                PgSession.Outcome begin = run(session, "begin; update t set v = 2 where id = 1");
                assertEquals(0L, begin.requiredLsn().get(), "inside a block nothing is promised yet");
                assertFalse(begin.wrote());
                long storesBefore = db.groupCommit().stores();
                PgSession.Outcome read = run(session, "select v from t");
                assertTrue(read.requiredLsn().get() <= volume.highestLsn());
                assertEquals(storesBefore, db.groupCommit().stores(), "no commit in flight: rows shown inside a block need no new store");

                long beforeCommit = volume.highestLsn();
                PgSession.Outcome commit = run(session, "commit");
                assertTrue(commit.wrote(), "the block's update, made in an earlier request, makes its COMMIT wait for a write quorum");
                assertTrue(commit.requiredLsn().get() > beforeCommit);

                // A block that ends and a new one that begins in the same request: the first one's
                // commit still needs its point, and the second one's writes are remembered.
                PgSession.Outcome mixed = run(session, "begin; update t set v = 3 where id = 1; commit; begin; update t set v = 4 where id = 1");
                assertTrue(mixed.wrote());
                assertTrue(mixed.requiredLsn().get() > 0, "the COMMIT in the middle is answered only after its store");
                PgSession.Outcome rollback = run(session, "rollback");
                assertTrue(rollback.wrote(), "the second block had written: conservatively a write quorum");
                PgSession.Outcome value = run(session, "select v from t");
                assertFalse(value.wrote());
            }
        }
    }

    /**
     * Another session's commit is visible in memory before its store: rows a transaction reads
     * then go out only after a store made after that commit is readable, never before (a crash
     * before the store would lose the commit the client was shown).
     */
    @Test
    void rowsShownInsideATransactionWaitForTheCommitsTheyMayHold() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/vis/1", "commit-point-test-secret")) {
            Database db = open.db;
            ReplicatedVolume volume = open.volume;
            try (PgSession reader = db.newSession(new SessionSettings());
                 java.sql.Connection other = db.tenantConnection()) {
                run(reader, "create table acct(id int primary key, balance int)");
                // As the session's caller would, answer the insert only once its store is durable:
                // a store paced behind an earlier one would otherwise run inside the window below.
                PgSession.Outcome insert = run(reader, "insert into acct values (1, 100)");
                volume.whenDurable(insert.requiredLsn().get()).get();
                run(reader, "begin");

                // The other session commits: its window is open while the commit becomes visible.
                long beforeCommit = commitWithWindowOpen(db, other, "update acct set balance = 50 where id = 1");
                assertEquals(beforeCommit, volume.highestLsn(), "the commit is in memory only");

                BackendWriter out = new BackendWriter(8192);
                PgSession.Outcome read = reader.process(List.of(new FrontendMessage.Query("select balance from acct")), out, 1 << 20);
                assertTrue(new String(out.take(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("50"), "READ COMMITTED sees the commit");
                assertFalse(read.wrote());
                assertTrue(read.requiredLsn().get() > beforeCommit, "the rows wait for a store made after the commit they show");

                PgSession.Outcome noRows = run(reader, "update acct set balance = 60 where id = 1");
                assertEquals(0L, noRows.requiredLsn().get(), "a statement that shows no rows waits for nothing inside a block");
                run(reader, "rollback");
            }
        }
    }

    /**
     * An autocommit query that can write nothing opens no commit window and, when no commit can
     * have become visible since the last store, answers at that store's position without storing
     * (a select-only run stored at every answer). A query calling a function that writes (nextval)
     * still opens one; another session's commit still makes the next read store.
     */
    @Test
    void autocommitReadsStoreNothingUnlessACommitMayHaveBecomeVisible() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/reads/1", "commit-point-test-secret")) {
            Database db = open.db;
            ReplicatedVolume volume = open.volume;
            try (PgSession reader = db.newSession(new SessionSettings());
                 java.sql.Connection other = db.tenantConnection()) {
                run(reader, "create table t(id int primary key, v int); create sequence s");
                PgSession.Outcome insert = run(reader, "insert into t values (1, 1)");
                volume.whenDurable(insert.requiredLsn().get()).get();
                run(reader, "select v from t where id = 1"); // the first read covers what came before

                long rounds = db.groupCommit().rounds();
                for (int i = 0; i < 20; i++) {
                    PgSession.Outcome read = run(reader, "select v, count(*) over () from t where id = 1");
                    assertFalse(read.wrote());
                    assertTrue(read.requiredLsn().get() >= insert.requiredLsn().get(), "covers the insert it may show");
                }
                assertEquals(rounds, db.groupCommit().rounds(), "reads with no commit in between store nothing");

                // Each store is awaited (its round is counted before its position is given): a store
                // still running for the statement before may take the next request in a later round,
                // off this thread (the view assertion failed so, once in a quiet full run).
                run(reader, "select nextval('s')").requiredLsn().get();
                assertTrue(db.groupCommit().rounds() > rounds, "a query that writes (nextval) opens a window: its answer stores");
                // H2 sees a view's or a FROM-clause function's body as read-only; they count as writing here.
                run(reader, "create view sv as select nextval('s') as n").requiredLsn().get();
                long beforeView = db.groupCommit().rounds();
                run(reader, "select n from sv").requiredLsn().get();
                assertTrue(db.groupCommit().rounds() > beforeView, "a view may write: its answer stores");

                // Another session commits with its window open; the next read must wait for a store after it.
                long beforeCommit = commitWithWindowOpen(db, other, "update t set v = 2 where id = 1");
                BackendWriter out = new BackendWriter(8192);
                PgSession.Outcome read = reader.process(List.of(new FrontendMessage.Query("select v from t where id = 1")), out, 1 << 20);
                assertTrue(read.requiredLsn().get() > beforeCommit, "the read that may show the commit waits for its store");
            }
        }
    }

    /** Another session commits {@code sql} in memory with its commit window open, as a session does; the LSN before it. */
    private static long commitWithWindowOpen(Database db, java.sql.Connection other, String sql) throws Exception {
        db.groupCommit().commitWindowOpened();
        long before = db.volume().highestLsn();
        try (java.sql.Statement st = other.createStatement()) {
            st.execute(sql);
        }
        db.groupCommit().commitWindowClosed();
        return before;
    }

    private static PgSession.Outcome run(PgSession session, String sql) throws Exception {
        BackendWriter out = new BackendWriter(8192);
        PgSession.Outcome o = session.process(List.of(new FrontendMessage.Query(sql)), out, 1 << 20);
        String reply = new String(out.take(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(reply.contains("SERROR"), sql + " failed: " + reply);
        return o;
    }
}
