package borealis.engine.pg.session;

import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlQuoting;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a statement is, from its leading keywords: the session handles transaction control and
 * settings itself and sends everything else to H2. Also gives the CommandComplete tag.
 */
public record Command(Kind kind, String tag, String name) {

    public enum Kind {
        /** Runs in H2 and may return rows. */
        ENGINE,
        BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO,
        SET, SHOW, RESET, DISCARD, DEALLOCATE,
        /** CREATE SCHEMA and ALTER SCHEMA, which the instance runs for the session ({@link SchemaAdmin}). */
        SCHEMA,
        /** SQL-level cursors: DECLARE, FETCH / MOVE, CLOSE. */
        DECLARE, FETCH, CLOSE_CURSOR,
        /** Accepted and ignored (VACUUM, ANALYZE, CHECKPOINT...). */
        NOOP,
        /** SQL-level prepared statements ({@link SqlPreparedStatements}); DEALLOCATE closes them. */
        PREPARE, EXECUTE,
        /** Asynchronous notifications ({@link SessionNotifications}). */
        LISTEN, UNLISTEN, NOTIFY,
        /** An anonymous code block, run by the session statement by statement ({@link InlineBlocks}). */
        DO,
        COPY,
        EMPTY
    }

    /** COMMIT AND CHAIN / ROLLBACK AND CHAIN: a new block with the same characteristics follows at once. */
    static boolean chains(String sql) {
        List<SqlLexer.Token> code = SqlLexer.code(sql);
        int n = code.size();
        return n >= 3 && code.get(n - 1).is("CHAIN") && code.get(n - 2).is("AND");
    }

    public static Command classify(String sql) {
        List<SqlLexer.Token> code = SqlLexer.code(sql);
        if (code.isEmpty()) {
            return new Command(Kind.EMPTY, "", null);
        }
        String k0 = code.get(0).keyword();
        String k1 = code.size() > 1 ? code.get(1).keyword() : "";
        String k2 = code.size() > 2 ? code.get(2).keyword() : "";
        switch (k0) {
            case "BEGIN":
                return new Command(Kind.BEGIN, "BEGIN", null);
            case "START":
                if (k1.equals("TRANSACTION")) {
                    return new Command(Kind.BEGIN, "START TRANSACTION", null);
                }
                break;
            case "COMMIT":
            case "END":
                if (k1.equals("PREPARED")) {
                    break;
                }
                return new Command(Kind.COMMIT, "COMMIT", null);
            case "ROLLBACK":
            case "ABORT":
                if (k1.equals("TO")) {
                    String name = k2.equals("SAVEPOINT") ? word(code, 3) : word(code, 2);
                    return new Command(Kind.ROLLBACK_TO, "ROLLBACK", name);
                }
                if (k1.equals("PREPARED")) {
                    break;
                }
                return new Command(Kind.ROLLBACK, "ROLLBACK", null);
            case "SAVEPOINT":
                return new Command(Kind.SAVEPOINT, "SAVEPOINT", word(code, 1));
            case "RELEASE":
                return new Command(Kind.RELEASE, "RELEASE", k1.equals("SAVEPOINT") ? word(code, 2) : word(code, 1));
            case "SET":
                return new Command(Kind.SET, "SET", null);
            case "SHOW":
                return new Command(Kind.SHOW, "SHOW", null);
            case "RESET":
                return new Command(Kind.RESET, "RESET", null);
            case "DISCARD":
                return new Command(Kind.DISCARD, "DISCARD " + (k1.isEmpty() ? "ALL" : k1.equals("TEMPORARY") ? "TEMP" : k1), null);
            case "DEALLOCATE":
                return new Command(Kind.DEALLOCATE, "DEALLOCATE" + (k1.equals("ALL") || k2.equals("ALL") ? " ALL" : ""),
                        word(code, k1.equals("PREPARE") ? 2 : 1));
            case "PREPARE":
                if (k1.equals("TRANSACTION")) {
                    break;
                }
                return new Command(Kind.PREPARE, "PREPARE", word(code, 1));
            case "EXECUTE":
                return new Command(Kind.EXECUTE, "EXECUTE", word(code, 1));
            case "CREATE":
                if (k1.equals("EXTENSION")) {
                    return new Command(Kind.NOOP, "CREATE EXTENSION", null);
                }
                if (k1.equals("SCHEMA")) {
                    return new Command(Kind.SCHEMA, "CREATE SCHEMA", null);
                }
                break;
            case "ALTER":
                if (k1.equals("SCHEMA")) {
                    return new Command(Kind.SCHEMA, "ALTER SCHEMA", null);
                }
                break;
            case "VACUUM":
            case "ANALYZE":
            case "ANALYSE":
            case "CHECKPOINT":
                return new Command(Kind.NOOP, k0.equals("ANALYSE") ? "ANALYZE" : k0, null);
            case "LISTEN":
                return new Command(Kind.LISTEN, k0, null);
            case "UNLISTEN":
                return new Command(Kind.UNLISTEN, k0, null);
            case "NOTIFY":
                return new Command(Kind.NOTIFY, k0, null);
            case "COPY":
                return new Command(Kind.COPY, "COPY", null);
            case "DECLARE":
                return new Command(Kind.DECLARE, "DECLARE CURSOR", word(code, 1));
            case "FETCH":
            case "MOVE":
                return new Command(Kind.FETCH, k0, null);
            case "CLOSE":
                return new Command(Kind.CLOSE_CURSOR, "CLOSE CURSOR" + (k1.equals("ALL") ? " ALL" : ""), k1.equals("ALL") ? null : word(code, 1));
            case "LOCK":
                return new Command(Kind.NOOP, "LOCK TABLE", null);
            case "DO":
                return new Command(Kind.DO, "DO", null);
            default:
                break;
        }
        if (k0.equals("EXPLAIN")) {
            return new Command(Kind.ENGINE, "EXPLAIN", explained(code));
        }
        String tag = engineTag(code);
        return new Command(Kind.ENGINE, tag, tag.equals(CREATE_TABLE_AS) ? createdWithData(code) : null);
    }

