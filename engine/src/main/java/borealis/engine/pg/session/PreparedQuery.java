package borealis.engine.pg.session;

import borealis.engine.pg.types.PgType;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

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
    private int[] inferredTypes;

    PreparedQuery(String sql, String engineSql, Command command, int parameterCount, int[] declaredTypes,
                  borealis.engine.pg.sql.Translation translation) {
        this.sql = sql;
        this.translation = translation;
        this.engineSql = engineSql;
        this.command = command;
        this.parameterCount = Math.max(parameterCount, declaredTypes.length);
        this.declaredTypes = Arrays.copyOf(declaredTypes, this.parameterCount);
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
            ps.clearParameters();
        } else {
            ps.close();
        }
    }

    /** Parameter type OIDs: as declared, or as H2 infers them where the client left them 0. */
    int[] parameterTypes(Connection conn) throws SQLException {
        if (inferredTypes != null) {
            return inferredTypes;
        }
        int[] types = declaredTypes.clone();
        boolean unknown = false;
        for (int t : types) {
            unknown |= t == 0;
        }
        if (unknown && command.kind() == Command.Kind.ENGINE) {
            if (cached == null) {
                cached = conn.prepareStatement(engineSql);
            }
            ParameterMetaData md = cached.getParameterMetaData();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == 0 && i < md.getParameterCount()) {
                    int jdbc = md.getParameterType(i + 1);
                    types[i] = jdbc == Types.NULL || jdbc == Types.OTHER ? PgType.TEXT.oid
                            : PgType.ofJdbc(jdbc, md.getParameterTypeName(i + 1)).oid;
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
    public void close() throws SQLException {
        if (cached != null) {
            cached.close();
            cached = null;
        }
    }
}
