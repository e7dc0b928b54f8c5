package borealis.engine.h2;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * A tenant session's JDBC connection that reports audited statements (see {@link StatementKind})
 * and every statement H2 refused for lack of admin rights to a {@link StatementAudit}, with their
 * outcome. Everything else passes straight through; {@code unwrap} reaches H2's own objects.
 */
final class AuditedConnection {

    /** Longest statement text kept in an audit record. */
    static final int MAX_STATEMENT_CHARS = 2000;
    private static final String ADMIN_RIGHTS_REQUIRED = "90040";
    private static final String PERMISSION_DENIED = "42501";
    private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate");

    private AuditedConnection() {}

    static Connection wrap(Connection conn, String user, String source, StatementAudit audit) {
        if (audit == StatementAudit.NONE) {
            return conn;
        }
        Context context = new Context(user, source, audit);
        return (Connection) Proxy.newProxyInstance(AuditedConnection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(conn, method, args);
                    if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")) {
                        return statement(ps, PreparedStatement.class, (String) args[0], context);
                    }
                    if (result instanceof Statement s && method.getName().equals("createStatement")) {
                        return statement(s, Statement.class, null, context);
                    }
                    return result;
                });
    }

    private record Context(String user, String source, StatementAudit audit) {
        void report(String sql, SQLException error) {
            boolean denied = error != null && (ADMIN_RIGHTS_REQUIRED.equals(error.getSQLState())
                    || PERMISSION_DENIED.equals(error.getSQLState()));
            if (!denied && !StatementKind.audited(sql)) {
                return;
            }
            String text = sql.length() > MAX_STATEMENT_CHARS ? sql.substring(0, MAX_STATEMENT_CHARS) + "..." : sql;
            try {
                audit.statement(new StatementAudit.Event(user, source, text, error == null ? null : error.getSQLState(),
                        error == null ? null : firstLine(error.getMessage())));
            } catch (RuntimeException e) {
                // An audit sink that fails must not fail the tenant's statement.
            }
        }
    }

    private static <T extends Statement> T statement(T target, Class<T> type, String preparedSql, Context context) {
        InvocationHandler handler = (proxy, method, args) -> {
            String sql = preparedSql;
            if (args != null && args.length > 0 && args[0] instanceof String s && EXECUTE.contains(method.getName())) {
                sql = s;
            }
            if (sql == null || !EXECUTE.contains(method.getName())) {
                return invoke(target, method, args);
            }
            try {
                Object result = invoke(target, method, args);
                context.report(sql, null);
                return result;
            } catch (SQLException e) {
                context.report(sql, e);
                throw e;
            }
        };
        return type.cast(Proxy.newProxyInstance(AuditedConnection.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
