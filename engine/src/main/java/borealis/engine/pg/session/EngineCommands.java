package borealis.engine.pg.session;

import java.lang.reflect.Field;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.command.CommandContainer;
import org.h2.engine.DbObject;
import org.h2.index.Index;
import org.h2.jdbc.JdbcPreparedStatement;
import org.h2.table.Table;
import org.h2.table.TableType;

/**
 * What H2 knows of a prepared statement that JDBC does not show: whether it is read-only (H2's
 * READONLY expression visitor). H2 2.3 keeps its command in a protected field of the prepared
 * statement; it is read reflectively, and a statement it cannot read counts as writing.
 */
final class EngineCommands {

    private static final Field COMMAND = commandField();

    private EngineCommands() {}

    /**
     * A query H2 holds read-only that reads base tables only. H2's READONLY visitor sees the
     * expressions, not the FROM clause: a view or a function in FROM (which may write) is ruled
     * out here by the statement's dependencies.
     */
    static boolean isReadOnly(PreparedStatement ps) throws SQLException {
        if (COMMAND == null || !ps.isWrapperFor(JdbcPreparedStatement.class)) {
            return false;
        }
        try {
            if (!(COMMAND.get(ps.unwrap(JdbcPreparedStatement.class)) instanceof CommandContainer c) || !c.isQuery() || !c.isReadOnly()) {
                return false;
            }
            for (DbObject o : c.getDependencies()) {
                boolean baseTable = o instanceof Table t && t.getTableType() == TableType.TABLE;
                if (!baseTable && !(o instanceof Index)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    private static Field commandField() {
        try {
            Field f = JdbcPreparedStatement.class.getDeclaredField("command");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
