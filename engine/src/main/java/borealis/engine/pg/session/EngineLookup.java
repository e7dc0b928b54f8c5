package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.sql.StatementRewriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the translator may ask the session's H2 connection: a table's columns, a query's result type. */
final class EngineLookup implements StatementRewriter.ColumnLookup {

    private final Connection conn;

    EngineLookup(Connection conn) {
        this.conn = conn;
    }

    @Override
    public List<String> columns(String table) {
        List<String> cols = new ArrayList<>();
        try {
            QualifiedName name = QualifiedName.parse(table);
            try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM " + SqlQuoting.qualified(name.schema(), name.name())
                    + " WHERE FALSE")) {
                var md = ps.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add("\"" + md.getColumnName(i).replace("\"", "\"\"") + "\"");
                }
            }
        } catch (SQLException e) {
            throw new PgException(PgError.of(e));
        }
        return cols;
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
