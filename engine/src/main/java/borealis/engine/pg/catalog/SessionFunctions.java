package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.h2.tools.SimpleResultSet;

/**
 * Table functions behind the session-scoped catalog relations (see {@link SessionRelations}); the
 * translator reads {@code pg_prepared_statements} as a call of the function of that name.
 */
public final class SessionFunctions {

    private SessionFunctions() {}

    public static ResultSet pg_prepared_statements(Connection c) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("name", Types.VARCHAR, Integer.MAX_VALUE, 0);
        rs.addColumn("statement", Types.VARCHAR, Integer.MAX_VALUE, 0);
        rs.addColumn("prepare_time", Types.TIMESTAMP_WITH_TIMEZONE, 6, 6);
        // regtype[] is shown by name, as PostgreSQL prints it
        rs.addColumn("parameter_types", Types.ARRAY, "CHARACTER VARYING ARRAY", 0, 0);
        rs.addColumn("from_sql", Types.BOOLEAN, 1, 0);
        rs.addColumn("generic_plans", Types.BIGINT, 64, 0);
        rs.addColumn("custom_plans", Types.BIGINT, 64, 0);
        if (c.getMetaData().getURL().startsWith("jdbc:columnlist:")) {
            return rs; // H2 asks for the columns only
        }
        for (SessionRelations.PreparedStatement p : SessionRelations.prepared(c)) {
            String[] types = new String[p.parameterTypes().length];
            for (int i = 0; i < types.length; i++) {
                int oid = p.parameterTypes()[i];
                types[i] = oid == 0 ? "unknown" : TypeMapping.formatType(oid, -1);
            }
            // not counted: Borealis keeps no plans between executions to choose from
            rs.addRow(p.name(), p.statement(), p.prepareTime(), types, p.fromSql(), 0L, 0L);
        }
        return rs;
    }
}
