package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 rolls a whole transaction back by itself on some errors and goes on in a new one. Should that
 * ever happen without the error reaching the client, the transaction's earlier writes are gone
 * while its block looks healthy: the session must report 40001, never acknowledge a COMMIT of
 * writes that no longer exist. The engine's silent rollback is simulated by rolling back the
 * session's H2 connection behind its back.
 */
class EngineRollbackTest {

    private static final String SECRET = "engine-rollback-test-secret";

    @TempDir
    Path dir;

    private static void rollbackBehindTheSession(PgSession session) throws Exception {
        java.lang.reflect.Field f = PgSession.class.getDeclaredField("conn");
        f.setAccessible(true);
        ((Connection) f.get(session)).rollback();
    }

    @Test
    void writesRolledBackByTheEngineAreReportedNotAcknowledged() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume volume = ReplicatedVolume.open("t/rb/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database db = Database.open(volume, SECRET);
            try (PgSession session = db.newSession(new SessionSettings())) {
                assertOk(run(session, "create table t(id int primary key)"));
                assertOk(run(session, "begin isolation level repeatable read"));
                assertOk(run(session, "insert into t values (1)"));
                rollbackBehindTheSession(session);
                String reply = run(session, "select 1");
                assertTrue(reply.contains("C40001"), "the next statement finds its transaction gone: 40001, " + reply);
                assertTrue(run(session, "commit").contains("ROLLBACK\u0000"), "the failed block ends as rolled back");
                assertTrue(run(session, "select count(*) from t").contains("\u0000\u0000\u0000\u00010"), "nothing of it remains");

                // Nothing in between: COMMIT itself finds out, and acknowledges nothing.
                assertOk(run(session, "begin"));
                assertOk(run(session, "insert into t values (2)"));
                rollbackBehindTheSession(session);
                String commit = run(session, "commit");
                assertTrue(commit.contains("C40001") && !commit.contains("COMMIT\u0000"), "COMMIT fails with 40001: " + commit);
                assertTrue(run(session, "select count(*) from t").contains("\u0000\u0000\u0000\u00010"), "nothing of it remains");
                assertOk(run(session, "select 1"));

                // DDL commits in H2: a block that goes on after it is not mistaken for a lost one.
                assertOk(run(session, "begin"));
                assertOk(run(session, "insert into t values (3)"));
                assertOk(run(session, "create table u(id int)"));
                assertOk(run(session, "insert into t values (4)"));
                assertTrue(run(session, "commit").contains("COMMIT\u0000"));
                assertTrue(run(session, "select count(*) from t").contains("\u0000\u0000\u0000\u00012"), "both rows are there");

                // Nor a block with settings and a schema made in the middle (H2 may commit around them).
                assertOk(run(session, "begin"));
                assertOk(run(session, "insert into t values (5)"));
                assertOk(run(session, "set search_path to public"));
                assertOk(run(session, "create schema s2"));
                assertOk(run(session, "insert into t values (6)"));
                assertTrue(run(session, "commit").contains("COMMIT\u0000"));
                assertTrue(run(session, "select count(*) from t").contains("\u0000\u0000\u0000\u00014"), "all four rows are there");

                // A block begun with an isolation level inside a Query string that already wrote.
                String piped = run(session, "insert into t values (7); begin isolation level serializable; insert into t values (8); commit");
                assertFalse(piped.contains("SERROR"), piped);
                assertTrue(run(session, "select count(*) from t").contains("\u0000\u0000\u0000\u00016"), "all six rows are there");
            } finally {
                db.close();
                volume.close();
            }
        }
    }

    private static void assertOk(String reply) {
        assertFalse(reply.contains("SERROR"), reply);
    }

    private static String run(PgSession session, String sql) throws Exception {
        BackendWriter out = new BackendWriter(8192);
        session.process(List.of(new FrontendMessage.Query(sql)), out, 1 << 20);
        return new String(out.take(), StandardCharsets.ISO_8859_1);
    }
}
