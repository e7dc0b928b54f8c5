package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.types.PgType;
import borealis.engine.pg.types.PgValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A COPY FROM STDIN in progress: rows arrive in CopyData messages and go into the table as
 * multi-row inserts. The whole COPY is one statement: the caller runs it in a transaction and rolls
 * it back on any error.
 */
final class CopyIn implements AutoCloseable {

    /**
     * Parameters per multi-row INSERT. One execution of an INSERT of 100 rows costs H2 about 2/3 of
     * 100 batched executions of a single-row one (1M pgbench rows: 1.0 s against 1.5 s).
     */
    private static final int PARAMETERS_PER_INSERT = 512;
    private static final int MAX_ROWS_PER_INSERT = 100;

    private final CopyStatement copy;
    private final CopyCodec codec;
    /** The binary format's decoder, or null for text and CSV. */
    private final CopyBinary.Decoder binary;
    /** The INSERT of {@link #rowsPerInsert} rows, and the one of a single row for the rest at the end. */
    private final PreparedStatement insertMany;
    private final PreparedStatement insertOne;
    /** The same statements as H2's own: binding skips the audit proxy, which only watches executions. */
    private final PreparedStatement bindMany;
    private final PreparedStatement bindOne;
    private final int rowsPerInsert;
    private final int[] oids;
    /** Rows bound into {@link #insertMany} and not inserted yet, kept for the single-row INSERT at the end. */
    private int pending;
    private final List<String[]> leftoverText = new ArrayList<>();
    private final List<byte[][]> leftoverBinary = new ArrayList<>();
    private long rows;
    private long line;
    /** The session's DateStyle order: COPY text dates are read in it, as PostgreSQL reads them. */
    private final borealis.engine.pg.types.DateOrder dateOrder;

    private CopyIn(CopyStatement copy, PreparedStatement insertMany, PreparedStatement insertOne, int rowsPerInsert, int[] oids,
                   borealis.engine.pg.types.DateOrder dateOrder) throws SQLException {
        this.copy = copy;
        this.dateOrder = dateOrder;
        this.codec = new CopyCodec(copy);
        this.binary = copy.binary() ? new CopyBinary.Decoder(oids.length, copy.table().name()) : null;
        this.insertMany = insertMany;
        this.insertOne = insertOne;
        this.bindMany = insertMany.unwrap(PreparedStatement.class);
        this.bindOne = insertOne.unwrap(PreparedStatement.class);
        this.rowsPerInsert = rowsPerInsert;
        this.oids = oids;
    }

    static CopyIn start(CopyStatement copy, Connection conn, borealis.engine.pg.types.DateOrder dateOrder) throws SQLException {
        List<String> columns = new ArrayList<>(copy.columns());
        int[] oids;
        try (PreparedStatement probe = conn.prepareStatement("SELECT " + (columns.isEmpty() ? "*" : SqlQuoting.identifiers(columns))
                + " FROM " + SqlQuoting.qualified(copy.table().schema(), copy.table().name()) + " WHERE FALSE")) {
            ResultSetMetaData md = probe.getMetaData();
            oids = new int[md.getColumnCount()];
            for (int i = 0; i < oids.length; i++) {
                oids[i] = PgType.oidOf(md, i + 1);
                if (copy.columns().isEmpty()) {
                    columns.add(md.getColumnName(i + 1));
                }
            }
        }
        String into = "INSERT INTO " + SqlQuoting.qualified(copy.table().schema(), copy.table().name()) + " ("
                + SqlQuoting.identifiers(columns) + ") VALUES ";
        int rowsPerInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, PARAMETERS_PER_INSERT / Math.max(1, oids.length)));
        PreparedStatement many = conn.prepareStatement(into + valueRows(rowsPerInsert, oids.length));
        try {
            return new CopyIn(copy, many, conn.prepareStatement(into + valueRows(1, oids.length)), rowsPerInsert, oids, dateOrder);
        } catch (SQLException | RuntimeException e) {
            many.close();
            throw e;
        }
    }

    /** {@code (?, ?), (?, ?)}: {@code rows} rows of {@code columns} parameters. */
    private static String valueRows(int rows, int columns) {
        StringBuilder sql = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            sql.append(r > 0 ? ", (" : "(");
            for (int c = 0; c < columns; c++) {
                sql.append(c > 0 ? ", ?" : "?");
            }
            sql.append(')');
        }
        return sql.toString();
    }

    int columnCount() {
        return oids.length;
    }

    boolean binary() {
        return binary != null;
    }

    void data(byte[] bytes) throws SQLException {
        if (binary != null) {
            for (byte[][] row : binary.rows(bytes)) {
                addBinary(row);
            }
            return;
        }
        for (String[] row : codec.rows(bytes)) {
            add(row);
        }
    }

    /** CopyDone: the last rows; returns the number of rows copied. */
    long finish() throws SQLException {
        if (binary != null) {
            binary.finish();
        } else {
            for (String[] row : codec.finish()) {
                add(row);
            }
        }
        if (pending > 0) {
            // the rows bound into the multi-row INSERT that did not fill it: again, one by one
            for (String[] row : leftoverText) {
                bindRow(bindOne, 0, row);
                insertOne.addBatch();
            }
            for (byte[][] row : leftoverBinary) {
                bindBinaryRow(bindOne, 0, row);
                insertOne.addBatch();
            }
            insertOne.executeBatch();
            pending = 0;
        }
        return rows;
    }

    private void add(String[] fields) throws SQLException {
        line++;
        if (fields.length != oids.length) {
            throw new PgException(new PgError("ERROR", "22P04", fields.length < oids.length ? "missing data for column"
                    : "extra data after last expected column", "COPY " + copy.table().name() + ", line " + line, null));
        }
        bindRow(bindMany, pending * oids.length, fields);
        leftoverText.add(fields);
        rowBound();
    }

    /** A binary row: each field in its column type's binary form (the decoder checked the count). */
    private void addBinary(byte[][] fields) throws SQLException {
        line++;
        bindBinaryRow(bindMany, pending * oids.length, fields);
        leftoverBinary.add(fields);
        rowBound();
    }

    private void bindRow(PreparedStatement ps, int first, String[] fields) throws SQLException {
        for (int i = 0; i < fields.length; i++) {
            PgValues.bindText(ps, first + i + 1, oids[i], fields[i], dateOrder, true);
        }
    }

    private void bindBinaryRow(PreparedStatement ps, int first, byte[][] fields) throws SQLException {
        for (int i = 0; i < fields.length; i++) {
            PgValues.bind(ps, first + i + 1, oids[i], true, fields[i]);
        }
    }

    private void rowBound() throws SQLException {
        rows++;
        if (++pending == rowsPerInsert) {
            insertMany.executeUpdate();
            pending = 0;
            leftoverText.clear();
            leftoverBinary.clear();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            insertMany.close();
        } finally {
            insertOne.close();
        }
    }
}
