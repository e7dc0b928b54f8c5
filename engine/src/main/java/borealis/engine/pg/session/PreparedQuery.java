package borealis.engine.pg.session;

import borealis.engine.pg.catalog.EnumTypes;
import borealis.engine.pg.sql.ParameterHints;
import borealis.engine.pg.types.PgType;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.function.Function;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * A statement as the client prepared it (Parse, or one statement of a simple Query): its text,
 * its command, the parameter types the client declared, and the H2 statement it runs as. The H2
 * statement is prepared once and reused by every portal bound from it, unless one is still open.
 */
final class PreparedQuery implements AutoCloseable {

    final String sql;
    final String engineSql;
    final Command command;
    final int parameterCount;
    /** How the statement was translated for H2 (null for commands the session runs itself). */
    final borealis.engine.pg.sql.Translation translation;
    private final int[] declaredTypes;
    private PreparedStatement cached;
    private boolean cachedInUse;
    private boolean closed;
    private int[] inferredTypes;
    /** Its WITH list modifies data: run by {@link ModifyingCtes}, {@link #engineSql} only describes it. */
    borealis.engine.pg.sql.ModifyingWith modifying;
    /** When the client prepared it (pg_prepared_statements.prepare_time). */
    final java.time.OffsetDateTime preparedAt = java.time.OffsetDateTime.now();
    /** The PREPARE statement that made it (pg_prepared_statements shows it), or null for a protocol-level Parse. */
    String preparedBySql;

    PreparedQuery(String sql, String engineSql, Command command, int parameterCount, int[] declaredTypes,
                  borealis.engine.pg.sql.Translation translation) {
        this.sql = sql;
        this.translation = translation;
        this.engineSql = engineSql;
        this.command = command;
        this.parameterCount = Math.max(parameterCount, declaredTypes.length);
        this.declaredTypes = Arrays.copyOf(declaredTypes, this.parameterCount);
    }

    /** The parameter types described so far: inferred once described, else as declared (0: not known). */
    int[] knownParameterTypes() {
        return inferredTypes != null ? inferredTypes.clone() : declaredTypes.clone();
    }

    /**
     * Whether H2 holds the statement read-only: a query whose every function is one H2 knows cannot
     * write (each of our functions is a Java alias H2 takes as possibly writing, and so is nextval).
     * Asked at each execution, not remembered: H2 prepares a statement again after a schema change
     * (a table replaced by a view). Prepares the statement that {@link #borrow} then hands out;
     * false when it does not prepare.
     */
    boolean readOnly(Connection conn) {
        if (modifying != null) {
            return false;
        }
        try {
            if (cached == null) {
                cached = conn.prepareStatement(engineSql);
            }
            return EngineCommands.isReadOnly(cached);
        } catch (SQLException e) {
            return false; // it fails again when run, with the client's error
        }
    }

    /** The H2 statement for a new portal: the cached one if free, else a fresh one the portal owns. */
    PreparedStatement borrow(Connection conn) throws SQLException {
        if (cached == null) {
            cached = conn.prepareStatement(engineSql);
        }
        if (!cachedInUse) {
            cachedInUse = true;
            return cached;
        }
        return conn.prepareStatement(engineSql);
    }

    /** A portal is done with its statement. */
    void giveBack(PreparedStatement ps) throws SQLException {
        if (ps == cached) {
            cachedInUse = false;
            if (closed) {
                cached = null;
                ps.close();
            } else {
                ps.clearParameters();
            }
        } else {
            ps.close();
        }
    }

