package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.catalog.EnumTypes;
import borealis.engine.pg.catalog.TypeMapping;
import borealis.engine.pg.sql.ModifyingWith;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.Translation;
import borealis.engine.pg.types.PgType;
import borealis.engine.pg.types.PgValues;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * Runs a statement with data-modifying statements in its WITH list ({@link ModifyingWith}) as
 * PostgreSQL does: each INSERT, UPDATE or DELETE of the list runs once, in order, within the
 * statement's transaction (an implicit one outside a block); its RETURNING rows become a VALUES
 * list of typed literals that stands in its place for the statements after it and the main
 * statement, which then runs as any other portal.
 *
 * <p>Where PostgreSQL differs: it runs the list and the main statement against one snapshot, so
 * the main statement does not see the list's changes. A main statement (or a later element) that
 * names a table an earlier element modifies would see them here, so it is refused with 0A000
 * rather than answered differently. A statement is described (its result columns and parameter
 * types) from its elements' RETURNING types, without running anything.
 */
final class ModifyingCtes {

    /** A column of an element's RETURNING rows: its label, type OID and the type's name as a cast writes it. */
    private record Column(String label, int oid, String typeName) {}

    private final Connection conn;
    private final NamedStatements named;
    private final ColumnOrigins origins;
    private final Transactions tx;
    private final Consumer<Command> checkMayWrite;

    ModifyingCtes(Connection conn, NamedStatements named, ColumnOrigins origins, Transactions tx, Consumer<Command> checkMayWrite) {
        this.conn = conn;
        this.named = named;
        this.origins = origins;
        this.tx = tx;
        this.checkMayWrite = checkMayWrite;
    }

    /** A statement's form for describing it, and the types of its parameters. */
    record Described(String sql, int[] parameterTypes) {}

