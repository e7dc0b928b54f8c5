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
 * A COPY FROM STDIN in progress: rows arrive in CopyData messages and go into the table as batched
 * inserts. The whole COPY is one statement: the caller runs it in a transaction and rolls it back
 * on any error.
 */
final class CopyIn implements AutoCloseable {

    /** Rows per executeBatch: large enough to amortize, small enough to bound memory. */
    private static final int BATCH_ROWS = 2000;

    private final CopyStatement copy;
    private final CopyCodec codec;
    /** The binary format's decoder, or null for text and CSV. */
    private final CopyBinary.Decoder binary;
    private final PreparedStatement insert;
    private final int[] oids;
    private int batched;
    private long rows;
    private long line;
    /** The session's DateStyle order: COPY text dates are read in it, as PostgreSQL reads them. */
    private final borealis.engine.pg.types.DateOrder dateOrder;

    private CopyIn(CopyStatement copy, PreparedStatement insert, int[] oids, borealis.engine.pg.types.DateOrder dateOrder) {
        this.copy = copy;
        this.dateOrder = dateOrder;
        this.codec = new CopyCodec(copy);
        this.binary = copy.binary() ? new CopyBinary.Decoder(oids.length, copy.table().name()) : null;
        this.insert = insert;
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
        StringBuilder sql = new StringBuilder("INSERT INTO " + SqlQuoting.qualified(copy.table().schema(), copy.table().name()) + " ("
                + SqlQuoting.identifiers(columns) + ") VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append('?');
        }
        sql.append(')');
        return new CopyIn(copy, conn.prepareStatement(sql.toString()), oids, dateOrder);
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
        if (batched > 0) {
            insert.executeBatch();
            batched = 0;
        }
        return rows;
    }

    private void add(String[] fields) throws SQLException {
        line++;
        if (fields.length != oids.length) {
            throw new PgException(new PgError("ERROR", "22P04", fields.length < oids.length ? "missing data for column"
                    : "extra data after last expected column", "COPY " + copy.table().name() + ", line " + line, null));
        }
        for (int i = 0; i < fields.length; i++) {
            byte[] v = fields[i] == null ? null : fields[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            PgValues.bind(insert, i + 1, oids[i], false, v, dateOrder);
        }
        batch();
    }

    /** A binary row: each field in its column type's binary form (the decoder checked the count). */
    private void addBinary(byte[][] fields) throws SQLException {
        line++;
        for (int i = 0; i < fields.length; i++) {
            PgValues.bind(insert, i + 1, oids[i], true, fields[i]);
        }
        batch();
    }

    private void batch() throws SQLException {
        insert.addBatch();
        rows++;
        if (++batched >= BATCH_ROWS) {
            insert.executeBatch();
            batched = 0;
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
