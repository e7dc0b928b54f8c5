package borealis.engine.pg.session;

import java.lang.reflect.Field;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.command.Command;
import org.h2.jdbc.JdbcPreparedStatement;

/**
 * What H2 knows of a prepared statement that JDBC does not show: whether it is read-only (H2's
 * READONLY expression visitor). H2 2.3 keeps its command in a protected field of the prepared
 * statement; it is read reflectively, and a statement it cannot read counts as writing.
 */
final class EngineCommands {

    private static final Field COMMAND = commandField();

    private EngineCommands() {}

    static boolean isReadOnly(PreparedStatement ps) throws SQLException {
        if (COMMAND == null || !ps.isWrapperFor(JdbcPreparedStatement.class)) {
            return false;
        }
        try {
            return COMMAND.get(ps.unwrap(JdbcPreparedStatement.class)) instanceof Command c && c.isQuery() && c.isReadOnly();
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
