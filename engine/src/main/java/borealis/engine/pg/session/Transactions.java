package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.catalog.AdvisoryLocks;
import borealis.engine.pg.catalog.DeferredConstraints;
import borealis.engine.pg.catalog.SessionRelations;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's transaction state, as PostgreSQL keeps it: idle ('I'), in a block ('T') or in a
 * failed block ('E'), plus the implicit transaction that wraps statements outside a block until
 * Sync (extended protocol) or the end of a Query string (simple protocol). Runs BEGIN, COMMIT,
 * ROLLBACK and the savepoint commands on the H2 connection.
 */
final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final Connection conn;
    private final SessionSettings settings;
    private final UtilityCommands utility;
    /** Runs when a block ends: portals do not outlive their transaction. */
    private final Runnable onEnd;
    private final Map<String, Savepoint> savepoints = new HashMap<>();
    private char status = 'I';
    private boolean implicit;
    /** The isolation to return to after a block begun with BEGIN ISOLATION LEVEL ..., or -1. */
    private int blockIsolation = -1;
    private String blockIsolationName;

    Transactions(Connection conn, SessionSettings settings, UtilityCommands utility, Runnable onEnd, Runnable beforeCommit,
                 SessionNotifications notes) {
        this.conn = conn;
        this.notes = notes;
        this.settings = settings;
        this.utility = utility;
        this.onEnd = onEnd;
        this.beforeCommit = beforeCommit;
    }

    /** LISTEN and NOTIFY take effect at commit and vanish at rollback. */
    private final SessionNotifications notes;

    /** Runs before every commit: others may see it from then on. */
    private final Runnable beforeCommit;

    private StatementObserver observer = StatementObserver.NONE;

    /**
     * The engine transaction that holds this transaction's changes: H2's sequence number, once it
     * has any. H2 rolls a whole transaction back by itself on some errors (a deadlock, a concurrent
     * update under REPEATABLE READ) and runs the next statement in a new one; if such an error was
     * ever swallowed on the way, the earlier changes are gone while the block looks healthy, and
     * COMMIT would acknowledge writes that were lost (exactly what the rare lost append at
     * REPEATABLE READ in docs/storage.md looks like). Checked after every statement and before COMMIT.
     */
    private String engineTransaction;

    /**
     * SERIALIZABLE without write skew: H2's serializable isolation is snapshot isolation, which lets
     * two transactions each read what the other writes and both commit (PostgreSQL's SSI aborts one).
     * Serializable transactions that may write therefore run one at a time per database: a block
     * takes this permit when it becomes SERIALIZABLE and READ WRITE, and gives it back when it ends.
     * A block that cannot take it within {@link #SERIALIZABLE_WAIT_MILLIS} fails with 40001, the
     * retryable error PostgreSQL gives a serialization failure. Read-only and implicit (single
     * statement) transactions do not take it.
     */
    private Semaphore serializable;
    private boolean holdsSerializable;
    static final long SERIALIZABLE_WAIT_MILLIS = 2000;

    void serializeWith(Semaphore permit) {
        this.serializable = permit;
    }

    /** Takes the database's serializable permit if this block is now SERIALIZABLE and READ WRITE. */
    void enterSerializable() throws SQLException {
        if (serializable == null || holdsSerializable || status == 'I' || implicit
                || conn.getTransactionIsolation() != Connection.TRANSACTION_SERIALIZABLE || utility.readOnly(true)) {
            return;
        }
        boolean taken;
        try {
            taken = serializable.tryAcquire(SERIALIZABLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            throw new PgException(new PgError("ERROR", "40001", "could not serialize access due to read/write dependencies among transactions",
                    "Another serializable read-write transaction on this database did not finish within " + SERIALIZABLE_WAIT_MILLIS + " ms.",
                    "The transaction might succeed if retried."));
        }
        holdsSerializable = true;
    }

    /** Gives the serializable permit back (the block ended, or the session closes). */
    void leaveSerializable() {
        if (holdsSerializable) {
            holdsSerializable = false;
            serializable.release();
        }
    }

    void observe(StatementObserver observer) {
        this.observer = observer;
    }

    char status() {
        return status;
    }

    /** Transactions ended so far (committed or not, blocks and implicit ones). */
    long ends() {
        return ends;
    }

    private long ends;

    private void ended(boolean commit) {
        AdvisoryLocks.transactionEnded(conn);
        if (!commit) {
            try {
                SessionRelations.dropTemporaryTablesNotIn(conn, temporaryAtBegin);
            } catch (SQLException | RuntimeException e) {
                log.warn("could not drop the temporary tables of a rolled back transaction", e);
            }
        }
        temporaryAtBegin = null;
        try {
            DeferredConstraints.transactionEnded(conn);
        } catch (SQLException e) {
            log.warn("could not forget the deferred checks of a transaction", e);
        }
        ends++;
        observer.transaction(commit);
    }

    boolean isImplicit() {
        return implicit;
    }

    /** No block and no implicit transaction open. */
    boolean isIdle() {
        return status == 'I' && !implicit;
    }

    /** An error inside a block leaves it failed until ROLLBACK. */
    void fail() {
        if (status == 'T') {
            status = 'E';
            if (savepoints.isEmpty()) {
                // PostgreSQL aborts a failed block at once: its locks go before the ROLLBACK comes.
                // (With savepoints a ROLLBACK TO may resume it, so they stay until the block ends.)
                AdvisoryLocks.transactionEnded(conn);
            }
        }
    }

    /** A statement ran outside any transaction (a single simple-protocol statement commits by itself). */
    void autocommitted() {
        if (status == 'I' && !implicit) {
            AdvisoryLocks.transactionEnded(conn);
            notes.autocommitted();
        }
    }

    /**
     * Commits with the transaction's notifications (in commit order); when a listener's queue is
     * full (54000) the transaction rolls back instead and the error is thrown.
     */
    private void commit() throws SQLException {
        try {
            notes.commit(conn::commit, true);
        } catch (PgException e) {
            conn.rollback();
            throw e;
        }
    }

    void beginImplicit() throws SQLException {
        if (status == 'I' && !implicit) {
            conn.setAutoCommit(false);
            implicit = true;
            temporaryAtBegin = SessionRelations.temporaryTables(conn);
        }
    }

    /**
     * The session's temporary tables when the transaction began (null outside one), and at each
     * savepoint: a rollback drops those made since, as PostgreSQL's transactional DDL does. (H2
     * creates them without committing: TRANSACTIONAL.)
     */
    private java.util.Set<Object> temporaryAtBegin;
    private final Map<String, java.util.Set<Object>> temporaryAtSavepoint = new HashMap<>();
    /** transaction_read_only at each savepoint: its subtransaction's end restores it. */
    private final Map<String, String> readOnlyAtSavepoint = new HashMap<>();

    void endImplicit(boolean commit) throws SQLException {
        implicit = false;
        engineTransaction = null;
        if (commit) {
            try {
                DeferredConstraints.check(conn);
            } catch (PgException e) {
                conn.rollback();
                notes.rolledBack();
                conn.setAutoCommit(true);
                ended(false);
                throw e;
            }
            beforeCommit.run();
            try {
                commit();
            } catch (PgException e) {
                conn.setAutoCommit(true);
                ended(false);
                throw e;
            }
        } else {
            conn.rollback();
            notes.rolledBack();
        }
        conn.setAutoCommit(true);
        ended(commit);
    }

    void rollbackQuietly() {
        engineTransaction = null;
        if (status == 'I') {
            notes.rolledBack();
        }
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
                if (status == 'I') {
                    conn.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            log.warn("rollback failed", e);
        }
        if (implicit) {
            ended(false); // after the rollback: a temporary table it made goes once no change of it is pending
        } else {
            AdvisoryLocks.transactionEnded(conn);
        }
        implicit = false;
    }

    /** BEGIN / START TRANSACTION, COMMIT / END, ROLLBACK / ABORT, SAVEPOINT, RELEASE, ROLLBACK TO. */
    void run(Command c, String sql, BackendWriter out) throws SQLException {
        switch (c.kind()) {
            case BEGIN -> {
                boolean alreadyOpen = status != 'I';
                if (status != 'I') {
                    out.noticeResponse("WARNING", "25001", "there is already a transaction in progress");
                } else {
                    openBlock();
                }
                int isolation = conn.getTransactionIsolation();
                String level = settings.get("transaction_isolation");
                if (!alreadyOpen) {
                    utility.blockBegins();
                }
                utility.transactionOptions(sql, conn);
                if (conn.getTransactionIsolation() != isolation) {
                    // BEGIN ISOLATION LEVEL applies to this transaction only
                    blockIsolation = isolation;
                    blockIsolationName = level;
                }
                enterSerializable();
                out.commandComplete(c.tag().equals("START TRANSACTION") ? "START TRANSACTION" : "BEGIN");
            }
            case COMMIT, ROLLBACK -> {
                boolean chain = Command.chains(sql);
                if (chain && status == 'I') {
                    // sql-built: an error message naming the command, not SQL
                    throw new PgException(PgError.error("25P01", c.tag() + " AND CHAIN can only be used in transaction blocks"));
                }
                Characteristics kept = chain ? characteristics() : null;
                if (c.kind() == Command.Kind.COMMIT) {
                    commitBlock(out);
                } else {
                    rollbackBlock(out);
                }
                if (kept != null) {
                    chainBlock(kept);
                }
            }
            case SAVEPOINT -> {
                requireBlock("SAVEPOINT");
                savepoints.put(c.name(), conn.setSavepoint(c.name()));
                temporaryAtSavepoint.put(c.name(), SessionRelations.temporaryTables(conn));
                readOnlyAtSavepoint.put(c.name(), settings.get("transaction_read_only"));
                notes.savepoint(c.name());
                out.commandComplete("SAVEPOINT");
            }
            case RELEASE -> {
                requireBlock("RELEASE SAVEPOINT");
                Savepoint sp = savepoint(c.name());
                conn.releaseSavepoint(sp);
                savepoints.remove(c.name());
                temporaryAtSavepoint.remove(c.name());
                // A subtransaction's SET TRANSACTION READ ONLY ends with it, committed or not (as in PostgreSQL).
                String readOnly = readOnlyAtSavepoint.remove(c.name());
                if (readOnly != null) {
                    settings.set("transaction_read_only", readOnly);
                }
                out.commandComplete("RELEASE");
            }
            case ROLLBACK_TO -> {
                requireBlock("ROLLBACK TO SAVEPOINT");
                conn.rollback(savepoint(c.name()));
                SessionRelations.dropTemporaryTablesNotIn(conn, temporaryAtSavepoint.get(c.name()));
                String readOnly = readOnlyAtSavepoint.get(c.name());
                if (readOnly != null) {
                    settings.set("transaction_read_only", readOnly);
                }
                notes.rollbackTo(c.name());
                status = 'T';
                // What the savepoint kept (maybe nothing) is in the same engine transaction.
                engineTransaction = engineTransactionId();
                out.commandComplete("ROLLBACK");
            }
            default -> throw new IllegalStateException("not a transaction command: " + c);
        }
    }

    /** What COMMIT AND CHAIN carries over to the next block. */
    private record Characteristics(int isolation, String isolationName, String readOnly, String deferrable) {}

    private Characteristics characteristics() throws SQLException {
        return new Characteristics(conn.getTransactionIsolation(), settings.get("transaction_isolation"),
                settings.get("transaction_read_only"), settings.get("transaction_deferrable"));
    }

    /** The session enters a block: explicit transaction on the engine connection. */
    private void openBlock() throws SQLException {
        if (!implicit) {
            conn.setAutoCommit(false);
            engineTransaction = null;
            temporaryAtBegin = SessionRelations.temporaryTables(conn);
        }
        implicit = false;
        status = 'T';
    }

    /** The block that AND CHAIN starts, with the characteristics of the one that ended. */
    private void chainBlock(Characteristics kept) throws SQLException {
        openBlock();
        utility.blockBegins();
        if (conn.getTransactionIsolation() != kept.isolation()) {
            blockIsolation = conn.getTransactionIsolation();
            blockIsolationName = settings.get("transaction_isolation");
            conn.setTransactionIsolation(kept.isolation());
        }
        settings.set("transaction_isolation", kept.isolationName());
        settings.set("transaction_read_only", kept.readOnly());
        settings.set("transaction_deferrable", kept.deferrable());
        enterSerializable();
    }

    private void commitBlock(BackendWriter out) throws SQLException {
        String held = engineTransaction;
        engineTransaction = null;
        if (status == 'I') {
            out.noticeResponse("WARNING", "25P01", "there is no transaction in progress");
            out.commandComplete("COMMIT");
        } else if (status == 'E') {
            onEnd.run();
            notes.rolledBack();
            conn.rollback();
            out.commandComplete("ROLLBACK");
            blockEnded(false);
        } else {
            onEnd.run();
            String now = engineTransactionId();
            if (held != null && !held.equals(now)) {
                // Its changes are gone: report the loss instead of acknowledging it.
                notes.rolledBack();
                conn.rollback();
                blockEnded(false);
                restoreBlockIsolation();
                throw lost(held, now, "COMMIT");
            }
            try {
                DeferredConstraints.check(conn); // a deferred foreign key fails the COMMIT, which rolls back
            } catch (PgException e) {
                notes.rolledBack();
                conn.rollback();
                blockEnded(false);
                restoreBlockIsolation();
                throw e;
            }
            beforeCommit.run();
            try {
                commit();
            } catch (PgException e) {
                blockEnded(false);
                restoreBlockIsolation();
                throw e;
            }
            out.commandComplete("COMMIT");
            blockEnded(true);
        }
        restoreBlockIsolation();
    }

    private void rollbackBlock(BackendWriter out) throws SQLException {
        engineTransaction = null;
        if (status == 'I') {
            out.noticeResponse("WARNING", "25P01", "there is no transaction in progress");
        } else {
            onEnd.run();
            notes.rolledBack();
            conn.rollback();
            blockEnded(false);
        }
        out.commandComplete("ROLLBACK");
        restoreBlockIsolation();
    }

    /**
     * After a statement of a transaction succeeded: its changes must still be in the same engine
     * transaction. DDL and TRUNCATE are the exception: H2 commits around them, so a new engine
     * transaction is expected after those (PostgreSQL's transactional DDL is not H2's).
     */
    void statementSucceeded(String sql, boolean changedSchema) throws SQLException {
        if (isIdle()) {
            engineTransaction = null;
            return;
        }
        String now = engineTransactionId();
        boolean commitsInEngine = changedSchema || COMMITS_IN_ENGINE.contains(firstWord(sql));
        if (!commitsInEngine) {
            requireSameEngineTransaction(now, sql);
        }
        if (now != null || commitsInEngine) {
            engineTransaction = now;
        }
    }

    /** Statements H2 runs outside the transaction (it commits first), besides those that change the schema. */
    private static final java.util.Set<String> COMMITS_IN_ENGINE = java.util.Set.of("TRUNCATE", "CREATE", "ALTER", "DROP", "COMMENT",
            "GRANT", "REVOKE", "ANALYZE", "SET");

    private static String firstWord(String sql) {
        int i = 0;
        while (i < sql.length() && (Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        int from = i;
        while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(from, i).toUpperCase(java.util.Locale.ROOT);
    }

    /** After a command that may make H2 commit: the transaction's changes are in whatever engine transaction is current. */
    void reanchor() throws SQLException {
        engineTransaction = isIdle() ? null : engineTransactionId();
    }

    private void requireSameEngineTransaction(String now, String sql) {
        if (engineTransaction != null && !engineTransaction.equals(now)) {
            String held = engineTransaction;
            engineTransaction = null;
            throw lost(held, now, sql);
        }
    }

    /** The error for a transaction whose engine transaction ({@code held}) is gone, noticed after {@code sql}. */
    private static PgException lost(String held, String now, String sql) {
        log.warn("the engine rolled back transaction {} by itself (now {}), noticed after: {}", held, now,
                sql.length() > 200 ? sql.substring(0, 200) + "..." : sql);
        return new PgException(new PgError("ERROR", "40001", "could not serialize access due to concurrent update",
                "The engine rolled this transaction back; none of its changes remain.", "The transaction might succeed if retried."));
    }

    /** A block ended (committed or not): back to autocommit, no savepoints. */
    private void blockEnded(boolean committed) throws SQLException {
        conn.setAutoCommit(true);
        status = 'I';
        savepoints.clear();
        temporaryAtSavepoint.clear();
        readOnlyAtSavepoint.clear();
        ended(committed);
    }

    private String engineTransactionId() throws SQLException {
        org.h2.value.Value id = ((org.h2.engine.SessionLocal) conn.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getTransactionId();
        return id == org.h2.value.ValueNull.INSTANCE ? null : id.getString();
    }

    private void restoreBlockIsolation() throws SQLException {
        leaveSerializable();
        settings.set("transaction_read_only", settings.get("default_transaction_read_only"));
        settings.set("transaction_deferrable", settings.get("default_transaction_deferrable"));
        if (blockIsolation >= 0) {
            conn.setTransactionIsolation(blockIsolation);
            settings.set("transaction_isolation", blockIsolationName);
            blockIsolation = -1;
        }
    }

    private void requireBlock(String what) {
        if (status == 'I') {
            throw new PgException(PgError.error("25P01", what + " can only be used in transaction blocks"));
        }
    }

    private Savepoint savepoint(String name) {
        Savepoint sp = savepoints.get(name);
        if (sp == null) {
            throw new PgException(PgError.error("3B001", "savepoint \"" + name + "\" does not exist"));
        }
        return sp;
    }
}
