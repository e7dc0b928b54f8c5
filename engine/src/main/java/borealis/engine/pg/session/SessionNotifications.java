package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.catalog.NotifyPort;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.wire.BackendWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's LISTEN / UNLISTEN / NOTIFY, with PostgreSQL's transaction semantics: both take
 * effect when the transaction commits and vanish if it rolls back (a savepoint rolled back to
 * takes back what followed it); identical notifications of a transaction are sent once. What the
 * session receives goes to its client between transactions only ({@link #drainTo}).
 */
final class SessionNotifications implements NotifyPort {

    /** PostgreSQL's limits: NAMEDATALEN - 1 for a channel, NOTIFY_PAYLOAD_MAX_LENGTH - 1 for a payload (bytes). */
    static final int MAX_CHANNEL_BYTES = 63;
    static final int MAX_PAYLOAD_BYTES = 7999;

    private record Change(String channel, boolean listen) {}

    /** Null on a read-only database (a reader instance), which refuses them as a standby does. */
    private final NotificationHub hub;
    private final NotificationHub.Listener listener;
    private final int pid;
    /** The transaction's notifications in order, and the same as a set to fold duplicates. */
    private final List<NotificationHub.Notification> pending = new ArrayList<>();
    private final Set<NotificationHub.Notification> pendingSet = new HashSet<>();
    /** LISTEN / UNLISTEN of the transaction, in order (channel null: UNLISTEN *). */
    private final List<Change> changes = new ArrayList<>();
    /** Where each savepoint began: sizes of {@link #pending} and {@link #changes}. */
    private final Map<String, int[]> savepoints = new HashMap<>();

    SessionNotifications(NotificationHub hub, int pid) {
        this.hub = hub;
        this.pid = pid;
        this.listener = hub == null ? null : hub.register();
    }

    int pid() {
        return pid;
    }

    @Override
    public int processId() {
        return pid;
    }

    void wakeup(NotificationListener l) {
        if (listener != null) {
            listener.wakeup(l);
        }
    }

    // ---- statements ----

    void listen(String channel) {
        hubOrRefuse("LISTEN");
        changes.add(new Change(checkChannel(channel), true));
    }

    /** {@code channel} null: UNLISTEN *. */
    void unlisten(String channel) {
        hubOrRefuse("UNLISTEN");
        changes.add(new Change(channel, false));
    }

    /** DISCARD ALL: UNLISTEN *, where there is anything to unlisten (readers have nothing). */
    void discardAll() {
        if (hub != null) {
            changes.add(new Change(null, false));
        }
    }

    @Override
    public void notify(String channel, String payload) throws SQLException {
        try {
            notifyChecked(channel, payload);
        } catch (PgException e) {
            // Inside a statement only an SQLException keeps its SQLSTATE through H2's function call.
            throw new SQLException(e.error.message(), e.error.sqlState());
        }
    }

    void notifyChecked(String channel, String payload) {
        hubOrRefuse("NOTIFY");
        String p = payload == null ? "" : payload;
        if (p.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new PgException(PgError.error("22023", "payload string too long"));
        }
        NotificationHub.Notification n = new NotificationHub.Notification(pid, checkChannel(channel), p);
        if (!pendingSet.contains(n)) {
            hub.checkRoom(n.channel(), n.size());
            pendingSet.add(n);
            pending.add(n);
        }
    }

    /** Runs LISTEN channel, UNLISTEN channel | *, or NOTIFY channel [, 'payload']. */
    void run(Command c, String sql) {
        List<SqlLexer.Token> code = SqlLexer.code(sql);
        SqlLexer.Token name = code.size() > 1 ? code.get(1) : null;
        boolean all = name != null && name.kind() == SqlLexer.Kind.OPERATOR && name.text().equals("*");
        if (name == null || !all && name.kind() != SqlLexer.Kind.WORD && name.kind() != SqlLexer.Kind.QUOTED_IDENT
                || all && c.kind() != Command.Kind.UNLISTEN) {
            throw syntaxError(sql, name);
        }
        String channel = all ? null : name.kind() == SqlLexer.Kind.QUOTED_IDENT
                ? name.text().substring(1, name.text().length() - 1).replace("\"\"", "\"")
                : name.text().toLowerCase(java.util.Locale.ROOT);
        int end = 2;
        String payload = null;
        if (c.kind() == Command.Kind.NOTIFY && code.size() > 2 && code.get(2).kind() == SqlLexer.Kind.COMMA) {
            if (code.size() < 4 || code.get(3).kind() != SqlLexer.Kind.STRING) {
                throw syntaxError(sql, code.size() < 4 ? null : code.get(3));
            }
            payload = SqlLexer.stringValue(code.get(3).text());
            end = 4;
        }
        if (code.size() > end && code.get(end).kind() != SqlLexer.Kind.SEMICOLON) {
            throw syntaxError(sql, code.get(end));
        }
        switch (c.kind()) {
            case LISTEN -> listen(channel);
            case UNLISTEN -> unlisten(channel);
            default -> notifyChecked(channel, payload);
        }
    }

    private static PgException syntaxError(String sql, SqlLexer.Token at) {
        String near = at == null ? "syntax error at end of input" : "syntax error at or near \"" + at.text() + "\"";
        return new PgException(PgError.error("42601", near));
    }

    @Override
    public List<String> listeningChannels() {
        return listener == null ? List.of() : listener.channels();
    }

    private static String checkChannel(String channel) {
        if (channel == null || channel.isEmpty()) {
            throw new PgException(PgError.error("22023", "channel name cannot be empty"));
        }
        if (channel.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
            throw new PgException(PgError.error("22023", "channel name too long"));
        }
        return channel;
    }

    private void hubOrRefuse(String what) {
        if (hub == null) {
            throw new PgException(PgError.error("25006", "cannot execute " + what + " during recovery"));
        }
    }

    /** The session moved here: it listens on what it listened on before (committed already). */
    void listenAgain(List<String> channels) {
        if (listener != null && !channels.isEmpty()) {
            try {
                hub.deliver(List.of(), false, () -> channels.forEach(listener::listen));
            } catch (SQLException e) {
                throw new IllegalStateException("listening again cannot fail", e);
            }
        }
    }

    // ---- transaction ends ----

    boolean hasWork() {
        return !pending.isEmpty() || !changes.isEmpty();
    }

    /**
     * Commits through {@code commit} and then makes the transaction's LISTENs and notifications
     * take effect, in commit order; {@code checkRoom}: fail with 54000, before committing, when a
     * listener's queue is full.
     */
    void commit(NotificationHub.Commit commit, boolean checkRoom) throws SQLException {
        if (!hasWork()) {
            commit.run();
            return;
        }
        List<NotificationHub.Notification> notes = List.copyOf(pending);
        List<Change> listens = List.copyOf(changes);
        discard();
        hub.deliver(notes, checkRoom, () -> {
            commit.run();
            // LISTEN takes effect before the transaction's own notifications are queued: a session
            // that listens and notifies in one transaction receives its notification.
            for (Change c : listens) {
                if (c.listen()) {
                    listener.listen(c.channel());
                } else if (c.channel() == null) {
                    listener.unlistenAll();
                } else {
                    listener.unlisten(c.channel());
                }
            }
        });
    }

    /** A statement outside any transaction committed by itself: what it did takes effect now. */
    void autocommitted() {
        if (hasWork()) {
            try {
                commit(() -> {}, false);
            } catch (SQLException e) {
                throw new IllegalStateException("nothing to commit cannot fail", e);
            }
        }
    }

    void rolledBack() {
        discard();
    }

    private void discard() {
        pending.clear();
        pendingSet.clear();
        changes.clear();
        savepoints.clear();
    }

    void savepoint(String name) {
        savepoints.put(name, new int[] {pending.size(), changes.size()});
    }

    void rollbackTo(String name) {
        int[] at = savepoints.get(name);
        if (at == null) {
            return;
        }
        while (pending.size() > at[0]) {
            pendingSet.remove(pending.remove(pending.size() - 1));
        }
        while (changes.size() > at[1]) {
            changes.remove(changes.size() - 1);
        }
    }

    // ---- delivery ----

    boolean hasQueued() {
        return listener != null && listener.hasQueued();
    }

    /** Writes the notifications waiting for this session (NotificationResponse each); true if any. */
    boolean drainTo(BackendWriter out) {
        if (listener == null) {
            return false;
        }
        List<NotificationHub.Notification> notes = listener.drain();
        for (NotificationHub.Notification n : notes) {
            out.notificationResponse(n.pid(), n.channel(), n.payload());
        }
        return !notes.isEmpty();
    }

    void close() {
        if (listener != null) {
            hub.unregister(listener);
        }
    }
}
