package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.ColumnLookup;
import borealis.engine.pg.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.schema.Domain;
import org.h2.schema.Schema;
import org.h2.table.Column;
import org.h2.table.Table;
import org.h2.value.ExtTypeInfoEnum;
import org.h2.value.Value;

/**
 * What the translation asks of the session's schema: a table's columns, whether a name is taken
 * (for PostgreSQL's generated constraint names), an enum's labels and columns. Read from the H2
 * session's metadata; names resolve through the schema search path as PostgreSQL's do.
 */
final class SchemaLookup implements ColumnLookup {

    private final Connection conn;
    private final Function<String, List<String>> columns;
    private final java.util.function.Supplier<String> dateStyle;

    SchemaLookup(Connection conn, Function<String, List<String>> columns, java.util.function.Supplier<String> dateStyle) {
        this.conn = conn;
        this.columns = columns;
        this.dateStyle = dateStyle;
    }

    @Override
    public borealis.engine.pg.types.DateOrder dateOrder() {
        return borealis.engine.pg.types.DateOrder.of(dateStyle.get());
    }

    @Override
    public List<String> columns(String table) {
        return columns.apply(table);
    }

    /** The table's columns in order with their engine type names (AssignedLiterals); empty when there is no such table. */
    @Override
    public java.util.Map<String, String> columnTypes(String table) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        return describe(table, md -> {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String type = md.getColumnTypeName(i);
                if (type.equals("CHARACTER VARYING") || type.equals("CHARACTER")) {
                    type += "(" + md.getPrecision(i) + ")"; // the declared length: assignment trims spaces past it
                }
                out.put(md.getColumnName(i), type);
            }
            return out;
        }, java.util.Map.of());
    }

    @Override
    public String notNullColumn(String table) {
        return describe(table, md -> {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (md.isNullable(i) == java.sql.ResultSetMetaData.columnNoNulls) {
                    return md.getColumnName(i);
                }
            }
            return null;
        }, null);
    }

    private interface MetaDataReader<T> {
        T read(java.sql.ResultSetMetaData md) throws SQLException;
    }

    /** What {@code reader} makes of the table's result columns; {@code none} when there is no such table (the statement reports it). */
    private <T> T describe(String table, MetaDataReader<T> reader, T none) {
        try {
            QualifiedName name = QualifiedName.parse(table);
            String sql = "SELECT * FROM " + SqlQuoting.qualified(name.schema(), name.name()) + " WHERE FALSE";
            try (java.sql.PreparedStatement ps = conn.prepareStatement(sql)) {
                return reader.read(ps.getMetaData());
            }
        } catch (SQLException e) {
            return none;
        }
    }

    @Override
    public boolean nameTaken(String table, String name) {
        SessionLocal session = session();
        Schema schema = schemaOf(session, table, true);
        if (schema == null) {
            return false;
        }
        // PostgreSQL keeps constraint names apart from every relation's, an index's included
        return schema.findConstraint(session, name) != null || schema.findIndex(session, name) != null
                || schema.findTableOrView(session, name) != null || schema.findSequence(name) != null;
    }

    @Override
    public List<String> compositeFields(String type) {
        Domain domain = domain(session(), type);
        if (domain == null || !(domain.getDataType().getExtTypeInfo() instanceof org.h2.value.ExtTypeInfoRow row)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (java.util.Map.Entry<String, org.h2.value.TypeInfo> field : row.getFields()) {
            names.add(field.getKey());
        }
        return names;
    }

    @Override
    public String domainElementType(String type) {
        Domain domain = domain(session(), type);
        return domain == null ? null : domain.getDataType().getSQL(org.h2.util.HasSQL.DEFAULT_SQL_FLAGS);
    }

    private static Domain domain(SessionLocal session, String type) {
        QualifiedName name = parse(type);
        for (String s : candidates(session, name)) {
            Schema schema = session.getDatabase().findSchema(s);
            Domain domain = schema == null ? null : schema.findDomain(name.name());
            if (domain != null) {
                return domain;
            }
        }
        return null;
    }

    @Override
    public ColumnLookup.EnumType enumType(String type) {
        SessionLocal session = session();
        Domain domain = domain(session, type);
        if (domain == null || domain.getDataType().getValueType() != Value.ENUM
                || !(domain.getDataType().getExtTypeInfo() instanceof ExtTypeInfoEnum e)) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < e.getCount(); i++) {
            labels.add(e.getEnumerator(i));
        }
        List<List<String>> used = new ArrayList<>();
        for (Schema s : session.getDatabase().getAllSchemas()) {
            for (Table t : s.getAllTablesAndViews(session)) {
                for (Column c : t.getColumns()) {
                    if (c.getDomain() == domain) {
                        used.add(List.of(s.getName(), t.getName(), c.getName()));
                    }
                }
            }
        }
        return new ColumnLookup.EnumType(domain.getSchema().getName(), domain.getName(), labels, used);
    }

    /** The schema a table name (as written) lives in: its qualifier, or where the search path finds it, or the first of the path. */
    private static Schema schemaOf(SessionLocal session, String table, boolean firstIfAbsent) {
        QualifiedName name = parse(table);
        List<String> candidates = candidates(session, name);
        for (String s : candidates) {
            Schema schema = session.getDatabase().findSchema(s);
            if (schema != null && schema.findTableOrView(session, name.name()) != null) {
                return schema;
            }
        }
        return firstIfAbsent && !candidates.isEmpty() ? session.getDatabase().findSchema(candidates.get(0)) : null;
    }

    @Override
    public List<String> uniqueConstraintColumns(String table, String constraint) {
        SessionLocal session = session();
        Schema schema = schemaOf(session, table, false);
        org.h2.table.Table t = schema == null ? null : schema.findTableOrView(session, parse(table).name());
        if (t == null) {
            return null;
        }
        for (org.h2.constraint.Constraint c : t.getConstraints()) {
            if (c.getName().equals(constraint) && c instanceof org.h2.constraint.ConstraintUnique u && u.getTable() == t) {
                List<String> out = new ArrayList<>();
                for (org.h2.table.IndexColumn ic : u.getColumns()) {
                    out.add(SqlQuoting.identifier(ic.column.getName()));
                }
                return out;
            }
        }
        return null;
    }

    @Override
    public List<java.util.Set<String>> uniqueKeys(String table) {
        SessionLocal session = session();
        Schema schema = schemaOf(session, table, false);
        org.h2.table.Table t = schema == null ? null : schema.findTableOrView(session, parse(table).name());
        if (t == null) {
            t = session.findLocalTempTable(parse(table).name());
        }
        if (t == null || t.getIndexes() == null) {
            return null; // not a table here (a view): the engine says what it says
        }
        List<java.util.Set<String>> out = new ArrayList<>();
        for (org.h2.index.Index index : t.getIndexes()) {
            if (!index.getIndexType().isUnique() && !index.getIndexType().isPrimaryKey()) {
                continue;
            }
            java.util.Set<String> columns = new java.util.HashSet<>();
            boolean hidden = false;
            for (org.h2.table.IndexColumn ic : index.getIndexColumns()) {
                columns.add(ic.column.getName());
                hidden |= !ic.column.getVisible();
            }
            out.add(hidden ? PARTIAL_KEY : columns);
        }
        return out;
    }

    private static List<String> candidates(SessionLocal session, QualifiedName name) {
        List<String> out = new ArrayList<>();
        if (name.schema() != null) {
            out.add(name.schema());
            return out;
        }
        String[] path = session.getSchemaSearchPath();
        if (path != null) {
            out.addAll(List.of(path));
        }
        out.add(session.getCurrentSchemaName());
        return out;
    }

    private static QualifiedName parse(String text) {
        try {
            return QualifiedName.parse(text);
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
    }

    private SessionLocal session() {
        try {
            return (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
    }

    @Override
    public String columnType(String table, String column) {
        Table t = table(table);
        Column c = t == null ? null : t.findColumn(column);
        return c == null ? null : c.getType().getSQL(org.h2.util.HasSQL.DEFAULT_SQL_FLAGS);
    }

    @Override
    public java.util.Set<String> allColumnNames(String table) {
        Table t = table(table);
        java.util.Set<String> out = new java.util.HashSet<>();
        if (t != null) {
            for (Column c : t.getColumns()) {
                out.add(c.getName());
            }
        }
        return out;
    }

    @Override
    public HiddenColumns partialIndexColumns(String index) {
        SessionLocal session = session();
        QualifiedName name = parse(index);
        for (String s : candidates(session, name)) {
            Schema schema = session.getDatabase().findSchema(s);
            org.h2.index.Index i = schema == null ? null : schema.findIndex(session, name.name());
            if (i == null) {
                continue;
            }
            List<String> hidden = new ArrayList<>();
            for (Column c : i.getColumns()) {
                if (!c.getVisible() && c.isGenerated() && borealis.engine.pg.PartialIndexNaming.base(c.getName()) != null) {
                    hidden.add(c.getName());
                }
            }
            return hidden.isEmpty() ? null : new HiddenColumns(schema.getName(), i.getTable().getName(), hidden);
        }
        return null;
    }

    @Override
    public List<String> partialIndexesReading(String table, String column) {
        Table t = table(table);
        List<String> out = new ArrayList<>();
        if (t == null || t.getIndexes() == null) {
            return out;
        }
        // H2 quotes every name in a generated column's expression
        String reference = SqlQuoting.identifier(column);
        for (org.h2.index.Index i : t.getIndexes()) {
            for (Column c : i.getColumns()) {
                if (!c.getVisible() && c.isGenerated() && borealis.engine.pg.PartialIndexNaming.base(c.getName()) != null
                        && c.getDefaultSQL() != null && c.getDefaultSQL().contains(reference)) {
                    out.add(SqlQuoting.qualified(i.getSchema().getName(), i.getName()));
                    break;
                }
            }
        }
        return out;
    }

    private Table table(String table) {
        SessionLocal session = session();
        Schema schema = schemaOf(session, table, false);
        return schema == null ? null : schema.findTableOrView(session, parse(table).name());
    }

    /** Prepared, not run: H2 types the result without reading a row. */
    @Override
    public String resultType(String engineSql) {
        try (PreparedStatement ps = conn.prepareStatement(engineSql)) {
            ResultSetMetaData md = ps.getMetaData();
            if (md == null || md.getColumnCount() < 1) {
                return null;
            }
            String name = md.getColumnTypeName(1);
            String upper = name.toUpperCase(Locale.ROOT);
            if (upper.equals("CHARACTER VARYING") || upper.equals("CHARACTER") || upper.equals("VARBINARY")) {
                return name + "(" + md.getPrecision(1) + ")";
            }
            if (upper.equals("NUMERIC") || upper.equals("DECIMAL")) {
                return name + "(" + md.getPrecision(1) + ", " + md.getScale(1) + ")";
            }
            return name;
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
    }
}
