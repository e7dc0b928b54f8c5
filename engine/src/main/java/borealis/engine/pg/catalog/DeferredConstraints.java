package borealis.engine.pg.catalog;

import borealis.engine.pg.DeferrableMark;
import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.command.Prepared;
import org.h2.constraint.Constraint;
import org.h2.constraint.ConstraintReferential;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.expression.Parameter;
import org.h2.result.ResultInterface;
import org.h2.schema.Schema;
import org.h2.table.IndexColumn;
import org.h2.table.Table;
import org.h2.util.HasSQL;
import org.h2.value.Value;

/**
 * Deferred foreign keys, as PostgreSQL has them: a DEFERRABLE foreign key ({@link DeferrableMark})
 * that its transaction defers (INITIALLY DEFERRED, or {@code SET CONSTRAINTS ... DEFERRED}) is
 * checked at COMMIT, or when {@code SET CONSTRAINTS ... IMMEDIATE} makes it immediate again, and a
 * transaction that leaves a reference unproven fails at COMMIT with 23503 and rolls back. Only a
 * session's transactions defer: a statement that commits by itself is checked as it runs, as are
 * the sessions Borealis opens for its own work.
 */
public final class DeferredConstraints {

    private DeferredConstraints() {}

    /**
     * Beyond this many keys of one constraint remembered in a transaction, COMMIT checks the whole
     * referencing table instead of each key: a bulk load of millions of rows must not hold millions
     * of keys in memory. (Each key costs about 100 bytes: 10,000 are 1 MB.)
     */
    static final int KEYS_PER_CONSTRAINT = 10_000;

    private static final Map<SessionLocal, Checks> SESSIONS = new ConcurrentHashMap<>();
    /** The meta modification each database's foreign keys were last adopted at. */
    private static final Map<Database, Long> ADOPTED = Collections.synchronizedMap(new WeakHashMap<>());

    /** A session's transaction: which constraints it defers, and what they left to prove. */
    static final class Checks {
        /** SET CONSTRAINTS ALL: null until the transaction says. */
        private Boolean all;
        /** SET CONSTRAINTS name: by "schema.name". */
        private final Map<String, Boolean> named = new HashMap<>();
        private final Map<DeferrableReferential, Set<Pending>> pending = new LinkedHashMap<>();
        /** The database's meta modification this session last saw adopted ({@link #adopt}). */
        private long seenMeta = -1;
        /** Constraints with too many keys remembered: their whole table is checked. */
        private final Set<DeferrableReferential> whole = new LinkedHashSet<>();

        boolean defers(DeferrableReferential c) {
            Boolean b = named.get(key(c));
            if (b == null) {
                b = all;
            }
            return b != null ? b : DeferrableMark.initiallyDeferred(c.getComment());
        }

        void add(DeferrableReferential c, List<Value> key, boolean referencing) {
            if (whole.contains(c)) {
                return;
            }
            Set<Pending> keys = pending.computeIfAbsent(c, k -> new LinkedHashSet<>());
            keys.add(new Pending(key, referencing));
            if (keys.size() > KEYS_PER_CONSTRAINT) {
                keys.clear();
                whole.add(c);
            }
        }

        void clear() {
            all = null;
            named.clear();
            pending.clear();
            whole.clear();
        }
    }

    /** A key a change left unproven: the referencing row's ({@code referencing}), or a removed referenced one's. */
    record Pending(List<Value> key, boolean referencing) {}

    private static String key(Constraint c) {
        return c.getSchema().getName() + "." + c.getName();
    }

    /** The session's checks if it defers {@code c} now, or null: checked at once. */
    static Checks deferring(SessionLocal session, DeferrableReferential c) {
        Checks checks = SESSIONS.get(session);
        return checks == null || session.getAutoCommit() || !checks.defers(c) ? null : checks;
    }

    /** A session whose transactions may defer (its COMMIT runs {@link #check}). */
    public static void sessionStarted(Connection conn) throws SQLException {
        SESSIONS.put(CatalogFunctions.session(conn), new Checks());
    }