    /**
     * The parameter types as PostgreSQL would describe them: those the client declared, then those
     * the text decides ({@link ParameterHints}), then what the engine infers from the columns a
     * parameter meets; an {@code = ANY($n)} parameter is an array of the type the engine infers
     * for {@code = $n} ({@code engineSqlOf} translates that probe); text where nothing decides.
     */
    int[] parameterTypes(Connection conn, Function<String, String> engineSqlOf) throws SQLException {
        if (inferredTypes != null) {
            return inferredTypes;
        }
        int[] types = declaredTypes.clone();
        if (translation != null) {
            int[] hints = ParameterHints.of(sql, types.length);
            for (int i = 0; i < types.length; i++) {
                if (types[i] == 0) {
                    types[i] = hints[i];
                }
                if (types[i] == 0 && command.kind() == Command.Kind.ENGINE) {
                    types[i] = DomainTypes.baseOfCast(conn, ParameterHints.castTypeName(sql, i + 1));
                }
            }
        }
        boolean unknown = false;
        for (int t : types) {
            unknown |= t == 0;
        }
        if (unknown && command.kind() == Command.Kind.ENGINE) {
            if (cached == null) {
                cached = conn.prepareStatement(engineSql);
            }
            ParameterMetaData md = cached.getParameterMetaData();
            boolean[] assigned = ParameterHints.assigned(sql, types.length);
            int[] bare = null;
            for (int i = 0; i < types.length; i++) {
                if (types[i] == 0 && i < md.getParameterCount()) {
                    int oid = engineType(conn, md, i + 1, assigned[i]);
                    if (oid == 0 && bare == null) {
                        String withoutReturning = ParameterHints.withoutReturning(sql);
                        bare = withoutReturning == null ? new int[0] : typesOf(conn, engineSqlOf, withoutReturning, assigned);
                    }
                    if (oid == 0 && i < bare.length) {
                        oid = bare[i];
                    }
                    if (oid == 0) {
                        oid = anyElementArray(conn, engineSqlOf, i + 1);
                    } else if (oid >= PgType.FIRST_USER_OID && !PgType.isUserArray(oid) && ParameterHints.anyProbe(sql, i + 1) != null) {
                        oid += PgType.USER_ARRAY_OID_OFFSET; // v = any($1) with v an enum: H2 types $1 as the enum, PostgreSQL as its array
                    }
                    types[i] = oid;
                }
            }
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] == 0) {
                types[i] = PgType.TEXT.oid;
            }
        }
        inferredTypes = types;
        return types;
    }

    /**
     * The type the engine infers for parameter {@code index}; 0 when it does not know (it reports
     * varchar of no length). H2's varchar of the largest length is PostgreSQL's text; a parameter
     * compared with any varchar column is text (the comparison is text's), one assigned to a
     * varchar(n) column is varchar.
     */
    private static int engineType(Connection conn, ParameterMetaData md, int index, boolean assigned) throws SQLException {
        int jdbc = md.getParameterType(index);
        String name = md.getParameterTypeName(index);
        if ((jdbc == Types.OTHER || jdbc == Types.ARRAY) && name != null && name.startsWith("ENUM(")) {
            // compared with or assigned to an enum (array) column: the enum's (array) type, as PostgreSQL describes it
            SessionLocal session = (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
            int oid = EnumTypes.typeOidOfH2Type(session.getDatabase(), name);
            if (oid != 0) {
                return oid;
            }
        }
        boolean named = name != null && (name.startsWith("INTERVAL") || name.equals("JSON"));
        if (jdbc == Types.NULL || jdbc == Types.OTHER && !named || jdbc == Types.VARCHAR && md.getPrecision(index) == 0) {
            return 0;
        }
        if (jdbc == Types.ARRAY) {
            PgType element = PgType.arrayElement(name);
            if (element == null || element == PgType.VARCHAR) {
                element = PgType.TEXT;
            }
            return element.arrayOid;
        }
        PgType marked = PgType.marked(jdbc, md.getPrecision(index), md.getScale(index));
        if (marked != null) {
            return marked.oid; // compared with or assigned to a catalog oid or name column
        }
        PgType type = PgType.ofJdbc(jdbc, name);
        if (type == PgType.JSON && md.getPrecision(index) == PgType.JSONB_H2_LENGTH) {
            return PgType.JSONB.oid; // a jsonb column's
        }
        if (type == PgType.VARCHAR && md.getPrecision(index) == PgType.JSON_TEXT_LENGTH) {
            return PgType.JSON.oid; // a json column's (kept as text)
        }
        if (type == PgType.VARCHAR && (!assigned || md.getPrecision(index) >= UNBOUNDED_VARCHAR)) {
            return PgType.TEXT.oid;
        }
        return type.oid;
    }

    /** The length H2 gives text and unbounded varchar. */
    private static final int UNBOUNDED_VARCHAR = 1_000_000_000;

    /** The engine's types of every parameter of another form of this statement (0: unknown); empty if it does not prepare. */
    private static int[] typesOf(Connection conn, Function<String, String> engineSqlOf, String pgSql, boolean[] assigned) {
        if (engineSqlOf == null) {
            return new int[0];
        }
        try (PreparedStatement ps = conn.prepareStatement(engineSqlOf.apply(pgSql))) {
            ParameterMetaData md = ps.getParameterMetaData();
            int[] out = new int[md.getParameterCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = engineType(conn, md, i + 1, i < assigned.length && assigned[i]);
            }
            return out;
        } catch (SQLException | RuntimeException e) {
            return new int[0]; // only a hint: the parameters stay unknown
        }
    }

    private int anyElementArray(Connection conn, Function<String, String> engineSqlOf, int n) {
        String probe = ParameterHints.anyProbe(sql, n);
        int[] types = probe == null ? new int[0] : typesOf(conn, engineSqlOf, probe, new boolean[0]);
        int elementOid = n <= types.length ? types[n - 1] : 0;
        if (elementOid >= PgType.FIRST_USER_OID && !PgType.isUserArray(elementOid)) {
            return elementOid + PgType.USER_ARRAY_OID_OFFSET; // an enum's array
        }
        PgType element = PgType.byOid(elementOid);
        return element == null || element.arrayOid == 0 ? 0 : element.arrayOid;
    }

    /** The statement reads only catalog relations that are always empty: no rows, known columns. */
    boolean isEmptyResult() {
        return translation != null && translation.emptyColumns() != null;
    }

    Command command() {
        return command;
    }

    int[] declaredTypes() {
        return declaredTypes.clone();
    }

    int declaredType(int index) {
        return index < declaredTypes.length ? declaredTypes[index] : 0;
    }

    @Override
    /**
     * The client closed or replaced the statement. A portal bound from it lives on (as in
     * PostgreSQL: pgjdbc reads a fetch-size portal while it runs other statements through the
     * unnamed one), so a statement a portal still reads is closed when the portal gives it back.
     */
    public void close() throws SQLException {
        closed = true;
        if (cached != null && !cachedInUse) {
            cached.close();
            cached = null;
        }
    }
}
