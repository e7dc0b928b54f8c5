package borealis.engine.pg;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error as a PostgreSQL client expects it: a PostgreSQL SQLSTATE and message text. H2's errors
 * are translated here ({@link #of(SQLException)}); errors of our own are built directly.
 */
public record PgError(String severity, String sqlState, String message, String detail, String hint) {

    private static final Pattern FIRST_QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern H2_SUFFIX = Pattern.compile("(; SQL statement:.*)?\\s*\\[\\d+-\\d+]\\s*$", Pattern.DOTALL);

    public static PgError error(String sqlState, String message) {
        return new PgError("ERROR", sqlState, message, null, null);
    }

    public static PgError fatal(String sqlState, String message) {
        return new PgError("FATAL", sqlState, message, null, null);
    }

    /** 25P02: the state PostgreSQL answers every statement with inside a failed transaction block. */
    public static PgError inFailedTransaction() {
        return error("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    }

    public static PgError of(Throwable t) {
        if (t instanceof SQLException e) {
            return ofSql(e);
        }
        return error("XX000", String.valueOf(t.getMessage() != null ? t.getMessage() : t));
    }

    private static PgError ofSql(SQLException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        String text = H2_SUFFIX.matcher(raw).replaceFirst("").trim();
        String name = firstQuoted(text);
        int code = e.getErrorCode();
        String state = e.getSQLState();
        switch (code) {
            case 42102, 42103, 42104:
                return error("42P01", "relation \"" + lower(name) + "\" does not exist");
            case 42122:
                return error("42703", "column \"" + lower(name) + "\" does not exist");
            case 42101:
                return error("42P07", "relation \"" + lower(name) + "\" already exists");
            case 42111:
                return error("42P07", "relation \"" + lower(name) + "\" already exists");
            case 42121:
                return error("42701", "column \"" + lower(name) + "\" specified more than once");
            case 23505:
                return new PgError("ERROR", "23505", "duplicate key value violates unique constraint \"" + lower(constraintName(text)) + "\"",
                        text, null);
            case 23503, 23506:
                return new PgError("ERROR", "23503", "insert or update on table violates foreign key constraint \""
                        + lower(constraintName(text)) + "\"", text, null);
            case 23504:
                return new PgError("ERROR", "23503", "update or delete on table violates foreign key constraint \""
                        + lower(constraintName(text)) + "\"", text, null);
            case 23502:
                return error("23502", "null value in column \"" + lower(name) + "\" violates not-null constraint");
            case 23513, 23514:
                return new PgError("ERROR", "23514", "new row violates check constraint \"" + lower(constraintName(text)) + "\"", text, null);
            case 22018, 22025:
                return error("22P02", "invalid input syntax: " + text);
            case 22012:
                return error("22012", "division by zero");
            case 22001:
                return error("22001", "value too long: " + text);
            case 22003:
                return error("22003", "value out of range: " + text);
            case 22007:
                return error("22007", "invalid input syntax for type date/time: " + text);
            case 42000, 42001:
                return error("42601", "syntax error: " + text);
            case 90022, 90087:
                return error("42883", "function " + lower(name) + " does not exist");
            case 90079:
                return error("3F000", "schema \"" + lower(name) + "\" does not exist");
            case 90131:
                return error("40001", "could not serialize access due to concurrent update");
            case 40001:
                return error("40P01", "deadlock detected");
            case 50200:
                return error("55P03", "canceling statement due to lock timeout");
            case 57014:
                return error("57014", "canceling statement due to user request");
            case 90040, 90096, 90093:
                return error("42501", "permission denied: " + text);
            case 90012:
                return error("08P01", "not all parameters of the prepared statement were bound: " + text);
            case 90008:
                return error("22023", text);
            default:
                break;
        }
        if (state != null && state.length() == 5 && !state.startsWith("HY") && !state.startsWith("42S") && !state.startsWith("90")) {
            return error(state, text);
        }
        return error("XX000", text);
    }

    private static String firstQuoted(String text) {
        Matcher m = FIRST_QUOTED.matcher(text);
        return m.find() ? m.group(1) : "?";
    }

    /** H2 writes {@code "PUBLIC.CONSTRAINT_8 ..."}: the constraint name is the first quoted token's first word. */
    private static String constraintName(String text) {
        String q = firstQuoted(text);
        int space = q.indexOf(' ');
        String name = space > 0 ? q.substring(0, space) : q;
        int dot = name.lastIndexOf('.');
        return dot >= 0 ? name.substring(dot + 1) : name;
    }

    private static String lower(String s) {
        String base = s;
        int dot = base.lastIndexOf('.');
        if (dot >= 0 && base.toUpperCase().startsWith("PUBLIC.")) {
            base = base.substring(dot + 1);
        }
        return base.toLowerCase(java.util.Locale.ROOT);
    }
}
