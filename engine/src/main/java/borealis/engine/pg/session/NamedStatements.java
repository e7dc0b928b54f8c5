package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.catalog.SessionRelations;
import borealis.engine.pg.sql.ColumnLookup;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.Translation;
import borealis.engine.pg.types.PgValues;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extended protocol's named objects: prepared statements (Parse, Describe 'S', Close 'S',
 * DEALLOCATE) and portals (Bind, Describe 'P', Close 'P'); "" is the unnamed one of each. Statements
 * are translated for H2 once, at Parse; a portal holds its bound H2 statement until it is closed.
 */
final class NamedStatements {

    private static final Logger log = LoggerFactory.getLogger(NamedStatements.class);

    private final Connection conn;
    private final UtilityCommands utility;
    private final ColumnOrigins origins;
    private final Map<String, PreparedQuery> statements = new HashMap<>();
    /** What translations ask of the schema (columns, taken names, enums). */
    private final SchemaLookup lookup;
    private final Map<String, Portal> portals = new HashMap<>();

    /**
     * Named statements and open portals one session may hold: each keeps an H2 command (and a portal
     * its rows) in the node's heap, which every tenant shares. PostgreSQL has no such limit, but its
     * memory is the session's own process; ORMs and drivers cache a few hundred statements at most.
     */
    static final int MAX_STATEMENTS = 10_000;
    static final int MAX_PORTALS = 1_000;

    NamedStatements(Connection conn, UtilityCommands utility, ColumnOrigins origins, java.util.function.Supplier<String> dateStyle) {
        this.conn = conn;
        this.utility = utility;
        this.origins = origins;
        this.lookup = new SchemaLookup(conn, this::columnsOf, dateStyle);
    }

    /** Named statements parsed or closed so far (the unnamed one does not count). */
    private long namedChanges;

    long namedChanges() {
        return namedChanges;
    }

    /** The named statements as the client parsed them, for a session moving to another node. */
    List<PgSession.NamedStatement> exportNamed() {
        List<PgSession.NamedStatement> out = new java.util.ArrayList<>();
        statements.forEach((name, q) -> {
            if (!name.isEmpty()) {
                out.add(new PgSession.NamedStatement(name, q.sql, q.declaredTypes()));
            }
        });
        return out;
    }

    /** The named statements as pg_prepared_statements shows them (protocol-level: not from SQL). */
    List<SessionRelations.PreparedStatement> preparedStatements() {
        List<SessionRelations.PreparedStatement> out = new java.util.ArrayList<>();
        statements.forEach((name, q) -> {
            if (!name.isEmpty()) {
                out.add(new SessionRelations.PreparedStatement(name, q.preparedBySql != null ? q.preparedBySql : q.sql, q.preparedAt,
                        q.knownParameterTypes(), q.preparedBySql != null));
            }
        });
        return out;
    }

    /** Prepares again the named statements of a session that moved here. */
    void restoreNamed(List<PgSession.NamedStatement> moved) {
        for (PgSession.NamedStatement n : moved) {
            statements.put(n.name(), prepare(n.sql(), n.parameterTypes()));
            namedChanges++;
        }
    }

    void parse(FrontendMessage.Parse p) throws SQLException {
        if (!p.name().isEmpty() && statements.containsKey(p.name())) {
            throw new PgException(PgError.error("42P05", "prepared statement \"" + p.name() + "\" already exists"));
        }
        if (!p.name().isEmpty() && statements.size() >= MAX_STATEMENTS) {
            throw new PgException(PgError.error("54000", "too many prepared statements in this session (at most " + MAX_STATEMENTS
                    + "); close some with DEALLOCATE or a Close message"));
        }
        List<String> parts = SqlLexer.split(p.sql());
        if (parts.size() > 1) {
            throw new PgException(PgError.error("42601", "cannot insert multiple commands into a prepared statement"));
        }
        PreparedQuery q = prepare(parts.isEmpty() ? "" : parts.get(0), p.parameterTypes());
        PreparedQuery old = statements.put(p.name(), q);
        if (!p.name().isEmpty()) {
            namedChanges++;
        }
        if (old != null) {
            old.close();
        }
    }

    /** PREPARE name (types) AS statement: a named statement like a Parse's, which EXECUTE runs. */
    void prepareFromSql(String name, String prepareSql, String statement, int[] declaredTypes) throws SQLException {
        if (statements.containsKey(name)) {
            throw new PgException(PgError.error("42P05", "prepared statement \"" + name + "\" already exists"));
        }
        if (statements.size() >= MAX_STATEMENTS) {
            throw new PgException(PgError.error("54000", "too many prepared statements in this session (at most " + MAX_STATEMENTS
                    + "); close some with DEALLOCATE"));
        }
        PreparedQuery q = prepare(statement, declaredTypes);
        q.preparedBySql = prepareSql;
        statements.put(name, q);
        namedChanges++;
    }

