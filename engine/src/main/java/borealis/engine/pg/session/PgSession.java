package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.catalog.AdvisoryLocks;
import borealis.engine.pg.catalog.NotifyPort;
import borealis.engine.pg.catalog.PgCatalog;
import borealis.engine.pg.catalog.SessionConfig;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.StatementLimit;
import borealis.engine.pg.sql.Translation;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.serialization.BorealisSerializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
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
    private final SchemaCommands schemas;
    private final SessionGuard guard;
    /** What went wrong, as the client is told it. */
    private final SessionErrors errors;
    private final Transactions tx;
    /** Named and unnamed statements and portals of the extended protocol. */
    private final NamedStatements named;
    private final SqlCursors cursors;
    private final InlineBlocks inlineBlocks;
    private final PgCatalog catalog;
    private final ColumnOrigins origins;
    private final SessionNotifications notes;
    /** Notifications went out in the current call: its output waits until their commits are durable. */
    private boolean deliveredNotifications;
    /** A COPY FROM STDIN receiving data, and whether it runs in its own (implicit) transaction. */
    private CopyIn copyIn;
    private boolean copyInExtended;

    private boolean skipUntilSync;
    /** Runs portals and streams their rows; holds the portal whose rows are going out. */
    private final PortalRunner portals;
    /** Statements left of a simple Query being run. */
    private ArrayDeque<String> simpleQueue;
    private boolean simpleImplicit;
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
        this.schemas = new SchemaCommands(schemaAdmin, settings);
        this.commits = commits;
        this.settings = settings;
        this.catalog = catalog;
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
        this.inlineBlocks = new InlineBlocks(conn, named, portals, this::checkMayWrite, errors::of, notes);
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
        applySearchPath();
    }

    /** Makes the engine resolve names by the session's search_path (see {@link SearchPath}). */
    private void applySearchPath() throws SQLException {
        SearchPath.apply(conn, settings.get("search_path"), settings.sessionUser());
    }

    private static final String NON_KEYWORDS = "DAY, HOUR, MINUTE, MONTH, SECOND, YEAR, KEY, VALUE, ROWS, RANGE, GROUPS, TOP, MINUS,"
            + " QUALIFY, REGEXP, ROWNUM, UESCAPE, UNKNOWN, PARTITION";

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
        return tx.isIdle() && portals.running == null && simpleQueue == null && queue.isEmpty() && named.hasNoPortals()
                && copyIn == null;
    }

    /**
     * Whether the session may move now: between transactions, nothing queued or half-sent. Open
     * portals do not outlive a transaction in PostgreSQL, so they do not hold a move back.
     */
    public boolean canHandOver() {
        return tx.isIdle() && portals.running == null && simpleQueue == null && queue.isEmpty() && !skipUntilSync && copyIn == null;
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
        if (deliveredNotifications) {
            // Another session's commit is announced: not before it is durable.
            deliveredNotifications = false;
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
             AutoCloseable translation = StatementLimit.within(statementTimeoutMillis(), cancels::get)) {
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
            if (out.size() >= budget && (portals.running != null || simpleQueue != null || !queue.isEmpty())) {
                return true;
            }
            if (copyIn != null) {
                FrontendMessage m = queue.pollFirst();
                if (m == null) {
                    break;
                }
                copyMessage(m, out);
                continue;
            }
            if (simpleQueue != null) {
                continueSimpleQuery(out, budget);
                continue;
            }
            if (portals.running != null) {
                continueExecute(out, budget);
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

    private void handle(FrontendMessage m, BackendWriter out, int budget) {
        if (m instanceof FrontendMessage.Sync) {
            sync(out);
            return;
        }
        if (m instanceof FrontendMessage.Terminate) {
            terminated = true;
            return;
        }
        if (m instanceof FrontendMessage.Query q) {
            try {
                startSimpleQuery(q.sql(), out);
            } catch (RuntimeException | StackOverflowError e) {
                simpleError(errors.of(e), out);
            }
            return;
        }
        if (skipUntilSync) {
            return;
        }
        try {
            if (m instanceof FrontendMessage.Parse p) {
                errors.statement(p.sql(), 0);
                named.parse(p);
                out.parseComplete();
            } else if (m instanceof FrontendMessage.Bind b) {
                closePortal(b.portal());
                named.bind(b);
                out.bindComplete();
            } else if (m instanceof FrontendMessage.Describe d) {
                Portal cursor = d.kind() == 'P' && named.portal(d.name()) == null ? cursors.cursor(d.name()) : null;
                if (cursor != null) {
                    // A cursor DECLAREd in SQL is a portal too: psycopg describes it by name.
                    if (cursor.columns != null) {
                        out.rowDescription(cursor.columns);
                    } else {
                        out.noData();
                    }
                } else {
                    named.describe(d, out);
                }
            } else if (m instanceof FrontendMessage.Execute e) {
                execute(e, out, budget);
            } else if (m instanceof FrontendMessage.Close c) {
                close(c);
                out.closeComplete();
            } else if (m instanceof FrontendMessage.Flush) {
                // Output is flushed after every call anyway.
            } else if (m instanceof FrontendMessage.CopyData || m instanceof FrontendMessage.CopyDone
                    || m instanceof FrontendMessage.CopyFail) {
                // COPY data outside a COPY is ignored, as PostgreSQL does.
            } else if (m instanceof FrontendMessage.FunctionCall) {
                throw new PgException(PgError.error("0A000", "the fast-path function call interface is not supported"));
            } else {
                throw new PgException(PgError.error("08P01", "unexpected message " + m.getClass().getSimpleName()));
            }
        } catch (PgException e) {
            extendedError(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            // A statement nested too deep for the parser ends with 54001, as PostgreSQL's does; the session goes on.
            extendedError(errors.of(e), out);
        }
    }

    // ---- extended protocol ----

    private void execute(FrontendMessage.Execute e, BackendWriter out, int budget) throws SQLException {
        Portal p = named.portal(e.portal());
        if (p == null) {
            throw new PgException(PgError.error("34000", "portal \"" + e.portal() + "\" does not exist"));
        }
        errors.statement(p.query.sql, 0);
        if (!p.executed) {
            Command.Kind kind = p.query.command().kind();
            if (tx.status() == 'E' && kind != Command.Kind.COMMIT && kind != Command.Kind.ROLLBACK && kind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            PreparedQuery query = p.query;
            commitWindows.statementStarts(query.command(), tx, () -> query.readOnly(conn));
            if (kind == Command.Kind.EMPTY) {
                out.emptyQueryResponse();
                return;
            }
            if (kind == Command.Kind.COPY) {
                p.executed = true;
                Portal copyOut = startCopy(p.query, out, true);
                if (copyOut == null) {
                    return;
                }
                p = copyOut;
                named.putPortal(e.portal(), p);
            } else if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                runUtility(p.query, out, p);
                p.executed = true;
                return;
            } else {
                if (kind == Command.Kind.ENGINE) {
                    checkMayWrite(p.query.command());
                    tx.beginImplicit();
                }
                portals.start(p);
            }
        }
        portals.send(p, e.maxRows());
        continueExecute(out, budget);
    }

    /** Sends rows of the running portal until done, the row limit, or the output budget. */
    private void continueExecute(BackendWriter out, int budget) {
        Portal p = portals.running;
        try {
            boolean finished = portals.writeRows(p, out, budget, portals.maxRows, true);
            if (!finished) {
                return;
            }
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            portals.running = null;
            extendedError(errors.of(e), out);
        }
    }

    private void close(FrontendMessage.Close c) throws SQLException {
        if (c.kind() == 'S') {
            named.closeStatement(c.name());
        } else {
            closePortal(c.name());
        }
    }

    private void closePortal(String name) throws SQLException {
        Portal p = named.removePortal(name);
        if (p != null) {
            if (portals.running == p) {
                portals.running = null;
            }
            p.close();
        }
    }

    private void sync(BackendWriter out) {
        skipUntilSync = false;
        try {
            // The unnamed portal and statement do not outlive the pipeline in practice; portals of
            // an implicit transaction end with it.
            if (tx.isImplicit()) {
                closeAllPortals();
                tx.endImplicit(true);
            }
        } catch (SQLException e) {
            out.errorResponse("ERROR", PgError.of(e).sqlState(), PgError.of(e).message(), null, null, 0);
            tx.rollbackQuietly();
        } catch (PgException e) {
            errors.write(e.error, out); // the commit found a listener's queue full (54000)
            tx.rollbackQuietly();
        }
        ready(out);
    }

    /**
     * ReadyForQuery, preceded between transactions by the notifications waiting for the session
     * (PostgreSQL sends them just before ReadyForQuery, never inside a transaction).
     */
    private void ready(BackendWriter out) {
        if (tx.status() == 'I' && notes.drainTo(out)) {
            deliveredNotifications = true;
        }
        out.readyForQuery(tx.status());
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

    private void extendedError(PgError error, BackendWriter out) {
        errors.write(error, out);
        skipUntilSync = true;
        afterError();
    }

    private void afterError() {
        tx.fail();
        if (tx.status() == 'I' && !tx.isImplicit()) {
            notes.rolledBack(); // a statement that failed outside a transaction: its NOTIFYs vanish with it
        }
        if (tx.isImplicit()) {
            closeAllPortals();
            tx.rollbackQuietly();
        }
        tx.autocommitted();
    }

    // ---- simple query protocol ----

    private void startSimpleQuery(String sql, BackendWriter out) {
        skipUntilSync = false;
        List<String> parts = SqlLexer.split(sql);
        if (parts.isEmpty()) {
            out.emptyQueryResponse();
            ready(out);
            return;
        }
        simpleQueue = new ArrayDeque<>(parts);
        simpleSql = sql;
        simpleFrom = 0;
        simpleImplicit = parts.size() > 1;
    }

    private void continueSimpleQuery(BackendWriter out, int budget) {
        try {
            if (portals.running != null) {
                if (!portals.writeRows(portals.running, out, budget, 0, false)) {
                    return;
                }
            }
            String sql = simpleQueue.pollFirst();
            if (sql == null) {
                simpleQueue = null;
                if (tx.isImplicit()) {
                    tx.endImplicit(true);
                }
                tx.autocommitted();
                ready(out);
                return;
            }
            // where the statement starts in the query string, whose characters PostgreSQL's positions count
            int at = simpleSql.indexOf(sql, simpleFrom);
            errors.statement(sql, at < 0 ? 0 : simpleSql.codePointCount(0, at));
            simpleFrom = at < 0 ? simpleFrom : at + sql.length();
            PreparedQuery q = named.prepare(sql, new int[0]);
            Command.Kind kind = q.command().kind();
            if (tx.status() == 'E' && kind != Command.Kind.COMMIT && kind != Command.Kind.ROLLBACK && kind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            commitWindows.statementStarts(q.command(), tx, () -> q.readOnly(conn));
            if (q.parameterCount > 0) {
                throw new PgException(PgError.error("42P02", "there is no parameter $1"));
            }
            if (kind == Command.Kind.COPY) {
                Portal copyOut = startCopy(q, out, false);
                if (copyOut != null) {
                    portals.send(copyOut, 0);
                    portals.writeRows(copyOut, out, budget, 0, false);
                }
                return;
            }
            if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                runUtility(q, out, null);
                return;
            }
            if (kind == Command.Kind.ENGINE) {
                checkMayWrite(q.command());
            }
            if (kind == Command.Kind.ENGINE && simpleImplicit) {
                tx.beginImplicit();
            }
            Portal p = new Portal(q, new short[0]);
            if (kind == Command.Kind.ENGINE && !q.isEmptyResult()) {
                p.statement = q.borrow(conn);
            }
            try {
                portals.start(p);
            } catch (SQLException | RuntimeException e) {
                p.close();
                throw e;
            }
            if (p.columns != null) {
                out.rowDescription(p.columns);
            }
            portals.send(p, 0);
            portals.writeRows(p, out, budget, 0, false);
        } catch (PgException e) {
            simpleError(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            simpleError(errors.of(e), out);
        }
    }

    private void simpleError(PgError error, BackendWriter out) {
        if (portals.running != null) {
            try {
                portals.running.close();
            } catch (SQLException e) {
                log.debug("closing a failed portal", e);
            }
            portals.running = null;
        }
        errors.write(error, out);
        simpleQueue = null;
        afterError();
        ready(out);
    }

    /** Statements that make the database grow are refused past its storage quota; reads and deletions still run. */
    private void checkMayWrite(Command c) {
        if (c.writes() && utility.readOnly(tx.status() != 'I' && !tx.isImplicit())) {
            throw new PgException(PgError.error("25006", "cannot execute " + c.tag() + " in a read-only transaction"));
        }
        if (!c.grows()) {
            return;
        }
        PgError full = guard.beforeWrite();
        if (full != null) {
            throw new PgException(full);
        }
    }

    // ---- COPY ----

    /**
     * Starts a COPY. FROM STDIN answers CopyInResponse and waits for CopyData (returns null); TO
     * STDOUT returns a running portal whose rows go out as CopyData.
     */
    private Portal startCopy(PreparedQuery q, BackendWriter out, boolean extended) throws SQLException {
        CopyStatement copy = CopyStatement.parse(q.sql);
        if (copy.in()) {
            if (utility.readOnly(tx.status() != 'I' && !tx.isImplicit())) {
                throw new PgException(PgError.error("25006", "cannot execute COPY FROM in a read-only transaction"));
            }
            checkMayWrite(q.command());
            if (tx.status() == 'I') {
                tx.beginImplicit();
            }
            copyIn = CopyIn.start(copy, conn, named.lookup().dateOrder());
            copyInExtended = extended;
            out.copyInResponse(copyIn.columnCount(), copyIn.binary());
            return null;
        }
        tx.beginImplicit();
        Translation tr = SqlTranslator.translate(copy.selectSql(), named.lookup());
        PreparedQuery select = new PreparedQuery(q.sql, tr.engineSql(), q.command(), tr.parameters(), new int[0], tr);
        Portal p = new Portal(select, new short[0]);
        p.statement = conn.prepareStatement(select.engineSql);
        p.ownsStatement = true;
        portals.start(p);
        p.copy = new CopyCodec(copy);
        out.copyOutResponse(p.oids.length, copy.binary());
        if (copy.header() && copy.csv()) {
            String[] names = new String[p.columns.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = p.columns[i].name();
            }
            out.copyData(p.copy.header(names));
        }
        return p;
    }

    /** A message while COPY FROM STDIN runs: data, its end, or its failure. */
    private void copyMessage(FrontendMessage m, BackendWriter out) {
        try {
            if (m instanceof FrontendMessage.CopyData d) {
                copyIn.data(d.data());
            } else if (m instanceof FrontendMessage.CopyDone) {
                long n = copyIn.finish();
                endCopy();
                out.commandComplete("COPY " + n);
                if (!copyInExtended && simpleQueue == null && tx.isImplicit()) {
                    tx.endImplicit(true);
                }
                if (!copyInExtended && simpleQueue != null && simpleQueue.isEmpty()) {
                    // the rest of the Query (ReadyForQuery) follows in continueSimpleQuery
                    return;
                }
            } else if (m instanceof FrontendMessage.CopyFail f) {
                throw new PgException(PgError.error("57014", "COPY from stdin failed: " + f.message()));
            } else if (m instanceof FrontendMessage.Flush || m instanceof FrontendMessage.Sync) {
                // PostgreSQL ignores these during COPY IN
            } else if (m instanceof FrontendMessage.Terminate) {
                endCopy();
                terminated = true;
            } else {
                throw new PgException(PgError.error("08P01", "unexpected message type during COPY from stdin"));
            }
        } catch (PgException e) {
            copyFailed(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            copyFailed(errors.of(e), out);
        }
    }

    private void endCopy() {
        try {
            copyIn.close();
        } catch (SQLException e) {
            log.debug("closing COPY", e);
        }
        copyIn = null;
    }

    private void copyFailed(PgError error, BackendWriter out) {
        endCopy();
        if (copyInExtended) {
            extendedError(error, out);
        } else {
            simpleError(error, out);
        }
    }

    // ---- utility commands ----

    /** Runs a command the session handles itself; {@code portal}: its portal in the extended protocol, null in a simple query. */
    private void runUtility(PreparedQuery q, BackendWriter out, Portal portal) throws SQLException {
        runUtilityCommand(q, out, portal);
        // Some of these make H2 commit (its SET, CREATE SCHEMA, DDL in a DO block, a new isolation
        // level): what the transaction holds is in a new engine transaction from here on.
        tx.reanchor();
    }

    private void runUtilityCommand(PreparedQuery q, BackendWriter out, Portal portal) throws SQLException {
        boolean extended = portal != null;
        Command c = q.command();
        switch (c.kind()) {
            case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO -> tx.run(q.command(), q.sql, out);
            case SET -> {
                for (Map.Entry<String, String> changed : utility.set(q.sql, conn).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                tx.enterSerializable(); // SET TRANSACTION ISOLATION LEVEL SERIALIZABLE inside a block
                out.commandComplete("SET");
            }
            case RESET -> {
                for (Map.Entry<String, String> changed : utility.reset(q.sql).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                applySearchPath();
                out.commandComplete("RESET");
            }
            case DISCARD -> {
                if (c.tag().equals("DISCARD ALL")) {
                    notes.discardAll(); // PostgreSQL's DISCARD ALL includes UNLISTEN *
                }
                closeAllPortals();
                named.closeStatements();
                settings.resetAll();
                applySearchPath();
                out.commandComplete(c.tag());
            }
            case DEALLOCATE -> {
                List<SqlLexer.Token> code = SqlLexer.code(q.sql);
                String last = code.get(code.size() - 1).text();
                if (c.tag().endsWith("ALL")) {
                    named.closeStatements();
                } else {
                    named.deallocate(last.replace("\"", ""));
                }
                out.commandComplete(c.tag());
            }
            case SCHEMA -> {
                // Like all DDL on H2 it does not roll back with a transaction block.
                schemas.run(q.sql, out);
                if (catalog != null) {
                    catalog.invalidate();
                }
                applySearchPath();
            }
            case DECLARE -> cursors.declare(q, tx.status(), out, portal);
            case FETCH -> cursors.fetch(q, out, !extended);
            case CLOSE_CURSOR -> cursors.close(c.name(), out);
            case NOOP -> out.commandComplete(c.tag());
            case LISTEN, UNLISTEN, NOTIFY -> {
                // Transactional, as in PostgreSQL: in a pipeline or a Query of several statements they
                // take effect with the implicit transaction's commit (a single statement commits alone).
                if (extended || simpleImplicit) {
                    tx.beginImplicit();
                }
                notes.run(c, q.sql);
                out.commandComplete(c.tag());
            }
            case DO -> {
                // A DO is atomic: outside a block it runs in an implicit transaction (ended by the
                // end of the Query string or by Sync), which its exception handlers' savepoints need.
                tx.beginImplicit();
                inlineBlocks.run(q.sql);
                out.commandComplete("DO");
            }
            case EMPTY -> out.emptyQueryResponse();
            default -> throw new IllegalStateException("not a utility command: " + c);
        }
    }

    private void closeAllPortals() {
        cursors.closeAll(false);
        named.closePortals();
        portals.running = null;
    }

    /** The simple query string being run, and where in it the statement run last ends. */
    private String simpleSql = "";
    private int simpleFrom;

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