    /** CREATE TABLE ... AS query: PostgreSQL completes it with "SELECT n" (n rows stored), or this tag WITH NO DATA. */
    static final String CREATE_TABLE_AS = "CREATE TABLE AS";

    /**
     * Where CREATE TABLE ... AS is a table name followed, outside parentheses, by AS and a query:
     * the index of that AS, or -1.
     */
    private static int queryAs(List<SqlLexer.Token> code, int table) {
        int depth = 0;
        for (int i = table + 1; i + 1 < code.size(); i++) {
            SqlLexer.Token t = code.get(i);
            depth += t.kind() == SqlLexer.Kind.LPAREN ? 1 : t.kind() == SqlLexer.Kind.RPAREN ? -1 : 0;
            if (depth == 0 && t.keyword().equals("AS")) {
                SqlLexer.Token next = code.get(i + 1);
                String k = next.keyword();
                return next.kind() == SqlLexer.Kind.LPAREN || k.equals("SELECT") || k.equals("VALUES") || k.equals("TABLE")
                        || k.equals("WITH") || k.equals("EXECUTE") ? i : -1;
            }
        }
        return -1;
    }

    /**
     * The created table's name as quoted identifiers (unquoted parts folded to lower case, as
     * PostgreSQL folds them), so that its rows can be counted; null when it is created WITH NO DATA.
     */
    private static String createdWithData(List<SqlLexer.Token> code) {
        int n = code.size();
        if (n >= 3 && code.get(n - 3).keyword().equals("WITH") && code.get(n - 2).keyword().equals("NO")
                && code.get(n - 1).keyword().equals("DATA")) {
            return null;
        }
        int i = 1;
        while (i < n && !code.get(i).keyword().equals("TABLE")) {
            i++;
        }
        i++;
        if (i + 2 < n && code.get(i).keyword().equals("IF") && code.get(i + 1).keyword().equals("NOT")) {
            i += 3;
        }
        StringBuilder name = new StringBuilder();
        while (i < n) {
            String part = word(code, i);
            if (part == null) {
                return null;
            }
            name.append(SqlQuoting.identifier(part));
            if (i + 2 < n && code.get(i + 1).text().equals(".")) {
                name.append('.');
                i += 2;
            } else {
                break;
            }
        }
        return name.toString();
    }

    /**
     * The verb EXPLAIN ANALYZE runs (INSERT, UPDATE...), as this command's name: the statement is
     * executed, so a read-only transaction and the storage quota apply to it. Null without ANALYZE.
     */
    private static String explained(List<SqlLexer.Token> code) {
        boolean analyze = false;
        int i = 1;
        if (i < code.size() && code.get(i).kind() == SqlLexer.Kind.LPAREN) {
            int depth = 0;
            for (; i < code.size(); i++) {
                SqlLexer.Token t = code.get(i);
                depth += t.kind() == SqlLexer.Kind.LPAREN ? 1 : t.kind() == SqlLexer.Kind.RPAREN ? -1 : 0;
                String k = t.keyword();
                if (k.equals("ANALYZE") || k.equals("ANALYSE")) {
                    String v = i + 1 < code.size() ? code.get(i + 1).text().toLowerCase(Locale.ROOT).replace("'", "") : "";
                    analyze = !(v.equals("false") || v.equals("off") || v.equals("0"));
                }
                if (depth == 0) {
                    i++;
                    break;
                }
            }
        } else {
            while (i < code.size() && (code.get(i).keyword().equals("ANALYZE") || code.get(i).keyword().equals("ANALYSE")
                    || code.get(i).keyword().equals("VERBOSE"))) {
                analyze |= !code.get(i).keyword().equals("VERBOSE");
                i++;
            }
        }
        return analyze && i < code.size() ? engineTag(code.subList(i, code.size())) : null;
    }