    /** The named statement EXECUTE runs (26000 when there is none). */
    PreparedQuery named(String name) {
        PreparedQuery q = name == null || name.isEmpty() ? null : statements.get(name);
        if (q == null) {
            throw new PgException(PgError.error("26000", "prepared statement \"" + name + "\" does not exist"));
        }
        return q;
    }

    PreparedQuery prepare(String sql, int[] declaredTypes) {
        Command command = Command.classify(sql);
        if (command.kind() != Command.Kind.ENGINE) {
            return new PreparedQuery(sql, sql, command, maxParameter(sql), declaredTypes, null);
        }
        borealis.engine.pg.sql.ModifyingWith modifying = borealis.engine.pg.sql.ModifyingWith.of(sql);
        if (modifying != null) {
            int parameters = maxParameter(sql);
            ModifyingCtes.Described described = ModifyingCtes.describe(conn, this, origins, modifying, declaredTypes, parameters);
            Translation tr = SqlTranslator.translate(described.sql(), lookup);
            PreparedQuery q = new PreparedQuery(sql, tr.engineSql(), Command.classify(modifying.main()),
                    Math.max(tr.parameters(), parameters), described.parameterTypes(), tr);
            q.modifying = modifying;
            return q;
        }
        Translation tr = SqlTranslator.translate(sql, lookup);
        return new PreparedQuery(sql, DeclaredParameterCasts.apply(tr.engineSql(), declaredTypes), command, tr.parameters(), declaredTypes, tr);
    }

