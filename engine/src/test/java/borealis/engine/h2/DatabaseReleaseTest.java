package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNull;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paused cluster must cost the node (almost) nothing: once its sessions and its database are
 * closed, nothing static may keep the database on the heap. A registry of session ports that did
 * kept every paused cluster's H2 database, 4.5 MB each, until the node stopped.
 */
class DatabaseReleaseTest {

    @TempDir
    Path dir;

    @Test
    void aClosedDatabaseIsNotRetainedBySessionsThatUsedIt() throws Exception {
        WeakReference<Database> released = openUseAndClose();
        for (int i = 0; i < 50 && released.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(released.get(), "the closed database is still reachable: each paused cluster would keep its heap");
    }

    /**
     * A pause that makes room closes the database while parked sessions still end: their close came
     * after it, threw "The database has been closed" out of the SQL thread and skipped the rest of
     * the release (seen in ConnectionsBench's node log, opened round-robin).
     */
    @Test
    void aSessionClosedAfterItsDatabaseReleasesWithoutThrowing() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/late-close/1", "release-test-secret")) {
            PgSession session = open.db.newSession(new SessionSettings());
            BackendWriter out = new BackendWriter(8192);
            session.process(List.of(new FrontendMessage.Query("select pg_advisory_lock(1); listen ch; begin; select 1")), out, 1 << 20);
            out.take();
            open.closeDatabase();
            assertDoesNotThrow(session::close);
        }
    }

    private WeakReference<Database> openUseAndClose() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/release/1", "release-test-secret")) {
            for (int i = 0; i < 3; i++) {
                try (PgSession session = open.db.newSession(new SessionSettings())) {
                    BackendWriter out = new BackendWriter(8192);
                    session.process(List.of(new FrontendMessage.Query(
                            "create table if not exists t(i int); insert into t values (1); select current_setting('DateStyle'), count(*) from t; "
                                    + "listen ch; select pg_advisory_lock(1)")), out, 1 << 20);
                    out.take();
                }
            }
            open.closeDatabase();
            return new WeakReference<>(open.db);
        }
    }
}
