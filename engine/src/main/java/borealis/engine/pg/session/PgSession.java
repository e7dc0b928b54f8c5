package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.catalog.AdvisoryLocks;
import borealis.engine.pg.catalog.NotifyPort;
import borealis.engine.pg.catalog.PgCatalog;
import borealis.engine.pg.catalog.SessionConfig;
import borealis.engine.pg.sql.StatementLimit;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.serialization.BorealisSerializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's SQL session on a compute instance: the PostgreSQL query protocols (simple and
 * extended) over an H2 connection.
 *
 * <pre>
 *  client                          session
 *    Q "BEGIN; UPDATE ..."   ──►   split, run each statement, C per statement, Z
 *    P  B  D  E  S           ──►   1  2  T|n  D* C|s  Z     (in order, no waiting in between)
 *    ... error ...                 E, then skip to S; Z 'E' inside a block, 'I' after an implicit one
 * </pre>
 *
 * <p>Messages are queued and processed strictly in order. Output goes to a {@link BackendWriter};
 * when it exceeds the chunk budget mid-result, processing stops ({@link Outcome#suspended}) and
 * {@link #resume} continues from the same row, so a million-row result never sits in memory. The
 * caller must not release output until the volume is durable up to {@link Outcome#requiredLsn}.
 *
 * <p>Transactions follow PostgreSQL: statements outside a block run in an implicit transaction
 * that ends at Sync (extended protocol) or at the end of the query string (simple protocol); an
 * error in a block leaves it failed ('E') until ROLLBACK.
 *
 * <p>This class queues and dispatches the messages and decides when output may go out; the
 * protocols are {@link SimpleQueryProtocol}, {@link ExtendedQueryProtocol} and {@link CopyProtocol},
 * the commands the session runs itself are in {@link UtilityRunner}, and what happens around every
 * statement (the write check, the abort after an error, ReadyForQuery) is in {@link StatementBoundaries}.
 */
public final class PgSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgSession.class);

    /**
     * What a call left behind: its output may go out once {@code requiredLsn} is durable (when
     * {@code wrote}) or readable.
     */
    public record Outcome(boolean suspended, CompletableFuture<Long> requiredLsn, boolean wrote, boolean terminate) {}

    /**
     * What a session carries to another node when its compute instance moves, between
     * transactions: its settings, its named prepared statements (re-prepared there) and the
     * channels it listens on (notifications not yet sent to the client do not move).
     */
    public record Handover(Map<String, String> settings, Map<String, String> defaults, List<NamedStatement> statements,
                           List<String> listening) implements BorealisSerializable {}

    /** A prepared statement as the client parsed it. */
    public record NamedStatement(String name, String sql, int[] parameterTypes) implements BorealisSerializable {}

    private final Connection conn;
    private static final CompletableFuture<Long> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(0L);

    private final CommitLog commits;
    private final CommitWindows commitWindows;
    /** Whether the current transaction (or its batches so far) may have written. */
    private boolean wroteSinceCommitPoint;
    private final SessionSettings settings;
    private final ArrayDeque<FrontendMessage> queue = new ArrayDeque<>();
    private final UtilityCommands utility;
    private final SessionGuard guard;
    /** What went wrong, as the client is told it. */
    private final SessionErrors errors;
    private final Transactions tx;
    /** Named and unnamed statements and portals of the extended protocol. */
    private final NamedStatements named;
    private final SqlCursors cursors;
    private final ColumnOrigins origins;
    private final SessionNotifications notes;
    /** Runs portals and streams their rows; holds the portal whose rows are going out. */
    private final PortalRunner portals;
    private final StatementBoundaries boundaries;
    private final UtilityRunner utilities;
    private final CopyProtocol copy;
    private final ExtendedQueryProtocol extended;
    private final SimpleQueryProtocol simple;
    private boolean terminated;

    /**
     * @param schemaAdmin runs the schema DDL the session's H2 user may not
     * @param guard       the scope of the session's work and the database's storage quota
     * @param hub         LISTEN / NOTIFY among the database's sessions; null where they are refused (a reader)
     * @param pid         the process id the client was given (BackendKeyData), which its notifications carry
     */
    public PgSession(Connection conn, CommitLog commits, SessionSettings settings, PgCatalog catalog, String databaseName,
                     SchemaAdmin schemaAdmin, SessionGuard guard, NotificationHub hub, int pid) throws SQLException {
        this.conn = conn;
        this.notes = new SessionNotifications(hub, pid);
        NotifyPort.Registry.register(conn, notes);
        this.guard = guard;
        this.errors = new SessionErrors(guard);
        this.commits = commits;
        this.settings = settings;
        this.utility = new UtilityCommands(settings);
        this.origins = new ColumnOrigins(conn);
        this.named = new NamedStatements(conn, utility, origins, () -> settings.get("DateStyle"));
        this.commitWindows = new CommitWindows(commits);
        this.tx = new Transactions(conn, settings, utility, this::closeAllPortals, commitWindows::open, notes);
        SessionConfig.Registry.register(conn, new SessionConfig() {
            // Inside a statement only an SQLException keeps its SQLSTATE through H2's function call.
            @Override
            public String get(String name, boolean missingOk) throws SQLException {
                try {
                    return utility.currentSetting(name, missingOk);
                } catch (PgException e) {
                    throw new SQLException(e.error.message(), e.error.sqlState());
                }
            }

            @Override
            public String set(String name, String value, boolean local) throws SQLException {
                // SET LOCAL is session-wide here as well (UtilityCommands): the value outlives the transaction.
                try {
                    return utility.setConfig(name, value, conn);
                } catch (PgException e) {
                    throw new SQLException(e.error.message(), e.error.sqlState());
                }
            }
        });
        this.portals = new PortalRunner(utility, origins, tx, catalog);
        this.cursors = new SqlCursors(conn, new SqlCursors.Runner() {
            @Override
            public void start(Portal p) throws SQLException {
                portals.start(p);
            }

            @Override
            public boolean nextRow(Portal p, BackendWriter out) throws SQLException {
                return portals.nextRow(p, out);
            }

            @Override
            public void writeCurrentRow(Portal p, BackendWriter out) throws SQLException {
                portals.writeCurrentRow(p, out);
            }

            @Override
            public borealis.engine.pg.sql.ColumnLookup lookup() {
                return named.lookup();
            }

            @Override
            public Portal protocolPortal(String name) {
                return name.isEmpty() ? null : named.portal(name);
            }
        });
        named.describeFetchesWith(cursors::columnsOf);
        borealis.engine.pg.catalog.SessionRelations.register(conn, named::preparedStatements);
        borealis.engine.pg.catalog.DeferredConstraints.sessionStarted(conn);
        this.boundaries = new StatementBoundaries(tx, notes, utility, guard, cursors, named, portals);
        portals.modifyingCtes = new ModifyingCtes(conn, named, origins, tx, boundaries::checkMayWrite);
        InlineBlocks inlineBlocks = new InlineBlocks(conn, named, portals, boundaries::checkMayWrite, errors::of, notes);
        this.utilities = new UtilityRunner(conn, settings, tx, utility, new SchemaCommands(schemaAdmin, settings), notes, named, cursors,
                inlineBlocks, catalog, boundaries);
        this.copy = new CopyProtocol(conn, tx, utility, named, portals, errors, boundaries, this::inSimpleQuery, this::copyFailed);
        this.extended = new ExtendedQueryProtocol(conn, named, cursors, portals, tx, errors, commitWindows, boundaries, utilities, copy);
        this.simple = new SimpleQueryProtocol(conn, named, portals, tx, errors, commitWindows, boundaries, utilities, copy);
        conn.setAutoCommit(true);
        // What current_database() and current_user answer (the client's names, not H2's).
        try (PreparedStatement ps = conn.prepareStatement("SET @borealis_database = ?")) {
            ps.setString(1, databaseName);
            ps.execute();
        }
        try (PreparedStatement ps = conn.prepareStatement("SET @borealis_user = ?")) {
            String user = settings.get("session_authorization");
            ps.setString(1, user == null || user.isEmpty() ? "postgres" : user);
            ps.execute();
        }
        try (java.sql.Statement s = conn.createStatement()) {
            // Words H2 reserves that PostgreSQL lets tables and columns be named (day, key, value...).
            s.execute("SET NON_KEYWORDS " + NON_KEYWORDS);
        }
        if (catalog != null) {
            catalog.addRole(settings.get("session_authorization"));
        }
        utilities.applyToEngine();
    }

    private static final String NON_KEYWORDS = "DAY, HOUR, MINUTE, MONTH, SECOND, YEAR, KEY, VALUE, ROWS, RANGE, GROUPS, TOP, MINUS,"
            + " REGEXP, ROWNUM, UESCAPE, UNKNOWN, PARTITION";

    /** The database's permit for serializable read-write transactions (see {@link Transactions#enterSerializable}). */
    public void serializeWith(java.util.concurrent.Semaphore permit) {
        tx.serializeWith(permit);
    }

    /** Where finished statements and transactions are reported. */
    public void observe(StatementObserver observer) {
        portals.observe(observer);
        tx.observe(observer);
    }

    public char transactionStatus() {
        return tx.status();
    }

    public SessionSettings settings() {
        return settings;
    }

    /** Whether the session is between transactions with nothing half-done (so it may move). */
    public boolean isQuiescent() {
        return tx.isIdle() && portals.running == null && !simple.running() && queue.isEmpty() && named.hasNoPortals()
                && !copy.receiving();
    }

    /**
     * Whether the session may move now: between transactions, nothing queued or half-sent. Open
     * portals do not outlive a transaction in PostgreSQL, so they do not hold a move back.
     */
    public boolean canHandOver() {
        return tx.isIdle() && portals.running == null && !simple.running() && queue.isEmpty() && !extended.skipping()
                && !copy.receiving();
    }

    /**
     * Whether the session may be parked (its instance pauses; the proxy keeps its {@link Handover}
     * until the client sends again): between transactions, and nothing it has would be lost: no
     * LISTEN, no open cursor, no advisory lock, no temporary table (none of which a handover carries).
     */
    public boolean canPark() {
        return canHandOver() && notes.listeningChannels().isEmpty() && cursors.isEmpty() && !AdvisoryLocks.holdsAny(conn)
                && !borealis.engine.pg.catalog.SessionRelations.hasTemporaryTables(conn);
    }

    /** The session's transferable state; only when {@link #canHandOver()}. */
    public Handover handover() {
        if (!canHandOver()) {
            throw new IllegalStateException("a session can move only between transactions");
        }
        return new Handover(settings.values(), settings.sessionDefaults(), named.exportNamed(),
                new java.util.ArrayList<>(notes.listeningChannels()));
    }

    /**
     * Changes whenever the {@link #handover()} would: settings, named statements, channels. A
     * session reports its state to the proxy at idle points only when this changed, so that the
     * proxy can open it again elsewhere if its node dies (not per statement: pgbench's sessions
     * never change it).
     */
    public long handoverVersion() {
        return (31L * settings.fingerprint() + named.namedChanges()) * 31 + notes.listeningChannels().hashCode();
    }

    /** Takes over the state of a session that moved here (before it runs anything). */
    public void restore(Handover h) {
        settings.restore(h.settings(), h.defaults());
        named.restoreNamed(h.statements());
        if (h.listening() != null) {
            notes.listenAgain(h.listening());
        }
    }

    /** Cancels the running statement because the server's memory ran short ({@link borealis.engine.governor.HeapGuard}): its error is then 53200. */
    public void cancelForMemory(long allocatedBytes) {
        errors.cancelledForMemory(allocatedBytes);
        cancel();
    }

    /** Cancel requests so far: a statement being translated stops when it changes ({@link StatementLimit}). */
    private final java.util.concurrent.atomic.AtomicLong cancels = new java.util.concurrent.atomic.AtomicLong();

    /** The statement timeout in force: the session's statement_timeout within the database's ceiling (0: none). */
    private long statementTimeoutMillis() {
        long ceiling = guard.statementTimeoutCeilingMillis();
        long own;
        try {
            own = UtilityCommands.parseMillis(settings.get("statement_timeout"));
        } catch (PgException e) {
            own = 0;
        }
        if (own <= 0) {
            return ceiling;
        }
        return ceiling <= 0 ? own : Math.min(own, ceiling);
    }

    /** Cancels the statement running now, if any (from another thread). */
    /** Cancel requests so far; see {@link #queuedAt}. */
    public long cancelCount() {
        return cancels.get();
    }

    /**
     * The work the session runs next was queued (behind the instance's CPU budget) when the
     * cancel count was {@code cancelCount}: a cancel that came while it waited cancels its first
     * statement (57014), as PostgreSQL cancels a query the client sent.
     */
    public void queuedAt(long cancelCount) {
        cancelsAtQueue = cancelCount;
    }

    private long cancelsAtQueue = -1;

    private long cancelBaseline() {
        long baseline = cancelsAtQueue >= 0 ? cancelsAtQueue : cancels.get();
        cancelsAtQueue = -1;
        return baseline;
    }

    public void cancel() {
        cancels.incrementAndGet();
        PreparedStatement ps = portals.executing();
        if (ps != null) {
            try {
                ps.cancel();
                // JDBC's cancel flags the command; H2's loops (and Borealis' functions) check the session.
                ((org.h2.engine.SessionLocal) conn.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).cancel();
            } catch (SQLException e) {
                log.debug("cancel failed", e);
            }
        }
    }

    /** Messages queued and not yet handled (a suspended call leaves the rest of its batch here). */
    public int queuedMessages() {
        return queue.size();
    }

    /** Queues messages and processes as many as the output budget allows. */
    public Outcome process(List<FrontendMessage> messages, BackendWriter out, int budget) {
        queue.addAll(messages);
        return resume(out, budget);
    }

    /** Continues processing after a suspended call. */
    public Outcome resume(BackendWriter out, int budget) {
        Outcome o = resumeRun(out, budget);
        if (boundaries.takeDeliveredNotifications()) {
            // Another session's commit is announced: not before it is durable.
            return new Outcome(o.suspended(), commits.committedPoint(false), true, o.terminate());
        }
        return o;
    }

    private Outcome resumeRun(BackendWriter out, int budget) {
        long changesBefore = commits.changeCount();
        long endsBefore = tx.ends();
        long rowsBefore = out.rows();
        boolean suspended;
        try (AutoCloseable scope = guard.enter();
             AutoCloseable translation = StatementLimit.within(statementTimeoutMillis(), cancels::get, cancelBaseline())) {
            suspended = run(out, budget);
        } catch (Exception e) {
            throw new IllegalStateException("leaving the session's scope", e);
        } finally {
            commitWindows.closeAll();
        }
        // The counter is the database's: another session's write counts too (conservative: this
        // answer then waits for a write quorum where a read quorum would have done).
        wroteSinceCommitPoint |= commits.changeCount() != changesBefore;
        if (suspended || (!tx.isIdle() && !terminated && tx.ends() == endsBefore)) {
            // Inside a transaction or a statement: the answer promises nothing durable yet. Rows it
            // shows may hold another session's commit, which must not be seen before a crash
            // could no longer lose it (PostgreSQL makes a commit visible only once it is flushed).
            CompletableFuture<Long> shown = out.rows() != rowsBefore ? commits.visiblePoint() : NOTHING_TO_WAIT_FOR;
            return new Outcome(suspended, shown, false, terminated);
        }
        boolean wrote = wroteSinceCommitPoint;
        // A block begun after the one that ended may have written already: its commit must still wait for a write quorum.
        wroteSinceCommitPoint = wrote && !tx.isIdle();
        return new Outcome(false, wrote ? commits.committedPoint(false) : commits.readPoint(), wrote, terminated);
    }

    /** Handles queued messages until they run out or the output budget is spent; true if suspended. */
    private boolean run(BackendWriter out, int budget) {
        while (!terminated) {
            if (out.size() >= budget && (portals.running != null || simple.running() || !queue.isEmpty())) {
                return true;
            }
            if (copy.receiving()) {
                FrontendMessage m = queue.pollFirst();
                if (m == null) {
                    break;
                }
                terminated |= copy.message(m, out);
                continue;
            }
            if (simple.running()) {
                simple.continueQuery(out, budget);
                continue;
            }
            if (portals.running != null) {
                extended.continueExecute(out, budget);
                continue;
            }
            FrontendMessage m = queue.pollFirst();
            if (m == null) {
                break;
            }
            handle(m, out, budget);
        }
        return false;
    }

    private boolean inSimpleQuery() {
        return simple.running();
    }

    /** A COPY FROM STDIN failed: reported as the protocol that started it reports errors. */
    private void copyFailed(PgError error, BackendWriter out, boolean extendedProtocol) {
        if (extendedProtocol) {
            extended.error(error, out);
        } else {
            simple.error(error, out);
        }
    }

    private void closeAllPortals() {
        boundaries.closeAllPortals();
    }

    private void handle(FrontendMessage m, BackendWriter out, int budget) {
        if (m instanceof FrontendMessage.Sync) {
            extended.sync(out);
            return;
        }
        if (m instanceof FrontendMessage.Terminate) {
            terminated = true;
            return;
        }
        if (m instanceof FrontendMessage.Query q) {
            extended.stopSkipping();
            try {
                simple.start(q.sql(), out);
            } catch (RuntimeException | StackOverflowError e) {
                simple.error(errors.of(e), out);
            }
            return;
        }
        extended.handle(m, out, budget);
    }
    // ---- notifications ----

    /** Who to tell when notifications wait for this session (called from the committing session's thread). */
    public void onNotification(NotificationListener listener) {
        notes.wakeup(listener);
    }

    /** The process id the session's notifications carry. */
    public int processId() {
        return notes.pid();
    }

    /** Whether notifications wait to be sent to the client. */
    public boolean hasNotifications() {
        return notes.hasQueued();
    }

    /**
     * Writes the waiting notifications of an idle session (between transactions, nothing queued
     * or running: see {@link #canHandOver}), which PostgreSQL sends without waiting for a query.
     * The output may go once the commits that sent them are durable; null when there were none.
     */
    public Outcome deliverNotifications(BackendWriter out) {
        if (!canHandOver() || !notes.drainTo(out)) {
            return null;
        }
        return new Outcome(false, commits.committedPoint(false), true, false);
    }


    @Override
    public void close() {
        // Every step runs even when one before it fails: a session closed after its database (a pause
        // that makes room while parked sessions end) got "database has been closed" from the first
        // step that asked H2, which skipped the rest and killed the SQL thread (ConnectionsBench log).
        releaseQuietly(tx::leaveSerializable);
        releaseQuietly(notes::close);
        releaseQuietly(() -> NotifyPort.Registry.unregister(conn));
        releaseQuietly(() -> SessionConfig.Registry.unregister(conn));
        releaseQuietly(() -> AdvisoryLocks.sessionEnded(conn));
        releaseQuietly(() -> borealis.engine.pg.catalog.SessionRelations.sessionEnded(conn));
        releaseQuietly(() -> borealis.engine.pg.catalog.DeferredConstraints.sessionEnded(conn));
        releaseQuietly(() -> cursors.closeAll(true));
        releaseQuietly(this::closeAllPortals);
        releaseQuietly(named::closeStatementsQuietly);
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("rolling back a closing session", e);
        }
        try {
            conn.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing connection", e);
        }
    }

    private void releaseQuietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.debug("releasing a closing session's state", e);
        }
    }
}