    /** The highest parameter number ($n) the statement uses. */
    private static int maxParameter(String sql) {
        int maxParam = 0;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            if (t.kind() == SqlLexer.Kind.PARAM) {
                maxParam = Math.max(maxParam, Integer.parseInt(t.text().substring(1)));
            }
        }
        return maxParam;
    }

    /** Column names of a table, for translations that need them. */
    java.util.List<String> columnsOf(String table) {
        // read from the connection: SchemaLookup.columns comes back here
        java.util.List<String> cols = new java.util.ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM " + SqlQuoting.qualified(name(table).schema(),
                name(table).name()) + " WHERE FALSE")) {
            var md = ps.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.add("\"" + md.getColumnName(i).replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
        return cols;
    }

    private static QualifiedName name(String table) throws SQLException {
        return QualifiedName.parse(table);
    }

    /** What translations of this session may ask its connection. */
    ColumnLookup lookup() {
        return lookup;
    }

    void bind(FrontendMessage.Bind b) throws SQLException {
        PreparedQuery q = statements.get(b.statement());
        if (q == null) {
            throw new PgException(PgError.error("26000", "prepared statement \"" + b.statement() + "\" does not exist"));
        }
        if (b.parameters().length != q.parameterCount) {
            throw new PgException(PgError.error("08P01", "bind message supplies " + b.parameters().length
                    + " parameters, but prepared statement \"" + b.statement() + "\" requires " + q.parameterCount));
        }
        int formats = b.parameterFormats().length;
        if (formats > 1 && formats != b.parameters().length) {
            throw new PgException(PgError.error("08P01", "bind message has " + formats + " parameter formats but "
                    + b.parameters().length + " parameters"));
        }
        for (short f : b.parameterFormats()) {
            if (f != 0 && f != 1) {
                throw new PgException(PgError.error("22023", "unsupported format code: " + f + " (expected: 0 or 1)"));
            }
        }
        if (q.command().kind() == Command.Kind.EXECUTE) {
            bindExecute(q, b);
            return;
        }
        Portal portal = new Portal(q, b.resultFormats());
        if (q.command().kind() == Command.Kind.DECLARE || q.modifying != null) {
            portal.parameters = b.parameters();
            portal.parameterFormats = b.parameterFormats();
        }
        if (q.command().kind() == Command.Kind.ENGINE && !q.isEmptyResult()) {
            int[] types = q.parameterCount > 0 ? q.parameterTypes(conn, pg -> SqlTranslator.translate(pg, lookup).engineSql()) : new int[0];
            portal.parameterTypes = types;
            portal.statement = q.borrow(conn);
            try {
                // A statement with a modifying WITH binds its values to each statement it runs (ModifyingCtes).
                for (int i = 0; q.modifying == null && i < b.parameters().length; i++) {
                    boolean binaryParam = isBinary(b.parameterFormats(), i);
                    PgValues.bind(portal.statement, i + 1, types[i], binaryParam, b.parameters()[i], lookup.dateOrder());
                }
            } catch (SQLException | RuntimeException e) {
                portal.close();
                throw e;
            }
        }
        putBound(b.portal(), portal);
    }

    /** Keeps a bound portal under its name, within the session's bound (the session closed one of that name before Bind). */
    private void putBound(String name, Portal portal) throws SQLException {
        if (!name.isEmpty() && !portals.containsKey(name) && portals.size() >= MAX_PORTALS) {
            portal.close();
            throw new PgException(PgError.error("54000", "too many open portals in this session (at most " + MAX_PORTALS + ")"));
        }
        portals.put(name, portal);
    }

    /** EXECUTE name (values) sent with Parse and Bind: the portal runs the named statement with the values. */
    private void bindExecute(PreparedQuery execute, FrontendMessage.Bind b) throws SQLException {
        SqlPreparedStatements.Execution execution = SqlPreparedStatements.execution(execute.sql, this, conn);
        PreparedQuery q = execution.query();
        Portal portal = new Portal(q, b.resultFormats());
        if (q.command().kind() == Command.Kind.ENGINE && !q.isEmptyResult()) {
            portal.statement = q.borrow(conn);
            try {
                execution.bind(portal.statement, lookup.dateOrder());
            } catch (SQLException | RuntimeException e) {
                portal.close();
                throw e;
            }
        }
        putBound(b.portal(), portal);
    }

    static boolean isBinary(short[] formats, int i) {
        if (formats.length == 0) {
            return false;
        }
        return (formats.length == 1 ? formats[0] : formats[i]) == 1;
    }

    void describe(FrontendMessage.Describe d, BackendWriter out) throws SQLException {
        if (d.kind() == 'S') {
            PreparedQuery q = statements.get(d.name());
            if (q == null) {
                throw new PgException(PgError.error("26000", "prepared statement \"" + d.name() + "\" does not exist"));
            }
            out.parameterDescription(q.parameterCount > 0 ? q.parameterTypes(conn, pg -> SqlTranslator.translate(pg, lookup).engineSql()) : new int[0]);
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
    boolean describeRows(Portal p) throws SQLException {
        if (p.columns != null) {
            return true;
        }
        PreparedQuery q = p.query;
        if (q.command().kind() == Command.Kind.SHOW) {
            p.describeUtility(utility.showColumns(q.sql));
            return true;
        }
        if (q.isEmptyResult()) {
            p.describeUtility(q.translation.emptyColumns().toArray(new String[0]));
            return true;
        }
        if (q.command().kind() == Command.Kind.FETCH && fetchColumns != null) {
            BackendWriter.Column[] columns = fetchColumns.apply(q);
            p.columns = columns;
            return columns != null;
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
            p.describe(md, origins);
            return true;
        } finally {
            if (p.statement == null) {
                q.giveBack(ps);
            }
        }
    }

    /** The columns a FETCH returns: its SQL cursor's (set by the session, which owns the cursors). */
    private java.util.function.Function<PreparedQuery, BackendWriter.Column[]> fetchColumns;

    void describeFetchesWith(java.util.function.Function<PreparedQuery, BackendWriter.Column[]> columns) {
        this.fetchColumns = columns;
    }

    Portal portal(String name) {
        return portals.get(name);
    }

    void putPortal(String name, Portal p) {
        portals.put(name, p);
    }

    /** Removes a portal; the caller closes it. */
    Portal removePortal(String name) {
        return portals.remove(name);
    }

    boolean hasNoPortals() {
        return portals.isEmpty();
    }

    void closeStatement(String name) throws SQLException {
        PreparedQuery q = statements.remove(name);
        if (q != null && !name.isEmpty()) {
            namedChanges++;
        }
        if (q != null) {
            q.close();
        }
    }

    /** DEALLOCATE name. */
    void deallocate(String name) throws SQLException {
        PreparedQuery q = statements.remove(name);
        if (q == null) {
            throw new PgException(PgError.error("26000", "prepared statement \"" + name + "\" does not exist"));
        }
        namedChanges++;
        q.close();
    }

    /** DEALLOCATE ALL, DISCARD ALL. */
    void closeStatements() throws SQLException {
        for (PreparedQuery q : statements.values()) {
            q.close();
        }
        statements.clear();
        namedChanges++;
    }

    void closeStatementsQuietly() {
        try {
            closeStatements();
        } catch (SQLException e) {
            log.debug("closing statements", e);
            statements.clear();
            namedChanges++;
        }
    }

    void closePortals() {
        for (Portal p : portals.values()) {
            try {
                p.close();
            } catch (SQLException e) {
                log.debug("closing portal", e);
            }
        }
        portals.clear();
    }
}
