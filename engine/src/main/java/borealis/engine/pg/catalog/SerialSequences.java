package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.schema.Schema;
import org.h2.schema.Sequence;
import org.h2.table.Column;
import org.h2.table.Table;

/**
 * The sequences of serial and identity columns by the names PostgreSQL gives them
 * (table_column_seq): H2 keeps such a sequence inside its column, under a system name, so
 * pg_get_serial_sequence answers the PostgreSQL name and setval on that name restarts the column.
 */
public final class SerialSequences {

    private SerialSequences() {}

    /** A column and the sequence PostgreSQL would show for it. */
    record Owned(Table table, Column column, Sequence sequence) {}

    /** pg_get_serial_sequence(table, column): the schema-qualified sequence name, or null when the column has none. */
    static String serialSequence(Connection c, String table, String column) throws SQLException {
        if (table == null || column == null) {
            return null;
        }
        SessionLocal session = CatalogFunctions.session(c);
        QualifiedName name = QualifiedName.parse(table);
        Table t = findTable(session, name);
        if (t == null) {
            throw new SQLException("relation \"" + table + "\" does not exist", "42P01");
        }
        Column col = t.findColumn(column);
        if (col == null) {
            throw new SQLException("column \"" + column + "\" of relation \"" + t.getName() + "\" does not exist", "42703");
        }
        String schema = SqlQuoting.displayIdentifier(t.getSchema().getName());
        if (col.isIdentity()) {
            return schema + "." + SqlQuoting.displayIdentifier(InformationSchemaRows.serialSequenceName(t, col));
        }
        String def = col.getDefaultSQL();
        if (def != null && def.startsWith("NEXT VALUE FOR ")) {
            // a default of nextval('s'): H2 spells it NEXT VALUE FOR "schema"."s"
            QualifiedName q = QualifiedName.parse(def.substring("NEXT VALUE FOR ".length()));
            return SqlQuoting.displayIdentifier(q.schema() == null ? t.getSchema().getName() : q.schema()) + "."
                    + SqlQuoting.displayIdentifier(q.name());
        }
        return null;
    }

    /** The column whose sequence PostgreSQL names {@code name} in {@code schema}, or null. */
    static Owned find(Schema schema, SessionLocal session, String name) {
        if (schema == null || !name.endsWith("_seq")) {
            return null;
        }
        for (Table t : schema.getAllTablesAndViews(session)) {
            if (!name.startsWith(t.getName() + "_")) {
                continue;
            }
            for (Column col : t.getColumns()) {
                if (col.isIdentity() && col.getSequence() != null && InformationSchemaRows.serialSequenceName(t, col).equals(name)) {
                    return new Owned(t, col, col.getSequence());
                }
            }
        }
        return null;
    }

    /** setval on a serial or identity column's sequence: the column's identity restarts at {@code next}. */
    static void restart(Connection c, Owned owned, long next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("ALTER TABLE " + SqlQuoting.qualified(owned.table().getSchema().getName(),
                owned.table().getName()) + " ALTER COLUMN " + SqlQuoting.identifier(owned.column().getName()) + " RESTART WITH ?")) {
            ps.setLong(1, next);
            ps.execute();
        }
    }

    /** A table by a name as regclass reads it: qualified, or the first schema of the search path that has it. */
    static Table findTable(SessionLocal session, QualifiedName name) {
        if (name.schema() != null) {
            Schema s = session.getDatabase().findSchema(name.schema());
            return s == null ? null : s.findTableOrView(session, name.name());
        }
        String[] path = session.getSchemaSearchPath();
        for (String schema : path == null ? new String[] {session.getCurrentSchemaName(), "public"} : path) {
            Schema s = session.getDatabase().findSchema(schema);
            Table t = s == null ? null : s.findTableOrView(session, name.name());
            if (t != null) {
                return t;
            }
        }
        Schema current = session.getDatabase().findSchema(session.getCurrentSchemaName());
        return current == null ? null : current.findTableOrView(session, name.name());
    }
}
