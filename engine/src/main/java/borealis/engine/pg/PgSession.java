package borealis.engine.pg;

import borealis.engine.pgwire.BackendWriter;
import borealis.engine.pgwire.FrontendMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
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

    /** What a call left behind. */
    public record Outcome(boolean suspended, long requiredLsn, boolean terminate) {}

    private final Connection conn;
    private final LongSupplier highestLsn;
    private final SessionSettings settings;
    private final ArrayDeque<FrontendMessage> queue = new ArrayDeque<>();
    private final Map<String, PreparedQuery> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private final Map<String, Savepoint> savepoints = new HashMap<>();
    private final UtilityCommands utility;

    private char txStatus = 'I';
    private boolean implicitTx;
    private boolean skipUntilSync;
    /** A portal whose Execute stopped at the output budget. */
    private Portal runningPortal;
    private int runningMaxRows;
    private long runningSent;
    /** Statements left of a simple Query being run. */
    private ArrayDeque<String> simpleQueue;
    private boolean simpleImplicit;
    private volatile PreparedStatement executing;
    private boolean terminated;

    public PgSession(Connection conn, LongSupplier highestLsn, SessionSettings settings) throws SQLException {
        this.conn = conn;
        this.highestLsn = highestLsn;
        this.settings = settings;
        this.utility = new UtilityCommands(settings);
        conn.setAutoCommit(true);
    }

    public char transactionStatus() {
        return txStatus;
    }

    public SessionSettings settings() {
        return settings;
    }

    /** Whether the session is between transactions with nothing half-done (so it may move). */
    public boolean isQuiescent() {
        return txStatus == 'I' && !implicitTx && runningPortal == null && simpleQueue == null && queue.isEmpty() && portals.isEmpty();
    }

    /** Cancels the statement running now, if any (from another thread). */
    public void cancel() {
        PreparedStatement ps = executing;
        if (ps != null) {
            try {
                ps.cancel();
            } catch (SQLException e) {
                log.debug("cancel failed", e);
            }
        }
    }

    /** Queues messages and processes as many as the output budget allows. */
    public Outcome process(List<FrontendMessage> messages, BackendWriter out, int budget) {
        queue.addAll(messages);
        return resume(out, budget);
    }

    /** Continues processing after a suspended call. */
    public Outcome resume(BackendWriter out, int budget) {
        while (!terminated) {
            if (out.size() >= budget && (runningPortal != null || simpleQueue != null || !queue.isEmpty())) {
                return new Outcome(true, highestLsn.getAsLong(), false);
            }
            if (simpleQueue != null) {
                continueSimpleQuery(out, budget);
                continue;
            }
            if (runningPortal != null) {
                continueExecute(out, budget);
                continue;
            }
            FrontendMessage m = queue.pollFirst();
            if (m == null) {
                break;
            }
            handle(m, out, budget);
        }
        return new Outcome(false, highestLsn.getAsLong(), terminated);
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
            startSimpleQuery(q.sql(), out);
            return;
        }
        if (skipUntilSync) {
            return;
        }
        try {
            if (m instanceof FrontendMessage.Parse p) {
                parse(p);
                out.parseComplete();
            } else if (m instanceof FrontendMessage.Bind b) {
                bind(b);
                out.bindComplete();
            } else if (m instanceof FrontendMessage.Describe d) {
                describe(d, out);
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
            extendedError(e.error, out);
        } catch (SQLException | RuntimeException e) {
            extendedError(errorOf(e), out);
        }
    }

    // ---- extended protocol ----

    private void parse(FrontendMessage.Parse p) throws SQLException {
        if (!p.name().isEmpty() && statements.containsKey(p.name())) {
            throw new PgException(PgError.error("42P05", "prepared statement \"" + p.name() + "\" already exists"));
        }
        List<String> parts = SqlLexer.split(p.sql());
        if (parts.size() > 1) {
            throw new PgException(PgError.error("42601", "cannot insert multiple commands into a prepared statement"));
        }
        PreparedQuery q = prepare(parts.isEmpty() ? "" : parts.get(0), p.parameterTypes());
        PreparedQuery old = statements.put(p.name(), q);
        if (old != null) {
            old.close();
        }
    }

    private PreparedQuery prepare(String sql, int[] declaredTypes) {
        Command command = Command.classify(sql);
        StringBuilder engineSql = new StringBuilder();
        int maxParam = 0;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            if (t.kind() == SqlLexer.Kind.PARAM) {
                int n = Integer.parseInt(t.text().substring(1));
                maxParam = Math.max(maxParam, n);
                engineSql.append('?').append(n);
            } else {
                engineSql.append(t.text());
            }
        }
        return new PreparedQuery(sql, engineSql.toString(), command, maxParam, declaredTypes);
    }

    private void bind(FrontendMessage.Bind b) throws SQLException {
        PreparedQuery q = statements.get(b.statement());
        if (q == null) {
            throw new PgException(PgError.error("26000", "prepared statement \"" + b.statement() + "\" does not exist"));
        }
        if (b.parameters().length != q.parameterCount) {
            throw new PgException(PgError.error("08P01", "bind message supplies " + b.parameters().length
                    + " parameters, but prepared statement \"" + b.statement() + "\" requires " + q.parameterCount));
        }
        closePortal(b.portal());
        Portal portal = new Portal(q, b.resultFormats());
        if (q.command().kind() == Command.Kind.ENGINE) {
            int[] types = q.parameterCount > 0 ? q.parameterTypes(conn) : new int[0];
            portal.statement = q.borrow(conn);
            try {
                for (int i = 0; i < b.parameters().length; i++) {
                    boolean binaryParam = isBinary(b.parameterFormats(), i);
                    PgValues.bind(portal.statement, i + 1, types[i], binaryParam, b.parameters()[i]);
                }
            } catch (SQLException | RuntimeException e) {
                portal.close();
                throw e;
            }
        }
        portals.put(b.portal(), portal);
    }

    private static boolean isBinary(short[] formats, int i) {
        if (formats.length == 0) {
            return false;
        }
        return (formats.length == 1 ? formats[0] : formats[i]) == 1;
    }

    private void describe(FrontendMessage.Describe d, BackendWriter out) throws SQLException {
        if (d.kind() == 'S') {
            PreparedQuery q = statements.get(d.name());
            if (q == null) {
                throw new PgException(PgError.error("26000", "prepared statement \"" + d.name() + "\" does not exist"));
            }
            out.parameterDescription(q.parameterCount > 0 ? q.parameterTypes(conn) : new int[0]);
            Portal probe = new Portal(q, new short[0]);
            if (describeRows(probe)) {
                out.rowDescription(probe.columns);
            } else {
                out.noData();
            }
        } else {
            Portal p = portals.get(d.name());
            if (p == null) {
                throw new PgException(PgError.error("34000", "portal \"" + d.name() + "\" does not exist"));
            }
            if (describeRows(p)) {
                out.rowDescription(p.columns);
            } else {
                out.noData();
            }
        }
    }

    /** Fills a portal's columns without running it; false if the statement returns no rows. */
    private boolean describeRows(Portal p) throws SQLException {
        if (p.columns != null) {
            return true;
        }
        PreparedQuery q = p.query;
        if (q.command().kind() == Command.Kind.SHOW) {
            p.describeUtility(utility.showColumns(q.sql));
            return true;
        }
        if (q.command().kind() != Command.Kind.ENGINE) {
            return false;
        }
        PreparedStatement ps = p.statement != null ? p.statement : q.borrow(conn);
        try {
            var md = ps.getMetaData();
            if (md == null) {
                return false;
            }
            p.describe(md);
            return true;
        } finally {
            if (p.statement == null) {
                q.giveBack(ps);
            }
        }
    }

    private void execute(FrontendMessage.Execute e, BackendWriter out, int budget) throws SQLException {
        Portal p = portals.get(e.portal());
        if (p == null) {
            throw new PgException(PgError.error("34000", "portal \"" + e.portal() + "\" does not exist"));
        }
        if (!p.executed) {
            Command.Kind kind = p.query.command().kind();
            if (txStatus == 'E' && kind != Command.Kind.COMMIT && kind != Command.Kind.ROLLBACK && kind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            if (kind == Command.Kind.EMPTY) {
                out.emptyQueryResponse();
                return;
            }
            if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                runUtility(p.query, out);
                p.executed = true;
                return;
            }
            if (kind == Command.Kind.ENGINE) {
                beginImplicit();
            }
            start(p);
        }
        runningPortal = p;
        runningMaxRows = e.maxRows();
        runningSent = 0;
        continueExecute(out, budget);
    }

    /** Runs a portal's statement; a query leaves its rows open for {@link #continueExecute}. */
    private void start(Portal p) throws SQLException {
        p.executed = true;
        if (p.query.command().kind() == Command.Kind.SHOW) {
            if (p.columns == null) {
                p.describeUtility(utility.showColumns(p.query.sql));
            }
            p.utilityRows = utility.show(p.query.sql);
            return;
        }
        executing = p.statement;
        try {
            boolean hasRows = p.statement.execute();
            if (hasRows) {
                p.rows = p.statement.getResultSet();
                if (p.columns == null) {
                    p.describe(p.rows.getMetaData());
                }
            } else {
                p.rowCount = p.statement.getLargeUpdateCount();
            }
        } finally {
            executing = null;
        }
    }

    /** Sends rows of the running portal until done, the row limit, or the output budget. */
    private void continueExecute(BackendWriter out, int budget) {
        Portal p = runningPortal;
        try {
            boolean finished = writeRows(p, out, budget, runningMaxRows, true);
            if (!finished) {
                return;
            }
        } catch (SQLException | RuntimeException e) {
            runningPortal = null;
            extendedError(errorOf(e), out);
        }
    }

    /**
     * Writes rows of a portal. Returns true when the Execute is over (complete, suspended at its
     * row limit); false when it stopped at the output budget and must be continued.
     */
    private boolean writeRows(Portal p, BackendWriter out, int budget, int maxRows, boolean extended) throws SQLException {
        if (p.rows == null && p.utilityRows == null) {
            out.commandComplete(p.query.command().completedTag(p.rowCount));
            finishExecute(p, extended);
            return true;
        }
        while (true) {
            if (maxRows > 0 && runningSent >= maxRows) {
                out.portalSuspended();
                runningPortal = null;
                return true;
            }
            if (out.size() >= budget) {
                return false;
            }
            if (!nextRow(p, out)) {
                out.commandComplete(p.query.command().completedTag(runningSent));
                finishExecute(p, extended);
                return true;
            }
            runningSent++;
            p.rowCount++;
        }
    }

    private boolean nextRow(Portal p, BackendWriter out) throws SQLException {
        if (p.utilityRows != null) {
            if (p.utilityPosition >= p.utilityRows.length) {
                return false;
            }
            String[] row = p.utilityRows[p.utilityPosition++];
            out.beginDataRow(row.length);
            for (String v : row) {
                if (v == null) {
                    out.nullValue();
                } else {
                    out.value(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            out.endDataRow();
            return true;
        }
        executing = p.statement;
        try {
            if (!p.rows.next()) {
                return false;
            }
        } finally {
            executing = null;
        }
        int n = p.oids.length;
        // Every value is converted before the row is framed: a value that fails to convert must
        // not leave half a DataRow in the output (the client would wait for its missing bytes).
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = PgValues.encode(p.rows, i + 1, p.oids[i], p.binary[i]);
        }
        out.beginDataRow(n);
        for (byte[] v : values) {
            if (v == null) {
                out.nullValue();
            } else {
                out.value(v);
            }
        }
        out.endDataRow();
        return true;
    }

    private void finishExecute(Portal p, boolean extended) throws SQLException {
        runningPortal = null;
        if (p.rows != null) {
            p.rows.close();
            p.rows = null;
        }
        if (!extended) {
            p.close();
        }
    }

    private void close(FrontendMessage.Close c) throws SQLException {
        if (c.kind() == 'S') {
            PreparedQuery q = statements.remove(c.name());
            if (q != null) {
                q.close();
            }
        } else {
            closePortal(c.name());
        }
    }

    private void closePortal(String name) throws SQLException {
        Portal p = portals.remove(name);
        if (p != null) {
            if (runningPortal == p) {
                runningPortal = null;
            }
            p.close();
        }
    }

    private void sync(BackendWriter out) {
        skipUntilSync = false;
        try {
            // The unnamed portal and statement do not outlive the pipeline in practice; portals of
            // an implicit transaction end with it.
            if (implicitTx) {
                closeAllPortals();
                endImplicit(true);
            }
        } catch (SQLException e) {
            out.errorResponse("ERROR", PgError.of(e).sqlState(), PgError.of(e).message(), null, null, 0);
            rollbackQuietly();
        }
        out.readyForQuery(txStatus);
    }

    private void extendedError(PgError error, BackendWriter out) {
        writeError(error, out);
        skipUntilSync = true;
        afterError();
    }

    private void afterError() {
        if (txStatus == 'T') {
            txStatus = 'E';
        }
        if (implicitTx) {
            closeAllPortals();
            rollbackQuietly();
        }
    }

    // ---- simple query protocol ----

    private void startSimpleQuery(String sql, BackendWriter out) {
        skipUntilSync = false;
        List<String> parts = SqlLexer.split(sql);
        if (parts.isEmpty()) {
            out.emptyQueryResponse();
            out.readyForQuery(txStatus);
            return;
        }
        simpleQueue = new ArrayDeque<>(parts);
        simpleImplicit = parts.size() > 1;
    }

    private void continueSimpleQuery(BackendWriter out, int budget) {
        try {
            if (runningPortal != null) {
                if (!writeRows(runningPortal, out, budget, 0, false)) {
                    return;
                }
            }
            String sql = simpleQueue.pollFirst();
            if (sql == null) {
                simpleQueue = null;
                if (implicitTx) {
                    endImplicit(true);
                }
                out.readyForQuery(txStatus);
                return;
            }
            PreparedQuery q = prepare(sql, new int[0]);
            Command.Kind kind = q.command().kind();
            if (txStatus == 'E' && kind != Command.Kind.COMMIT && kind != Command.Kind.ROLLBACK && kind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            if (q.parameterCount > 0) {
                throw new PgException(PgError.error("42P02", "there is no parameter $1"));
            }
            if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                runUtility(q, out);
                return;
            }
            if (kind == Command.Kind.ENGINE && simpleImplicit) {
                beginImplicit();
            }
            Portal p = new Portal(q, new short[0]);
            if (kind == Command.Kind.ENGINE) {
                p.statement = q.borrow(conn);
            }
            try {
                start(p);
            } catch (SQLException | RuntimeException e) {
                p.close();
                throw e;
            }
            if (p.columns != null) {
                out.rowDescription(p.columns);
            }
            runningPortal = p;
            runningSent = 0;
            writeRows(p, out, budget, 0, false);
        } catch (PgException e) {
            simpleError(e.error, out);
        } catch (SQLException | RuntimeException e) {
            simpleError(errorOf(e), out);
        }
    }

    private void simpleError(PgError error, BackendWriter out) {
        if (runningPortal != null) {
            try {
                runningPortal.close();
            } catch (SQLException e) {
                log.debug("closing a failed portal", e);
            }
            runningPortal = null;
        }
        writeError(error, out);
        simpleQueue = null;
        afterError();
        out.readyForQuery(txStatus);
    }

    // ---- transactions and utility commands ----

    private void beginImplicit() throws SQLException {
        if (txStatus == 'I' && !implicitTx) {
            conn.setAutoCommit(false);
            implicitTx = true;
        }
    }

    private void endImplicit(boolean commit) throws SQLException {
        implicitTx = false;
        if (commit) {
            conn.commit();
        } else {
            conn.rollback();
        }
        conn.setAutoCommit(true);
    }

    private void rollbackQuietly() {
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
                if (txStatus == 'I') {
                    conn.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            log.warn("rollback failed", e);
        }
        implicitTx = false;
    }

    private void runUtility(PreparedQuery q, BackendWriter out) throws SQLException {
        Command c = q.command();
        switch (c.kind()) {
            case BEGIN -> {
                if (txStatus != 'I') {
                    out.noticeResponse("WARNING", "25001", "there is already a transaction in progress");
                } else {
                    if (!implicitTx) {
                        conn.setAutoCommit(false);
                    }
                    implicitTx = false;
                    txStatus = 'T';
                }
                utility.transactionOptions(q.sql, conn);
                out.commandComplete(c.tag().equals("START TRANSACTION") ? "START TRANSACTION" : "BEGIN");
            }
            case COMMIT -> {
                if (txStatus == 'I') {
                    out.noticeResponse("WARNING", "25P01", "there is no transaction in progress");
                    out.commandComplete("COMMIT");
                } else if (txStatus == 'E') {
                    closeAllPortals();
                    conn.rollback();
                    conn.setAutoCommit(true);
                    txStatus = 'I';
                    savepoints.clear();
                    out.commandComplete("ROLLBACK");
                } else {
                    closeAllPortals();
                    conn.commit();
                    conn.setAutoCommit(true);
                    txStatus = 'I';
                    savepoints.clear();
                    out.commandComplete("COMMIT");
                }
            }
            case ROLLBACK -> {
                if (txStatus == 'I') {
                    out.noticeResponse("WARNING", "25P01", "there is no transaction in progress");
                } else {
                    closeAllPortals();
                    conn.rollback();
                    conn.setAutoCommit(true);
                    txStatus = 'I';
                    savepoints.clear();
                }
                out.commandComplete("ROLLBACK");
            }
            case SAVEPOINT -> {
                requireBlock("SAVEPOINT");
                savepoints.put(c.name(), conn.setSavepoint(c.name()));
                out.commandComplete("SAVEPOINT");
            }
            case RELEASE -> {
                requireBlock("RELEASE SAVEPOINT");
                Savepoint sp = savepoint(c.name());
                conn.releaseSavepoint(sp);
                savepoints.remove(c.name());
                out.commandComplete("RELEASE");
            }
            case ROLLBACK_TO -> {
                requireBlock("ROLLBACK TO SAVEPOINT");
                conn.rollback(savepoint(c.name()));
                txStatus = 'T';
                out.commandComplete("ROLLBACK");
            }
            case SET -> {
                for (Map.Entry<String, String> changed : utility.set(q.sql, conn).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                out.commandComplete("SET");
            }
            case RESET -> {
                for (Map.Entry<String, String> changed : utility.reset(q.sql).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                out.commandComplete("RESET");
            }
            case DISCARD -> {
                closeAllPortals();
                for (PreparedQuery pq : statements.values()) {
                    pq.close();
                }
                statements.clear();
                settings.resetAll();
                out.commandComplete(c.tag());
            }
            case DEALLOCATE -> {
                List<SqlLexer.Token> code = SqlLexer.code(q.sql);
                String last = code.get(code.size() - 1).text();
                if (c.tag().endsWith("ALL")) {
                    for (PreparedQuery pq : statements.values()) {
                        pq.close();
                    }
                    statements.clear();
                } else {
                    PreparedQuery pq = statements.remove(last.replace("\"", ""));
                    if (pq == null) {
                        throw new PgException(PgError.error("26000", "prepared statement \"" + last + "\" does not exist"));
                    }
                    pq.close();
                }
                out.commandComplete(c.tag());
            }
            case NOOP -> out.commandComplete(c.tag());
            case COPY -> throw new PgException(PgError.error("0A000", "COPY is not supported yet"));
            case EMPTY -> out.emptyQueryResponse();
            default -> throw new IllegalStateException("not a utility command: " + c);
        }
    }

    private void requireBlock(String what) {
        if (txStatus == 'I') {
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

    private void closeAllPortals() {
        for (Portal p : portals.values()) {
            try {
                p.close();
            } catch (SQLException e) {
                log.debug("closing portal", e);
            }
        }
        portals.clear();
        runningPortal = null;
    }

    private PgError errorOf(Throwable e) {
        if (e instanceof PgException pe) {
            return pe.error;
        }
        if (!(e instanceof SQLException)) {
            log.warn("unexpected error in session", e);
        }
        return PgError.of(e);
    }

    private static void writeError(PgError e, BackendWriter out) {
        out.errorResponse(e.severity(), e.sqlState(), e.message(), e.detail(), e.hint(), 0);
    }

    @Override
    public void close() {
        closeAllPortals();
        for (PreparedQuery q : statements.values()) {
            try {
                q.close();
            } catch (SQLException e) {
                log.debug("closing statement", e);
            }
        }
        statements.clear();
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
            }
            conn.close();
        } catch (SQLException e) {
            log.debug("closing connection", e);
        }
    }
}
