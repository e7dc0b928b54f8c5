package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.NotificationHub;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.volume.client.ReaderVolume;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.VolumeFollower;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LISTEN / NOTIFY between sessions of one database, as PostgreSQL 15 behaves: delivery at commit
 * only, duplicates folded, commit order, a session's own notifications, the payload limit, and a
 * listener's bounded queue.
 */
class NotificationsTest {

    @TempDir
    Path dir;

    private InProcessSegments segments;
    private ReplicatedVolume volume;
    private Database db;
    private final List<PgSession> sessions = new ArrayList<>();

    /** A backend message: its type and, for NotificationResponse, pid / channel / payload; for ErrorResponse, the SQLSTATE. */
    record Msg(char type, int pid, String channel, String payload) {}

    @BeforeEach
    void open() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        segments = new InProcessSegments(dir, layout);
        volume = ReplicatedVolume.open("t/notify/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
        NotificationHub.defaultQueueLimit(16 * 1024); // a small bound, to reach it
        try {
            db = Database.open(volume, "notify-test-secret");
        } finally {
            NotificationHub.defaultQueueLimit(16L << 20);
        }
    }

    @AfterEach
    void close() throws Exception {
        sessions.forEach(PgSession::close);
        db.close();
        volume.close();
        segments.close();
    }

    private PgSession session(int pid) throws Exception {
        SessionSettings settings = new SessionSettings();
        settings.startup(Database.BACKEND_PID, Integer.toString(pid));
        PgSession s = db.newSession(settings);
        sessions.add(s);
        return s;
    }

    @Test
    void deliveredAtCommitOnlyFoldedAndWithTheNotifiersPid() throws Exception {
        PgSession listener = session(101);
        PgSession notifier = session(202);
        assertEquals(List.of(new Msg('C', 0, null, null), new Msg('Z', 0, null, null)), run(listener, "LISTEN Jobs"));

        run(notifier, "BEGIN; NOTIFY jobs, 'rolled back'");
        assertFalse(listener.hasNotifications(), "nothing before the commit");
        run(notifier, "ROLLBACK");
        assertFalse(listener.hasNotifications(), "a rolled-back NOTIFY is never delivered");

        AtomicInteger woken = new AtomicInteger();
        listener.onNotification(woken::incrementAndGet);
        run(notifier, "BEGIN; NOTIFY jobs, 'a'; NOTIFY JOBS, 'a'; SELECT pg_notify('jobs', 'b'); NOTIFY \"Jobs\", 'other channel'; COMMIT");
        assertTrue(listener.hasNotifications());
        assertEquals(1, woken.get(), "one wake-up for the transaction's notifications");
        assertEquals(List.of(note(202, "jobs", "a"), note(202, "jobs", "b")), idleDelivery(listener),
                "identical notifications of a transaction are folded; channel names fold to lower case unless quoted");
        assertNull(listener.deliverNotifications(new BackendWriter(256)), "delivered once");
    }

    @Test
    void aSessionReceivesItsOwnNotificationsJustBeforeReadyForQuery() throws Exception {
        PgSession s = session(303);
        List<Msg> out = run(s, "LISTEN self; NOTIFY self, 'mine'");
        assertEquals(List.of('C', 'C', 'A', 'Z'), types(out));
        assertEquals(note(303, "self", "mine"), out.get(2));

        // Inside a block nothing is sent; at its commit, before ReadyForQuery.
        assertEquals(List.of('C', 'T', 'D', 'C', 'Z'), types(run(s, "BEGIN; SELECT pg_notify('self', 'in block')")));
        List<Msg> commit = run(s, "COMMIT");
        assertEquals(List.of('C', 'A', 'Z'), types(commit));
        assertEquals("in block", commit.get(1).payload());
    }

    @Test
    void aListenerInsideATransactionIsToldWhenItEnds() throws Exception {
        PgSession listener = session(31);
        PgSession notifier = session(32);
        run(listener, "LISTEN busy");
        run(listener, "BEGIN; SELECT 1");
        run(notifier, "NOTIFY busy, 'while in a block'");
        assertTrue(listener.hasNotifications());
        assertNull(listener.deliverNotifications(new BackendWriter(256)), "not inside a transaction");
        assertEquals(List.of('T', 'D', 'C', 'Z'), types(run(listener, "SELECT 2")), "nor with a statement's answer inside it");
        assertEquals(List.of('C', 'A', 'Z'), types(run(listener, "ROLLBACK")), "at its end, before ReadyForQuery");
    }

