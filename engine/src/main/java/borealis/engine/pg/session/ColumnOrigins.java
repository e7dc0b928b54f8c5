package borealis.engine.pg.session;

import borealis.engine.pg.catalog.EnumTypes;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.schema.Schema;
import org.h2.table.Column;
import org.h2.table.Table;

/**
 * Where a result column comes from, for RowDescription: the table's OID (as pg_class shows it)
 * and the column's number (pgjdbc uses them for getTableName, isNullable and isAutoIncrement), and
 * the user type (an enum) it is of.
 */
final class ColumnOrigins {

    /** User objects' OIDs: 16384 plus H2's object id, as in the catalog. */
    private static final int FIRST_USER_OID = 16384;

    private final SessionLocal session;

    ColumnOrigins(Connection conn) throws SQLException {
        this.session = (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
    }

    /** The type of result column {@code column}: its enum's OID when H2 types it as an enum, else {@code oid}. */
    int typeOf(ResultSetMetaData md, int column, int oid) throws SQLException {
        int enumOid = EnumTypes.typeOidOfH2Type(session.getDatabase(), md.getColumnTypeName(column));
        return enumOid != 0 ? enumOid : oid;
    }

    /** {tableOid, attnum}, or {0, 0} for a computed column. */
    int[] of(ResultSetMetaData md, int column) {
        try {
            String table = md.getTableName(column);
            String schema = md.getSchemaName(column);
            String name = md.getColumnName(column);
            if (table == null || table.isEmpty() || name == null) {
                return new int[] {0, 0};
            }
            Schema s = session.getDatabase().findSchema(schema == null || schema.isEmpty() ? "public" : schema);
            if (s == null) {
                return new int[] {0, 0};
            }
            Table t = s.findTableOrView(session, table);
            if (t == null || s.getName().equalsIgnoreCase(borealis.engine.pg.sql.CatalogNames.SCHEMA)) {
                return new int[] {0, 0};
            }
            Column c = t.findColumn(name);
            return c == null ? new int[] {0, 0} : new int[] {FIRST_USER_OID + t.getId(), c.getColumnId() + 1};
        } catch (SQLException | RuntimeException e) {
            return new int[] {0, 0};
        }
    }
}