    public static void sessionEnded(Connection conn) {
        try {
            SESSIONS.remove(CatalogFunctions.session(conn));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The transaction ended (committed or not): nothing left to prove, SET CONSTRAINTS forgotten. */
    public static void transactionEnded(Connection conn) throws SQLException {
        Checks checks = SESSIONS.get(CatalogFunctions.session(conn));
        if (checks != null) {
            checks.clear();
        }
    }

    /**
     * Makes every foreign key marked deferrable one that can defer. H2 makes plain ones when it
     * creates a constraint, opens a database or copies a table for ALTER TABLE; this runs before a
     * statement once the schema has changed since it last ran (one comparison otherwise).
     */
    public static void adopt(Connection conn) throws SQLException {
        SessionLocal session = CatalogFunctions.session(conn);
        Database db = session.getDatabase();
        long now = db.getModificationMetaId();
        Checks checks = SESSIONS.get(session);
        if (checks != null && checks.seenMeta == now) {
            return; // per statement: no lock shared with other sessions
        }
        if (checks != null) {
            checks.seenMeta = now;
        }
        Long seen = ADOPTED.get(db);
        if (seen != null && seen == now) {
            return;
        }
        synchronized (db) {
            for (Schema s : db.getAllSchemasNoMeta()) {
                for (Constraint c : s.getAllConstraints()) {
                    if (c instanceof ConstraintReferential r && !(c instanceof DeferrableReferential)
                            && DeferrableMark.deferrable(c.getComment())) {
                        replace(s, r, DeferrableReferential.copyOf(r));
                    }
                }
            }
            ADOPTED.put(db, now);
        }
    }

    /**
     * {@code by} takes {@code old}'s place in its schema and in both tables' lists, where H2 finds a
     * constraint to check, drop, rename or copy. Other sessions may be iterating those lists: a
     * list's element is replaced in place, which they see whole or not at all.
     */
    private static void replace(Schema s, ConstraintReferential old, DeferrableReferential by) {
        s.remove(old);
        s.add(by);
        for (Table t : List.of(old.getTable(), old.getRefTable())) {
            List<Constraint> list = t.getConstraints();
            for (int i = 0; list != null && i < list.size(); i++) {
                if (list.get(i) == old) {
                    list.set(i, by);
                }
            }
        }
    }

    /**
     * SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE} in a transaction block ({@code names}
     * null: ALL). Constraints made immediate are checked now, as PostgreSQL does.
     */
    public static void set(Connection conn, List<String> names, boolean deferred) throws SQLException {
        SessionLocal session = CatalogFunctions.session(conn);
        Checks checks = SESSIONS.get(session);
        if (checks == null) {
            return;
        }
        List<DeferrableReferential> affected = new ArrayList<>();
        if (names == null) {
            checks.all = deferred;
            checks.named.clear();
            affected.addAll(checks.pending.keySet());
        } else {
            for (String name : names) {
                Constraint c = find(session, name);
                if (!(c instanceof DeferrableReferential d)) {
                    throw new PgException(PgError.error("42809", "constraint \"" + unqualified(name) + "\" is not deferrable"));
                }
                checks.named.put(key(d), deferred);
                affected.add(d);
            }
        }
        if (!deferred) {
            for (DeferrableReferential c : affected) {
                prove(session, checks, c);
            }
        }
    }

    private static Constraint find(SessionLocal session, String name) {
        int dot = name.indexOf('.');
        Database db = session.getDatabase();
        if (dot >= 0) {
            Schema s = db.findSchema(name.substring(0, dot));
            Constraint c = s == null ? null : s.findConstraint(session, name.substring(dot + 1));
            if (c != null) {
                return c;
            }
        } else {
            String[] path = session.getSchemaSearchPath();
            List<String> schemas = new ArrayList<>(List.of(session.getCurrentSchemaName()));
            if (path != null) {
                schemas.addAll(List.of(path));
            }
            for (String schema : schemas) {
                Schema s = db.findSchema(schema);
                Constraint c = s == null ? null : s.findConstraint(session, name);
                if (c != null) {
                    return c;
                }
            }
        }
        throw new PgException(PgError.error("42704", "constraint \"" + unqualified(name) + "\" does not exist"));
    }

    private static String unqualified(String name) {
        return name.substring(name.indexOf('.') + 1);
    }

    /** Before COMMIT: every key the transaction left unproven is proven, or the error that fails the COMMIT is thrown. */
    public static void check(Connection conn) throws SQLException {
        SessionLocal session = CatalogFunctions.session(conn);
        Checks checks = SESSIONS.get(session);
        if (checks == null || checks.pending.isEmpty() && checks.whole.isEmpty()) {
            return;
        }
        for (DeferrableReferential c : new ArrayList<>(checks.pending.keySet())) {
            prove(session, checks, c);
        }
        for (DeferrableReferential c : new ArrayList<>(checks.whole)) {
            prove(session, checks, c);
        }
    }

    /** Proves what {@code c} left to prove in this transaction, and forgets it. */
    private static void prove(SessionLocal session, Checks checks, DeferrableReferential c) {
        Set<Pending> keys = checks.pending.remove(c);
        boolean whole = checks.whole.remove(c);
        if (c.getTable() == null) {
            return; // dropped since
        }
        if (whole) {
            List<Value> missing = firstMissing(session, c);
            if (missing != null) {
                throw violation(c, new Pending(missing, true));
            }
            return;
        }
        if (keys == null || keys.isEmpty()) {
            return;
        }
        Prepared query = session.prepare(keyQuery(c));
        for (Pending p : keys) {
            if (unproven(session, query, p.key())) {
                throw violation(c, p);
            }
        }
    }

    // sql-built: table and column names from H2's own objects, quoted by H2's getSQL; values bound
    private static String keyQuery(DeferrableReferential c) {
        StringBuilder sb = new StringBuilder("SELECT 1 FROM ");
        c.getTable().getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" WHERE ");
        equalsParameters(sb, c.getColumns());
        sb.append(" AND NOT EXISTS (SELECT 1 FROM ");
        c.getRefTable().getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" WHERE ");
        equalsParameters(sb, c.getRefColumns());
        return sb.append(") LIMIT 1").toString();
    }

