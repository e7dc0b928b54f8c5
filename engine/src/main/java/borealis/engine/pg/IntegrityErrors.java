package borealis.engine.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H2's integrity-constraint violations as PostgreSQL reports them: its message and detail, and the
 * schema, table, column and constraint fields that drivers expose (psycopg's {@code diag},
 * node-postgres' and postgres.js's error fields, pgjdbc's {@code ServerErrorMessage}) and that
 * applications key on (a unique violation of {@code users_email_key} means "email taken").
 * Constraint names are PostgreSQL's because Borealis gives unnamed constraints PostgreSQL's names
 * when it creates them.
 */
final class IntegrityErrors {

    private IntegrityErrors() {}

    /** {@code public.t_email_key_INDEX_6 ON public.t(email NULLS LAST) VALUES ( /* 1 *}{@code / 'a@x' )}, or {@code PRIMARY KEY ON public.t(id) ( /* key:1 *}{@code / 1, 'x')}. */
    private static final Pattern UNIQUE = Pattern.compile(
            "^(?:(?<index>\\S+)|PRIMARY KEY) ON (?<schema>[^.\\s]+)\\.(?<table>[^(\\s]+)\\((?<cols>[^)]*)\\)\\s*(?:VALUES\\s*)?\\(\\s*/\\*[^*]*\\*/\\s*(?<vals>.*)\\)\\s*$",
            Pattern.DOTALL);

    /** {@code t_fkey: public.orders FOREIGN KEY(customer_id) REFERENCES public.customers(id) (42)}. */
    private static final Pattern FOREIGN = Pattern.compile(
            "^(?<name>[^:]+): (?<schema>[^.\\s]+)\\.(?<table>\\S+) FOREIGN KEY\\((?<cols>[^)]*)\\) REFERENCES (?<pschema>[^.\\s]+)\\."
                    + "(?<ptable>[^(\\s]+)\\((?<pcols>[^)]*)\\)\\s*\\((?<vals>.*)\\)\\s*$", Pattern.DOTALL);

    /**
     * The table an INSERT, UPDATE or MERGE wrote, from the statement H2 appends to its message: the
     * first one in it (with RETURNING the write sits inside {@code SELECT ... FROM FINAL TABLE (...)}).
     */
    private static final Pattern TARGET = Pattern.compile("; SQL statement:.*?\\b(?:insert\\s+into|update|merge\\s+into)\\s+"
            + "(?:(\"[^\"]+\"|[\\w$]+)\\.)?(\"[^\"]+\"|[\\w$]+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Pattern QUOTED = Pattern.compile("\"(.*)\"", Pattern.DOTALL);

    /** The PostgreSQL error for H2's {@code code}, or null if it is not an integrity violation. */
    static PgError of(int code, String raw, String text) {
        return switch (code) {
            case 23505 -> unique(text);
            case 23506, 23503 -> foreignKey(text, code == 23506);
            case 23502 -> notNull(raw, text);
            case 23513, 23514 -> check(raw, text);
            default -> null;
        };
    }

    private static final Pattern NOT_CREATED = Pattern.compile("^(could not create unique index \"[^\"]*\") \\((Key .*)\\)$", Pattern.DOTALL);

    /** A catalog function's 23505 (a unique partial index refused over duplicated rows): its detail apart. */
    static PgError withDetail(String state, String text) {
        Matcher m = state.equals("23505") ? NOT_CREATED.matcher(text) : null;
        return m != null && m.matches() ? new PgError("ERROR", state, m.group(1), m.group(2), null) : null;
    }

    /** The columns of the unique index an H2 unique violation names; empty if it names none. */
    static List<String> uniqueColumns(String text) {
        Matcher m = UNIQUE.matcher(quoted(text));
        return m.find() ? columns(m.group("cols")) : List.of();
    }

    private static PgError unique(String text) {
        Matcher m = UNIQUE.matcher(quoted(text));
        if (!m.find()) {
            return new PgError("ERROR", "23505", "duplicate key value violates unique constraint", text, null);
        }
        String table = m.group("table");
        List<String> cols = columns(m.group("cols"));
        String index = m.group("index") == null ? "PRIMARY_KEY" : unqualified(m.group("index"));
        // Indexes H2 named itself stand for PostgreSQL's default names.
        String constraint = index.matches("PRIMARY_KEY(_[0-9A-F]+)?") ? table + "_pkey"
                : index.matches("CONSTRAINT_INDEX_[0-9A-F]+") ? table + "_" + String.join("_", cols) + "_key"
                : index.replaceAll("_INDEX_[0-9A-F]+$", "");
        String detail = "Key (" + String.join(", ", cols) + ")=(" + String.join(", ", values(m.group("vals"), cols.size())) + ") already exists.";
        return new PgError("ERROR", "23505", "duplicate key value violates unique constraint \"" + constraint + "\"", detail, null)
                .on(m.group("schema"), table, null, constraint);
    }

    private static PgError foreignKey(String text, boolean parentMissing) {
        Matcher m = FOREIGN.matcher(quoted(text));
        if (!m.find()) {
            return new PgError("ERROR", "23503", "foreign key violation", text, null);
        }
        String constraint = unqualified(m.group("name"));
        String table = m.group("table");
        String parent = m.group("ptable");
        List<String> cols = columns(m.group(parentMissing ? "cols" : "pcols"));
        String key = "Key (" + String.join(", ", cols) + ")=(" + String.join(", ", values(m.group("vals"), cols.size())) + ")";
        if (parentMissing) {
            return new PgError("ERROR", "23503", "insert or update on table \"" + table + "\" violates foreign key constraint \""
                    + constraint + "\"", key + " is not present in table \"" + parent + "\".", null).on(m.group("schema"), table, null, constraint);
        }
        return new PgError("ERROR", "23503", "update or delete on table \"" + parent + "\" violates foreign key constraint \""
                + constraint + "\" on table \"" + table + "\"", key + " is still referenced from table \"" + table + "\".", null)
                .on(m.group("schema"), table, null, constraint); // PostgreSQL names the referencing table here too
    }

    private static PgError notNull(String raw, String text) {
        String column = quoted(text);
        String[] target = target(raw);
        String message = target == null ? "null value in column \"" + column + "\" violates not-null constraint"
                : "null value in column \"" + column + "\" of relation \"" + target[1] + "\" violates not-null constraint";
        PgError e = new PgError("ERROR", "23502", message, null, null);
        return target == null ? e : e.on(target[0], target[1], column, null);
    }

    private static PgError check(String raw, String text) {
        String q = quoted(text);
        int colon = q.indexOf(':');
        String constraint = unqualified(colon >= 0 ? q.substring(0, colon) : q).trim();
        String[] target = target(raw);
        String message = target == null ? "new row violates check constraint \"" + constraint + "\""
                : "new row for relation \"" + target[1] + "\" violates check constraint \"" + constraint + "\"";
        PgError e = new PgError("ERROR", "23514", message, null, null);
        return target == null ? e : e.on(target[0], target[1], null, constraint);
    }

    /** [schema, table] an INSERT or UPDATE wrote (schema public when unqualified), or null. */
    private static String[] target(String raw) {
        Matcher m = TARGET.matcher(raw);
        if (!m.find()) {
            return null;
        }
        return new String[] {m.group(1) == null ? "public" : identifier(m.group(1)), identifier(m.group(2))};
    }

    private static String identifier(String s) {
        return s.startsWith("\"") ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s.toLowerCase(Locale.ROOT);
    }

    private static String quoted(String text) {
        Matcher m = QUOTED.matcher(text);
        return m.find() ? m.group(1) : text;
    }

    private static String unqualified(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** {@code email NULLS LAST, b DESC}: the column names. */
    private static List<String> columns(String cols) {
        List<String> out = new ArrayList<>();
        for (String c : cols.split(",")) {
            String name = c.trim().replaceAll("(?i)\\s+(ASC|DESC)?\\s*(NULLS\\s+(FIRST|LAST))?$", "").replaceAll("(?i)\\s+(ASC|DESC)$", "").trim();
            String base = PartialIndexNaming.base(name.replace("\"", ""));
            out.add(base != null ? base : name); // a unique partial index's hidden column stands for its base column
        }
        return out;
    }

    /** The first {@code n} values of H2's tuple, as PostgreSQL prints them: strings unquoted, casts and typed literals bare. */
    static List<String> values(String tuple, int n) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < tuple.length() && out.size() < n; i++) {
            char c = tuple.charAt(i);
            if (inString) {
                if (c == '\'' && i + 1 < tuple.length() && tuple.charAt(i + 1) == '\'') {
                    cur.append("''");
                    i++;
                    continue;
                }
                inString = c != '\'';
                cur.append(c);
            } else if (c == '\'') {
                inString = true;
                cur.append(c);
            } else if (c == '(') {
                depth++;
                cur.append(c);
            } else if (c == ')') {
                depth--;
                cur.append(c);
            } else if (c == ',' && depth == 0) {
                out.add(value(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (out.size() < n && !cur.isEmpty()) {
            out.add(value(cur.toString()));
        }
        return out;
    }

    private static final Pattern CAST = Pattern.compile("(?is)^CAST\\((.*) AS [^)]*\\)$");
    private static final Pattern TYPED = Pattern.compile("(?s)^[A-Z][A-Z ]*'(.*)'$");

    private static String value(String v) {
        String s = v.trim();
        Matcher cast = CAST.matcher(s);
        if (cast.find()) {
            s = cast.group(1).trim();
        }
        Matcher typed = TYPED.matcher(s);
        if (typed.find()) {
            s = "'" + typed.group(1) + "'";
        }
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
            s = s.substring(1, s.length() - 1).replace("''", "'");
        }
        return s.equals("NULL") ? "null" : s;
    }
}