    @Test
    void deliveryFollowsCommitOrder() throws Exception {
        PgSession listener = session(1);
        PgSession first = session(2);
        PgSession second = session(3);
        run(listener, "LISTEN q");
        run(first, "BEGIN; NOTIFY q, 'began first'");
        run(second, "BEGIN; NOTIFY q, 'committed first'");
        run(second, "COMMIT");
        run(first, "COMMIT");
        assertEquals(List.of(note(3, "q", "committed first"), note(2, "q", "began first")), idleDelivery(listener));
    }

    @Test
    void listenAndUnlistenTakeEffectAtCommit() throws Exception {
        PgSession listener = session(10);
        PgSession notifier = session(20);
        run(listener, "BEGIN; LISTEN later");
        assertEquals(List.of('T', 'C', 'Z'), types(run(listener, "SELECT * FROM pg_listening_channels()")).subList(0, 3));
        run(notifier, "NOTIFY later, 'before the listen committed'");
        run(listener, "COMMIT");
        assertFalse(listener.hasNotifications());
        List<Msg> channels = run(listener, "SELECT * FROM pg_listening_channels()");
        assertTrue(channels.stream().anyMatch(m -> m.type() == 'D'), "listening after the commit");
        run(notifier, "NOTIFY later, 'after'");
        assertEquals(List.of(note(20, "later", "after")), idleDelivery(listener));

        run(listener, "BEGIN; UNLISTEN *; ROLLBACK");
        run(notifier, "NOTIFY later, 'still listening'");
        assertEquals(1, idleDelivery(listener).size());
        run(listener, "UNLISTEN *");
        run(notifier, "NOTIFY later, 'gone'");
        assertFalse(listener.hasNotifications());

        run(listener, "LISTEN again");
        run(listener, "DISCARD ALL");
        run(notifier, "NOTIFY again, 'discarded'");
        assertFalse(listener.hasNotifications(), "DISCARD ALL includes UNLISTEN *");
    }

    @Test
    void aSavepointRolledBackToTakesBackItsNotifications() throws Exception {
        PgSession s = session(7);
        run(s, "LISTEN sp");
        List<Msg> out = run(s, "BEGIN; NOTIFY sp, 'kept'; SAVEPOINT a; NOTIFY sp, 'undone'; ROLLBACK TO a; NOTIFY sp, 'kept'; COMMIT");
        assertEquals(List.of(note(7, "sp", "kept")), out.stream().filter(m -> m.type() == 'A').toList());
    }

    @Test
    void boundParametersAndThePayloadLimit() throws Exception {
        PgSession s = session(8);
        run(s, "LISTEN p");
        List<Msg> out = extended(s, "SELECT pg_notify($1, $2)", "p", "x".repeat(7999));
        assertEquals('A', out.get(out.size() - 2).type(), "delivered at Sync, before ReadyForQuery: " + types(out));
        assertEquals(7999, out.get(out.size() - 2).payload().length());
        assertEquals("22023", error(run(s, "NOTIFY p, '" + "x".repeat(8000) + "'")));
        assertEquals("22023", error(extended(s, "SELECT pg_notify($1, $2)", "p", "é".repeat(4000))), "the limit is in bytes");
        assertEquals("22023", error(run(s, "SELECT pg_notify('', 'x')")));
        assertEquals("22023", error(run(s, "SELECT pg_notify(NULL, 'x')")));
        assertFalse(s.hasNotifications());
    }

    @Test
    void aFullListenerQueueFailsNotifyAndAnEndedSessionHoldsNothing() throws Exception {
        PgSession listener = session(11);
        PgSession notifier = session(12);
        run(listener, "LISTEN full");
        String payload = "y".repeat(3000);
        int sent = 0;
        String error = null;
        while (error == null && sent < 10) {
            error = error(run(notifier, "NOTIFY full, '" + payload + sent + "'"));
            sent++;
        }
        assertEquals("54000", error, "too many notifications in the NOTIFY queue");
        assertEquals("54000", error(run(notifier, "BEGIN; SELECT 1; NOTIFY full, '" + payload + "in a block'")));
        run(notifier, "ROLLBACK");
        assertEquals(sent - 1, idleDelivery(listener).size(), "what was queued before the bound is delivered");
        assertNull(error(run(notifier, "NOTIFY full, 'room again'")));

        listener.close();
        sessions.remove(listener);
        for (int i = 0; i < 10; i++) {
            assertNull(error(run(notifier, "NOTIFY full, '" + payload + i + "'")), "no listener left: nothing is queued");
        }
    }