    private static void equalsParameters(StringBuilder sb, IndexColumn[] columns) {
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) {
                sb.append(" AND ");
            }
            columns[i].column.getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" = ?");
        }
    }

    private static boolean unproven(SessionLocal session, Prepared query, List<Value> key) {
        List<Parameter> params = query.getParameters();
        for (int i = 0; i < params.size(); i++) {
            params.get(i).setValue(key.get(i % key.size()));
        }
        session.startStatementWithinTransaction(null);
        try (ResultInterface r = query.query(1)) {
            return r.next();
        } finally {
            session.endStatement();
        }
    }

    // sql-built: table and column names from H2's own objects, quoted by H2's getSQL
    private static List<Value> firstMissing(SessionLocal session, DeferrableReferential c) {
        IndexColumn[] cols = c.getColumns();
        IndexColumn[] refCols = c.getRefColumns();
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.length; i++) {
            sb.append(i > 0 ? ", " : "").append("C_.");
            cols[i].column.getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS);
        }
        sb.append(" FROM ");
        c.getTable().getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" C_ WHERE NOT EXISTS (SELECT 1 FROM ");
        c.getRefTable().getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" P_ WHERE ");
        for (int i = 0; i < cols.length; i++) {
            sb.append(i > 0 ? " AND " : "").append("P_.");
            refCols[i].column.getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" = C_.");
            cols[i].column.getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS);
        }
        sb.append(")");
        for (IndexColumn col : cols) {
            sb.append(" AND C_.");
            col.column.getSQL(sb, HasSQL.DEFAULT_SQL_FLAGS).append(" IS NOT NULL");
        }
        sb.append(" LIMIT 1");
        session.startStatementWithinTransaction(null);
        try (ResultInterface r = session.prepare(sb.toString()).query(1)) {
            return r.next() ? List.of(r.currentRow()) : null;
        } finally {
            session.endStatement();
        }
    }

    /** PostgreSQL's words for an unproven key, as its foreign key triggers report it at COMMIT. */
    private static PgException violation(DeferrableReferential c, Pending p) {
        Table child = c.getTable();
        Table parent = c.getRefTable();
        IndexColumn[] shown = p.referencing() ? c.getColumns() : c.getRefColumns();
        List<String> names = new ArrayList<>();
        for (IndexColumn col : shown) {
            names.add(col.column.getName());
        }
        List<String> values = new ArrayList<>();
        for (Value v : p.key()) {
            values.add(v.getString());
        }
        String key = "Key (" + String.join(", ", names) + ")=(" + String.join(", ", values) + ")";
        PgError e = p.referencing()
                ? new PgError("ERROR", "23503", "insert or update on table \"" + child.getName() + "\" violates foreign key constraint \""
                        + c.getName() + "\"", key + " is not present in table \"" + parent.getName() + "\".", null)
                : new PgError("ERROR", "23503", "update or delete on table \"" + parent.getName() + "\" violates foreign key constraint \""
                        + c.getName() + "\" on table \"" + child.getName() + "\"", key + " is still referenced from table \""
                        + child.getName() + "\".", null);
        return new PgException(e.on(child.getSchema().getName(), child.getName(), null, c.getName()));
    }
}
