package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INSERT ... ON CONFLICT DO UPDATE racing an insert of the same key, as PostgreSQL 15 answers it
 * (checked on it): under READ COMMITTED the second waits for the first and then updates the row,
 * never failing with 23505.
 */
class ConcurrentUpsertTest {

    private static final String UPSERT = "insert into kv values (1, 1) on conflict (k) do update set v = kv.v + 1";

    @TempDir
    Path dir;

    @Test
    void anUpsertThatLosesTheRaceToInsertUpdatesTheWinnersRow() throws Exception {
        withTwoSessions((first, second) -> {
            assertEquals("", error(run(first, "begin; " + UPSERT)));
            CompletableFuture<String> racing = CompletableFuture.supplyAsync(() -> run(second, UPSERT));
            Thread.sleep(300);
            assertFalse(racing.isDone(), "the second upsert waits for the first transaction");
            assertEquals("", error(run(first, "commit")));
            assertEquals("", error(racing.get(10, TimeUnit.SECONDS)), "no 23505: the row is updated");
            String v = run(first, "select v from kv where k = 1");
            assertTrue(v.contains("\u0000\u0000\u0000\u00012"), "both upserts counted: " + v.replace((char) 0, '.'));
        });
    }

    private interface TwoSessions {
        void run(PgSession first, PgSession second) throws Exception;
    }

    private void withTwoSessions(TwoSessions body) throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume volume = ReplicatedVolume.open("t/upsert/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            Database db = Database.open(volume, "upsert-test-secret");
            try (PgSession first = db.newSession(new SessionSettings()); PgSession second = db.newSession(new SessionSettings())) {
                assertEquals("", error(run(first, "create table kv(k int primary key, v bigint not null)")));
                body.run(first, second);
            } finally {
                db.close();
                volume.close();
            }
        }
    }

    private static String run(PgSession session, String sql) {
        try {
            BackendWriter out = new BackendWriter(8192);
            session.process(List.of(new FrontendMessage.Query(sql)), out, 1 << 20);
            return new String(out.take(), StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SQLSTATE of the first ErrorResponse in a reply, or "". */
    private static String error(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SERROR\u0000(?:V[^\u0000]*\u0000)?C([0-9A-Z]{5})").matcher(reply);
        return m.find() ? m.group(1) : "";
    }
}