    /**
     * The statement's form for describing it: each data-modifying element replaced by no rows of
     * its RETURNING columns' types (its statement is prepared, never run). A parameter's type is
     * the one the first statement using it gives it (as declared by the client where it did):
     * {@code WITH i AS (INSERT INTO t(d) VALUES ($1) RETURNING id) SELECT ...} types $1 by t.d.
     */
    static Described describe(Connection conn, NamedStatements named, ColumnOrigins origins, ModifyingWith w, int[] declared,
                              int parameters) {
        int[] types = java.util.Arrays.copyOf(declared, Math.max(declared.length, parameters));
        List<String> given = new ArrayList<>();
        for (int k = 0; k < w.ctes().size(); k++) {
            given.add(null);
            if (!w.ctes().get(k).modifying()) {
                continue;
            }
            refuseReadingModified(w, k);
            String step = w.step(k, given);
            Translation tr = SqlTranslator.translate(step, named.lookup());
            try (PreparedStatement ps = conn.prepareStatement(tr.engineSql())) {
                given.set(k, rowsQuery(columns(conn, origins, ps.getMetaData()), List.of()));
                inferTypes(conn, named, step, tr, types);
            } catch (SQLException e) {
                throw new PgException(PgError.of(e));
            }
        }
        refuseReadingModified(w, w.ctes().size());
        String sql = w.statement(given);
        try {
            inferTypes(conn, named, sql, SqlTranslator.translate(sql, named.lookup()), types);
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
        return new Described(sql, types);
    }

    /** Sets the types still unknown (0) of the parameters {@code sql} uses, as the session describes them for it alone. */
    private static void inferTypes(Connection conn, NamedStatements named, String sql, Translation tr, int[] types) throws SQLException {
        boolean[] uses = new boolean[types.length];
        boolean unknown = false;
        for (borealis.engine.pg.sql.SqlLexer.Token t : borealis.engine.pg.sql.SqlLexer.tokenize(sql)) {
            if (t.kind() == borealis.engine.pg.sql.SqlLexer.Kind.PARAM) {
                int n = Integer.parseInt(t.text().substring(1));
                if (n <= types.length && types[n - 1] == 0) {
                    uses[n - 1] = true;
                    unknown = true;
                }
            }
        }
        if (!unknown) {
            return;
        }
        try (PreparedQuery q = new PreparedQuery(sql, tr.engineSql(), Command.classify(sql), types.length, types.clone(), tr)) {
            int[] inferred = q.parameterTypes(conn, pg -> SqlTranslator.translate(pg, named.lookup()).engineSql());
            for (int i = 0; i < types.length; i++) {
                if (uses[i]) {
                    types[i] = inferred[i];
                }
            }
        }
    }

    /** Runs the portal's data-modifying elements and readies its main statement, bound, in {@code p.statement}. */
    void run(Portal p) throws SQLException {
        ModifyingWith w = p.query.modifying;
        tx.beginImplicit();
        List<String> given = new ArrayList<>();
        for (int k = 0; k < w.ctes().size(); k++) {
            given.add(null);
            ModifyingWith.Cte cte = w.ctes().get(k);
            if (!cte.modifying()) {
                continue;
            }
            String step = w.step(k, given);
            checkMayWrite.accept(Command.classify(step));
            Translation tr = SqlTranslator.translate(step, named.lookup());
            try (PreparedStatement ps = conn.prepareStatement(tr.engineSql())) {
                bind(p, ps);
                List<String[]> rows = new ArrayList<>();
                List<Column> columns = List.of();
                if (ps.execute()) {
                    try (ResultSet rs = ps.getResultSet()) {
                        columns = columns(conn, origins, rs.getMetaData());
                        while (rs.next()) {
                            String[] row = new String[columns.size()];
                            for (int i = 0; i < row.length; i++) {
                                byte[] v = PgValues.encode(rs, i + 1, columns.get(i).oid(), false);
                                row[i] = v == null ? null : new String(v, StandardCharsets.UTF_8);
                            }
                            rows.add(row);
                        }
                    }
                }
                given.set(k, rowsQuery(columns, rows));
            }
        }
        Translation main = SqlTranslator.translate(w.statement(given), named.lookup());
        PreparedStatement ps = conn.prepareStatement(main.engineSql());
        try {
            bind(p, ps);
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        p.close();
        p.statement = ps;
        p.ownsStatement = true;
    }

    /** Binds the portal's parameters that {@code ps} has (each element uses some of them, by number). */
    private void bind(Portal p, PreparedStatement ps) throws SQLException {
        if (p.parameters == null) {
            return;
        }
        int n = Math.min(ps.getParameterMetaData().getParameterCount(), p.parameters.length);
        for (int i = 0; i < n; i++) {
            PgValues.bind(ps, i + 1, p.parameterTypes[i], NamedStatements.isBinary(p.parameterFormats, i), p.parameters[i],
                    named.lookup().dateOrder());
        }
    }

    /**
     * An element's RETURNING rows as a query of typed literals: {@code SELECT * FROM (VALUES
     * ('1'::integer, NULL::text)) AS v("id", "name")}, or with no rows {@code SELECT NULL::integer
     * AS "id", NULL::text AS "name" WHERE FALSE}.
     */
    private static String rowsQuery(List<Column> columns, List<String[]> rows) {
        if (columns.isEmpty()) {
            // No RETURNING: nothing may read it (PostgreSQL: 'WITH query "x" does not have a RETURNING clause').
            return "SELECT NULL WHERE FALSE";
        }
        StringBuilder sb = new StringBuilder();
        if (rows.isEmpty()) {
            sb.append("SELECT ");
            for (int i = 0; i < columns.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append("NULL::").append(columns.get(i).typeName())
                        .append(" AS ").append(SqlQuoting.identifier(columns.get(i).label()));
            }
            return sb.append(" WHERE FALSE").toString();
        }
        sb.append("SELECT * FROM (VALUES ");
        for (int r = 0; r < rows.size(); r++) {
            sb.append(r == 0 ? "(" : ", (");
            for (int i = 0; i < columns.size(); i++) {
                String v = rows.get(r)[i];
                sb.append(i == 0 ? "" : ", ").append(v == null ? "NULL" : SqlQuoting.literal(v)).append("::").append(columns.get(i).typeName());
            }
            sb.append(')');
        }
        List<String> names = new ArrayList<>();
        for (Column c : columns) {
            names.add(SqlQuoting.identifier(c.label()));
        }
        return sb.append(") AS v(").append(String.join(", ", names)).append(')').toString();
    }

    private static List<Column> columns(Connection conn, ColumnOrigins origins, ResultSetMetaData md) throws SQLException {
        List<Column> out = new ArrayList<>();
        if (md == null) {
            return out;
        }
        for (int i = 1; i <= md.getColumnCount(); i++) {
            int oid = CatalogVectors.oidOf(md, i, PgType.oidOf(md, i));
            oid = origins == null ? oid : origins.typeOf(md, i, oid);
            out.add(new Column(md.getColumnLabel(i), oid, typeName(conn, oid, PgType.typmodOf(md, i, oid))));
        }
        return out;
    }

    /** The type's name as a cast writes it: format_type's for built-in types, the enum's own name. */
    private static String typeName(Connection conn, int oid, int typmod) throws SQLException {
        if (PgType.byOid(oid) != null || PgType.elementOfArray(oid) != null) {
            return TypeMapping.formatType(oid, typmod);
        }
        SessionLocal session = (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
        String name = EnumTypes.sqlName(session.getDatabase(), oid);
        return name != null ? name : "text";
    }

    /**
     * Element {@code k} (the main statement when {@code k} is the list's size) must not read a table
     * an element before it modifies: PostgreSQL would show it the rows as they were before the
     * statement, H2 shows the changes.
     */
    private static void refuseReadingModified(ModifyingWith w, int k) {
        String table = w.readsModified(k);
        if (table != null) {
            throw new PgException(PgError.error("0A000", "reading table \"" + table + "\" in a statement whose WITH list modifies it"
                    + " is not supported by Borealis (PostgreSQL shows such a read the rows as they were before the statement)"));
        }
    }
}
