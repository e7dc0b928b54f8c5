package borealis.engine.pg;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error as a PostgreSQL client expects it: a PostgreSQL SQLSTATE and message text. H2's errors
 * are translated here ({@link #of(SQLException)}); errors of our own are built directly.
 */
public record PgError(String severity, String sqlState, String message, String detail, String hint,
                      String schema, String table, String column, String constraint) {

    public PgError(String severity, String sqlState, String message, String detail, String hint) {
        this(severity, sqlState, message, detail, hint, null, null, null, null);
    }

    /** This error, naming the object it concerns (ErrorResponse fields s, t, c, n). */
    public PgError on(String schema, String table, String column, String constraint) {
        return new PgError(severity, sqlState, message, detail, hint, schema, table, column, constraint);
    }

    /** What the engine says when a statement's scratch files outgrow the temp-file limit (PostgreSQL's words). */
    public static final String TEMP_FILE_LIMIT_EXCEEDED = "temporary file size exceeds temp_file_limit";
    /** What the engine says when SQL reaches for a file or URL it may not. */
    public static final String HOST_ACCESS_REFUSED = "SQL cannot reach the server's files or network";

    private static final Pattern TOO_LONG_TYPE = Pattern.compile("(CHARACTER VARYING|CHARACTER)\\((\\d+)\\)");
    private static final Pattern FIRST_QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern H2_SUFFIX = Pattern.compile("(; SQL statement:.*)?\\s*\\[\\d+-\\d+]\\s*$", Pattern.DOTALL);

    public static PgError error(String sqlState, String message) {
        return new PgError("ERROR", sqlState, message, null, null);
    }

    public static PgError fatal(String sqlState, String message) {
        return new PgError("FATAL", sqlState, message, null, null);
    }

    /** 54001: what PostgreSQL answers a statement nested deeper than its stack allows. */
    public static final PgError STACK_DEPTH = new PgError("ERROR", "54001", "stack depth limit exceeded", null,
            "The statement is nested too deeply; simplify it.");

    /** Whether {@code t} is, or was caused by, a StackOverflowError (H2 wraps some). */
    public static boolean isStackOverflow(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StackOverflowError) {
                return true;
            }
        }
        return false;
    }

    /** 25P02: the state PostgreSQL answers every statement with inside a failed transaction block. */
    public static PgError inFailedTransaction() {
        return error("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    }

    public static PgError of(Throwable t) {
        if (isStackOverflow(t)) {
            return STACK_DEPTH;
        }
        if (t instanceof SQLException e) {
            return ofSql(e);
        }
        return error("XX000", String.valueOf(t.getMessage() != null ? t.getMessage() : t));
    }

    /** The columns of the unique index a unique violation (23505 from the engine) names, as written in H2; empty if none. */
    public static java.util.List<String> uniqueViolationColumns(SQLException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        return IntegrityErrors.uniqueColumns(H2_SUFFIX.matcher(raw).replaceFirst("").trim());
    }

    private static PgError ofSql(SQLException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        String text = H2_SUFFIX.matcher(raw).replaceFirst("").trim();
        String name = firstQuoted(text);
        int code = e.getErrorCode();
        String state = e.getSQLState();
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof borealis.persistence.volume.client.SnapshotRetiredException retired) {
                // A reader instance's snapshot outlived its writer: as a PostgreSQL standby cancels a query in conflict with recovery.
                return new PgError("ERROR", "40001", "canceling statement due to conflict with recovery", retired.getMessage(), null);
            }
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            int quota = m.indexOf(TEMP_FILE_LIMIT_EXCEEDED);
            if (quota >= 0) {
                // A statement's scratch files outgrew the database's temp-file limit (PostgreSQL: temp_file_limit).
                return error("53400", m.substring(quota).replaceFirst("\\)[^)]*$", ")"));
            }
            if (m.contains(HOST_ACCESS_REFUSED)) {
                return error("42501", "permission denied: SQL cannot reach the server's files or network");
            }
        }
        if (code == 50100 && name != null && name.startsWith("INTERVAL MONTH + INTERVAL")) {
            // H2 keeps months apart from days and times: '1 mon 15 days' has no H2 value
            return new PgError("ERROR", "0A000", "intervals that combine months or years with days or times are not supported by Borealis",
                    null, "Keep months and days in separate values, or express the span in days.");
        }
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
            case 90059:
                return error("42702", "column reference \"" + lower(name) + "\" is ambiguous");
            case 23505, 23503, 23506, 23502, 23513, 23514:
                return IntegrityErrors.of(code, raw, text);
            case 50004:
                // H2: Unknown data type: "NOSUCHTYPE"
                return error("42704", "type \"" + lower(name) + "\" does not exist");
            case 90119:
                return error("42710", "type \"" + lower(name) + "\" already exists");
            case 90120:
                return error("42704", "type \"" + lower(name) + "\" does not exist");
            case 22030:
                // H2 names the enum's values, not its type: "Value not permitted for column \"('a', 'b')\": \"x\"".
                return error("22P02", "invalid input value for enum: \"" + lastQuoted(text) + "\"");
            case 22018, 22025:
                return error("22P02", "invalid input syntax: " + text);
            case 22012:
                return error("22012", "division by zero");
            case 22001: {
                // H2: Value too long for column "f1 CHARACTER VARYING(4)": "'abcde' (5)"
                Matcher type = TOO_LONG_TYPE.matcher(firstQuoted(text));
                return type.find() ? error("22001", "value too long for type " + type.group(1).toLowerCase(java.util.Locale.ROOT) + "("
                        + type.group(2) + ")") : error("22001", "value too long: " + text);
            }
            case 22003:
                return error("22003", "value out of range: " + text);
            case 22007:
                return error("22007", "invalid input syntax for type date/time: " + text);
            case 42000, 42001:
                return error("42601", "syntax error: " + text);
            case 90022, 90087:
                return error("42883", "function " + lower(name) + " does not exist");
            case 90036, 90037, 42112, 90057:
                return error(code == 90057 || code == 42112 ? "42704" : "42P01", (code == 90036 ? "sequence" : code == 90037 ? "view"
                        : code == 42112 ? "index" : "constraint") + " \"" + lower(name) + "\" does not exist");
            case 90068:
                return error("42P10", "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
            case 90079:
                return error("3F000", "schema \"" + lower(name) + "\" does not exist");
            case 90131:
                return error("40001", "could not serialize access due to concurrent update");
            case 40001:
                // H2 says "Deadlock detected" both for a lock cycle (its details describe the waiting
                // transactions) and for a row a concurrent transaction changed and committed under
                // REPEATABLE READ or SERIALIZABLE (its details are just the table): PostgreSQL's 40001,
                // which retry loops (Spring's, jOOQ's) key on.
                if (text.contains("waiting") || text.contains("Transaction")) {
                    return error("40P01", "deadlock detected");
                }
                return new PgError("ERROR", "40001", "could not serialize access due to concurrent update", null, null);
            case 50200:
                return error("55P03", "canceling statement due to lock timeout");
            case 57014:
                return error("57014", "canceling statement due to user request");
            case 90096:
                // H2: Not enough rights for object "public.orders" (a table) or "public" (a schema).
                return error("42501", name.contains(".") ? "permission denied for table " + name.substring(name.lastIndexOf('.') + 1)
                        : "permission denied for schema " + name);
            case 90040, 90093:
                return error("42501", "permission denied: " + text);
            case 90012:
                return error("08P01", "not all parameters of the prepared statement were bound: " + text);
            case 90008:
                return error("22023", text);
            case 90097:
                return error("25006", "cannot execute " + readOnlyCommand(raw) + " in a read-only transaction");
            case 90105: {
                PgError argument = ofFunctionArgument(e);
                if (argument != null) {
                    return argument;
                }
                break;
            }
            default:
                break;
        }
        if (state != null && state.length() == 5 && !state.startsWith("HY") && !state.startsWith("42S") && !state.startsWith("90")) {
            PgError noted = withNotes(state, text);
            if (noted != null) {
                return noted;
            }
            PgError detailed = IntegrityErrors.withDetail(state, text);
            return detailed != null ? detailed : error(state, text);
        }
        return error("XX000", text);
    }

    /**
     * A function of ours that says more than its message writes it on lines of their own:
     * "message\nDETAIL: detail\nHINT: hint" (either may be missing), as psql prints them.
     */
    private static PgError withNotes(String state, String text) {
        int detail = text.indexOf("\nDETAIL: ");
        int hint = text.indexOf("\nHINT: ");
        if (detail < 0 && hint < 0) {
            return null;
        }
        int end = detail < 0 ? hint : hint < 0 ? detail : Math.min(detail, hint);
        String d = detail < 0 ? null : text.substring(detail + 9, hint > detail ? hint : text.length());
        String h = hint < 0 ? null : text.substring(hint + 7, detail > hint ? detail : text.length());
        return new PgError("ERROR", state, text.substring(0, end), d, h);
    }

    /**
     * A function of ours refused its arguments (H2 wraps what it threw as "Exception calling
     * user-defined function", XX000): PostgreSQL's data exception for it, with the message alone.
     */
    private static PgError ofFunctionArgument(SQLException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof java.time.DateTimeException) {
                return error("22008", "date field value out of range: " + m);
            }
            if (c instanceof ArithmeticException) {
                return m.contains("zero") || m.contains("undefined") ? error("22012", "division by zero") : error("22003", m);
            }
            if (c instanceof IllegalArgumentException) {
                PgError noted = withNotes("22023", m);
                return noted != null ? noted : error("22023", m);
            }
        }
        return null;
    }

    private static final Pattern STATEMENT = Pattern.compile("; SQL statement:\\s*(\\w+)(?:\\s+(\\w+))?", Pattern.DOTALL);

    /** The command a read-only database refused, as PostgreSQL names it: INSERT, UPDATE, CREATE TABLE... */
    private static String readOnlyCommand(String raw) {
        Matcher m = STATEMENT.matcher(raw);
        if (!m.find()) {
            return "this statement";
        }
        String verb = m.group(1).toUpperCase(java.util.Locale.ROOT);
        if ((verb.equals("CREATE") || verb.equals("DROP") || verb.equals("ALTER")) && m.group(2) != null) {
            return verb + " " + m.group(2).toUpperCase(java.util.Locale.ROOT);
        }
        return verb;
    }

    private static String lastQuoted(String text) {
        int close = text.lastIndexOf('"');
        int open = close > 0 ? text.lastIndexOf('"', close - 1) : -1;
        return open < 0 ? "?" : text.substring(open + 1, close);
    }

    private static String firstQuoted(String text) {
        Matcher m = FIRST_QUOTED.matcher(text);
        return m.find() ? m.group(1) : "?";
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