    @Test
    void aSessionThatMovesListensOnWhereItArrives() throws Exception {
        PgSession before = session(21);
        PgSession notifier = session(22);
        run(before, "LISTEN moving; LISTEN \"Quoted\"");
        PgSession.Handover h = before.handover();
        before.close();
        sessions.remove(before);
        PgSession after = session(21);
        after.restore(h);
        run(notifier, "NOTIFY moving, 'here'");
        assertEquals(List.of(note(22, "moving", "here")), idleDelivery(after));
        List<Msg> channels = run(after, "SELECT * FROM pg_listening_channels()");
        assertEquals(2, channels.stream().filter(m -> m.type() == 'D').count());
        List<Msg> inSelectList = run(after, "SELECT pg_listening_channels() AS c ORDER BY c");
        assertEquals(List.of('T', 'D', 'D', 'C', 'Z'), types(inSelectList), "a set-returning function in a select list too");
    }

    @Test
    void aReaderRefusesThemAsAStandbyDoes() throws Exception {
        long target = db.makeDurable(Duration.ofSeconds(10));
        VolumeFollower follower = new VolumeFollower("t/notify/1", new VolumeLayout(256 * 1024), segments, Duration.ofSeconds(2));
        VolumeFollower.Point p = follower.poll();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); p.lsn() < target && System.nanoTime() < deadline; ) {
            Thread.sleep(20);
            p = follower.poll();
        }
        assertTrue(p.lsn() >= target, "the follower reached the writer's durable point " + target + " (at " + p.lsn() + ")");
        Database reader = Database.openReadOnly(new ReaderVolume("t/notify/1@r1#1", follower, p, 8 << 20), "notify-test-secret", "c",
                EngineLimits.DEFAULTS, StatementAudit.NONE, "postgres");
        try (PgSession s = reader.newSession(new SessionSettings())) {
            for (String sql : List.of("LISTEN x", "UNLISTEN *", "NOTIFY x", "SELECT pg_notify('x', 'y')")) {
                List<Msg> out = run(s, sql);
                assertEquals("25006", error(out), () -> sql + ": " + out);
            }
            assertNull(error(run(s, "DISCARD ALL")), "nothing to unlisten");
            assertNull(error(run(s, "SELECT * FROM pg_listening_channels()")));
        } finally {
            reader.close();
        }
    }

    // ---- helpers ----

    private static Msg note(int pid, String channel, String payload) {
        return new Msg('A', pid, channel, payload);
    }

    private static List<Character> types(List<Msg> out) {
        return out.stream().map(Msg::type).toList();
    }

    private static String error(List<Msg> out) {
        return out.stream().filter(m -> m.type() == 'E').map(Msg::payload).findFirst().orElse(null);
    }

    private static List<Msg> idleDelivery(PgSession s) {
        BackendWriter out = new BackendWriter(256);
        PgSession.Outcome o = s.deliverNotifications(out);
        assertNotNull(o, "notifications were waiting");
        assertTrue(o.wrote(), "they wait for their commits to be durable");
        return decode(out.take());
    }

    private static List<Msg> run(PgSession s, String sql) {
        BackendWriter out = new BackendWriter(8192);
        s.process(List.of(new FrontendMessage.Query(sql)), out, 1 << 20);
        return decode(out.take());
    }

    private static List<Msg> extended(PgSession s, String sql, String... params) {
        byte[][] values = new byte[params.length][];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i].getBytes(StandardCharsets.UTF_8);
        }
        BackendWriter out = new BackendWriter(8192);
        s.process(List.of(new FrontendMessage.Parse("", sql, new int[0]),
                new FrontendMessage.Bind("", "", new short[0], values, new short[0]),
                new FrontendMessage.Execute("", 0), new FrontendMessage.Sync()), out, 1 << 20);
        return decode(out.take());
    }

    /** Backend messages; 'A' with its fields, 'E' with its message as channel and SQLSTATE as payload, others by type. */
    private static List<Msg> decode(byte[] bytes) {
        List<Msg> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.remaining() >= 5) {
            char type = (char) b.get();
            int len = b.getInt();
            byte[] body = new byte[len - 4];
            b.get(body);
            if (type == 'A') {
                ByteBuffer m = ByteBuffer.wrap(body);
                int pid = m.getInt();
                String[] strings = new String(body, 4, body.length - 4, StandardCharsets.UTF_8).split("\0", -1);
                out.add(new Msg(type, pid, strings[0], strings[1]));
            } else if (type == 'E') {
                String code = null;
                String message = null;
                for (String field : new String(body, StandardCharsets.UTF_8).split("\0")) {
                    if (field.startsWith("C")) {
                        code = field.substring(1);
                    } else if (field.startsWith("M")) {
                        message = field.substring(1);
                    }
                }
                out.add(new Msg(type, 0, message, code));
            } else {
                out.add(new Msg(type, 0, null, null));
            }
        }
        return out;
    }
}