    private static String word(List<SqlLexer.Token> code, int i) {
        if (i >= code.size()) {
            return null;
        }
        SqlLexer.Token t = code.get(i);
        if (t.kind() == SqlLexer.Kind.QUOTED_IDENT) {
            return t.text().substring(1, t.text().length() - 1);
        }
        return t.text().toLowerCase(Locale.ROOT);
    }

    /** The tag's verb for a statement run by H2; counts are added after execution. */
    private static String engineTag(List<SqlLexer.Token> code) {
        String k0 = code.get(0).keyword();
        if (code.get(0).kind() == SqlLexer.Kind.LPAREN) {
            // (SELECT 1) UNION SELECT 2: a query in parentheses
            int i = 0;
            while (i < code.size() && code.get(i).kind() == SqlLexer.Kind.LPAREN) {
                i++;
            }
            String k = i < code.size() ? code.get(i).keyword() : "";
            if (k.equals("SELECT") || k.equals("VALUES") || k.equals("TABLE") || k.equals("WITH")) {
                return "SELECT";
            }
        }
        switch (k0) {
            case "SELECT":
            case "VALUES":
            case "TABLE":
            case "WITH":
            case "CALL":
                return k0.equals("CALL") ? "CALL" : "SELECT";
            case "INSERT":
            case "UPDATE":
            case "DELETE":
            case "MERGE":
                return k0;
            case "TRUNCATE":
                return "TRUNCATE TABLE";
            case "CREATE":
            case "DROP":
            case "ALTER": {
                // Skip modifiers to find the object: CREATE [OR REPLACE] [UNIQUE|TEMP|TEMPORARY|UNLOGGED|LOCAL|GLOBAL] <object>
                int i = 1;
                while (i < code.size()) {
                    String k = code.get(i).keyword();
                    if (k.equals("OR") || k.equals("REPLACE") || k.equals("UNIQUE") || k.equals("TEMP") || k.equals("TEMPORARY")
                            || k.equals("UNLOGGED") || k.equals("LOCAL") || k.equals("GLOBAL") || k.equals("FORCE")) {
                        i++;
                    } else {
                        break;
                    }
                }
                String object = i < code.size() ? code.get(i).keyword() : "";
                if (object.equals("MATERIALIZED") && i + 1 < code.size()) {
                    object = "MATERIALIZED " + code.get(i + 1).keyword();
                }
                if (k0.equals("CREATE") && object.equals("TABLE") && queryAs(code, i + 1) > 0) {
                    return CREATE_TABLE_AS;
                }
                return object.isEmpty() ? k0 : k0 + " " + object;
            }
            case "GRANT":
            case "REVOKE":
            case "COMMENT":
            case "LOCK":
            case "PREPARE":
            case "EXECUTE":
                return k0.equals("COMMENT") ? "COMMENT" : k0;
            default:
                return k0;
        }
    }

    /**
     * Whether the statement may make the database grow (a storage quota refuses it): inserts,
     * updates, COPY FROM and DDL other than DROP; not reads, DELETE or TRUNCATE, which free space.
     */
    public boolean grows() {
        return switch (tag) {
            case "INSERT", "UPDATE", "MERGE", "COPY" -> true;
            case "EXPLAIN" -> name != null && Set.of("INSERT", "UPDATE", "MERGE").contains(name);
            default -> tag.startsWith("CREATE") || tag.startsWith("ALTER");
        };
    }

    /** Whether PostgreSQL refuses the statement in a read-only transaction (25006). */
    public boolean writes() {
        return switch (tag) {
            case "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE TABLE", "GRANT", "REVOKE", "COMMENT" -> true;
            case "EXPLAIN" -> name != null && Set.of("INSERT", "UPDATE", "DELETE", "MERGE").contains(name);
            default -> tag.startsWith("CREATE") || tag.startsWith("ALTER") || tag.startsWith("DROP");
        };
    }

    /** Whether H2 commits the open transaction when it runs the statement (DDL and other schema changes). */
    public boolean commitsImplicitly() {
        return kind == Kind.SCHEMA || kind == Kind.ENGINE && (tag.startsWith("CREATE") || tag.startsWith("ALTER")
                || tag.startsWith("DROP") || tag.equals("TRUNCATE TABLE") || tag.equals("GRANT") || tag.equals("REVOKE")
                || tag.equals("COMMENT"));
    }

    /** The CommandComplete tag once the statement ran. */
    public String completedTag(long count) {
        switch (tag) {
            case "SELECT":
            case "UPDATE":
            case "DELETE":
            case "MERGE":
                return tag + " " + count;
            case "INSERT":
                return "INSERT 0 " + count; // sql-built: a command tag, not SQL
            case "COPY":
                return "COPY " + count;
            case CREATE_TABLE_AS:
                return name != null ? "SELECT " + count : tag; // sql-built: a command tag, not SQL
            default:
                return tag;
        }
    }
}
