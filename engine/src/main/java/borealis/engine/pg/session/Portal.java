package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.PgType;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * A bound statement ready to run (Bind, or a statement of a simple Query). For a statement that
 * returns rows it holds the open result set between Executes with a row limit.
 */
final class Portal implements AutoCloseable {

    final PreparedQuery query;
    final short[] resultFormats;
    PreparedStatement statement;
    ResultSet rows;
    BackendWriter.Column[] columns;
    int[] oids;
    boolean[] binary;
    boolean executed;
    /** Time spent in the engine for this portal: execution and fetching rows. */
    long engineNanos;
    long rowCount;
    /** The session's extra_float_digits when the portal sent its first row (read once, not per row). */
    int extraFloatDigits = Integer.MIN_VALUE;
    /** bytea_output = escape, read with extra_float_digits when the first row is sent. */
    boolean byteaEscape;
    /** Utility rows (SHOW) produced by the session instead of H2. */
    String[][] utilityRows;
    int utilityPosition;
    /** COPY TO STDOUT: rows go out as CopyData in this format. */
    CopyCodec copy;
    /** A DECLARE's parameters as bound, for the cursor's query; null for other statements. */
    byte[][] parameters;
    short[] parameterFormats;
    /** The parameters' types, kept with them for a statement that binds them more than once ({@link ModifyingCtes}). */
    int[] parameterTypes;
    /** The statement is the portal's own (not borrowed from its PreparedQuery). */
    boolean ownsStatement;

    Portal(PreparedQuery query, short[] resultFormats) {
        this.query = query;
        this.resultFormats = resultFormats;
    }

    boolean isBinary(int column) {
        if (resultFormats == null || resultFormats.length == 0) {
            return false;
        }
        return (resultFormats.length == 1 ? resultFormats[0] : column < resultFormats.length ? resultFormats[column] : 0) == 1;
    }

    /** Column descriptions from H2 metadata, with this portal's formats. */
    void describe(ResultSetMetaData md, ColumnOrigins origins) throws SQLException {
        int n = md.getColumnCount();
        if (resultFormats != null && resultFormats.length > 1 && resultFormats.length != n) {
            throw new PgException(PgError.error("08P01", "bind message has " + resultFormats.length + " result formats but query has "
                    + n + " columns"));
        }
        columns = new BackendWriter.Column[n];
        oids = new int[n];
        binary = new boolean[n];
        for (int i = 0; i < n; i++) {
            int oid = CatalogVectors.oidOf(md, i + 1, PgType.oidOf(md, i + 1));
            oid = origins == null ? oid : origins.typeOf(md, i + 1, oid);
            oids[i] = oid;
            binary[i] = isBinary(i);
            int[] origin = origins == null ? new int[] {0, 0} : origins.of(md, i + 1);
            columns[i] = new BackendWriter.Column(md.getColumnLabel(i + 1), origin[0], (short) origin[1], oid, PgType.typlenOf(oid),
                    PgType.typmodOf(md, i + 1, oid), (short) (binary[i] ? 1 : 0));
        }
    }

    /** Text columns produced by the session itself (SHOW). */
    void describeUtility(String[] names) {
        columns = new BackendWriter.Column[names.length];
        oids = new int[names.length];
        binary = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            columns[i] = new BackendWriter.Column(names[i], 0, (short) 0, PgType.TEXT.oid, (short) -1, -1, (short) 0);
            oids[i] = PgType.TEXT.oid;
        }
    }

    @Override
    public void close() throws SQLException {
        if (rows != null) {
            rows.close();
            rows = null;
        }
        if (statement != null) {
            if (ownsStatement) {
                statement.close();
            } else {
                query.giveBack(statement);
            }
            statement = null;
        }
    }
}
