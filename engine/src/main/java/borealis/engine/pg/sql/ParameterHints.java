package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameter types that PostgreSQL fixes by the text around a parameter, where H2's metadata cannot
 * tell (it reports an unknown type as varchar): {@code $1::int} and {@code CAST($1 AS int)} are of
 * the type named, {@code LIMIT $1}, {@code OFFSET $1} and {@code FETCH FIRST $1} are int8, and in
 * {@code x = ANY($1)} the parameter is an array of x's type, which the caller finds by asking the
 * engine about {@link #anyProbe the same statement with {@code x = $1}}. What a client sees is
 * checked against PostgreSQL 15's ParameterDescription by the ecosystem suite (asyncpg, postgres.js).
 */
public final class ParameterHints {

    private ParameterHints() {}

    /** Words after which "(" opens a parenthesized expression, not a function's arguments. */
    private static final java.util.Set<String> EXPRESSION_KEYWORDS = java.util.Set.of("SELECT", "WHERE", "AND", "OR", "NOT",
            "ON", "WHEN", "THEN", "ELSE", "HAVING", "RETURNING", "BY", "IS", "LIKE", "BETWEEN", "SET", "VALUES", "IN");

    /** The type OIDs PostgreSQL would infer from the text, per parameter ($1 at index 0); 0 where the text does not decide. */
    public static int[] of(String pgSql, int count) {
        int[] oids = new int[count];
        List<SqlLexer.Token> t = SqlLexer.code(pgSql);
        for (int k = 0; k < t.size(); k++) {
            int n = paramNumber(t.get(k));
            if (n < 1 || n > count || oids[n - 1] != 0) {
                continue;
            }
            int oid = 0;
            // ($1)::t and (($1))::t are casts of the parameter too (Django writes (%s)::varchar[]).
            int close = k + 1;
            while (close < t.size() && t.get(close).kind() == SqlLexer.Kind.RPAREN && k - (close - k) >= 0
                    && t.get(k - (close - k)).kind() == SqlLexer.Kind.LPAREN) {
                close++;
            }
            int open = k - (close - k - 1) - 1; // the token before the outermost "(": f($1)::t casts f's result
            boolean call = close > k + 1 && open >= 0 && t.get(open).kind() == SqlLexer.Kind.WORD
                    && !EXPRESSION_KEYWORDS.contains(t.get(open).keyword());
            if (close < t.size() && t.get(close).text().equals("::") && !call) {
                oid = typeAt(t, close + 1);
            } else if (k >= 2 && t.get(k - 1).kind() == SqlLexer.Kind.LPAREN && t.get(k - 2).is("CAST") && k + 1 < t.size()
                    && t.get(k + 1).is("AS")) {
                oid = typeAt(t, k + 2);
            } else if (k >= 1 && (t.get(k - 1).is("LIMIT") || t.get(k - 1).is("OFFSET"))
                    || k >= 2 && (t.get(k - 1).is("FIRST") || t.get(k - 1).is("NEXT")) && t.get(k - 2).is("FETCH")) {
                oid = PgType.INT8.oid;
            }
            oids[n - 1] = oid;
        }
        return oids;
    }

    /**
     * The type name {@code $n} is cast to where the text names one that is not built in
     * ({@code $n::name}, {@code $n::schema.name}, {@code CAST($n AS name)}): the name's parts as
     * written (one or two), then "[]" when it is an array of the type, or null. A domain: the
     * caller asks the engine for its base type.
     */
    public static List<String> castTypeName(String pgSql, int n) {
        List<SqlLexer.Token> t = SqlLexer.code(pgSql);
        for (int k = 0; k < t.size(); k++) {
            if (paramNumber(t.get(k)) != n) {
                continue;
            }
            int at = -1;
            if (k + 2 < t.size() && t.get(k + 1).text().equals("::")) {
                at = k + 2;
            } else if (k >= 2 && t.get(k - 1).kind() == SqlLexer.Kind.LPAREN && t.get(k - 2).is("CAST") && k + 2 < t.size()
                    && t.get(k + 1).is("AS")) {
                at = k + 2;
            }
            if (at < 0 || !isName(t.get(at)) || typeAt(t, at) != 0) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            parts.add(nameOf(t.get(at)));
            if (at + 2 < t.size() && t.get(at + 1).text().equals(".") && isName(t.get(at + 2))) {
                parts.add(nameOf(t.get(at + 2)));
            }
            boolean array = at + parts.size() * 2 - 1 < t.size() && t.get(at + parts.size() * 2 - 1).text().startsWith("[");
            if (array) {
                parts.add("[]"); // an array of the type: the caller types it as the array of the base type
            }
            return parts;
        }
        return null;
    }

    private static boolean isName(SqlLexer.Token tok) {
        return tok.kind() == SqlLexer.Kind.WORD || tok.kind() == SqlLexer.Kind.QUOTED_IDENT;
    }

    private static String nameOf(SqlLexer.Token tok) {
        return tok.kind() == SqlLexer.Kind.QUOTED_IDENT ? tok.text().substring(1, tok.text().length() - 1).replace("\"\"", "\"")
                : tok.text().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * For {@code $n} written as {@code op ANY ($n)} (or ALL, SOME): the statement with that
     * parameter compared directly ({@code op $n}), whose engine type is the array's element type;
     * null when {@code $n} is not written so.
     */
    public static String anyProbe(String pgSql, int n) {
        List<SqlLexer.Token> t = SqlLexer.code(pgSql);
        for (int k = 2; k + 1 < t.size(); k++) {
            if (paramNumber(t.get(k)) == n && t.get(k - 1).kind() == SqlLexer.Kind.LPAREN && t.get(k + 1).kind() == SqlLexer.Kind.RPAREN
                    && (t.get(k - 2).is("ANY") || t.get(k - 2).is("ALL") || t.get(k - 2).is("SOME"))) {
                return pgSql.substring(0, t.get(k - 2).start()) + t.get(k).text() + pgSql.substring(t.get(k + 1).end());
            }
        }
        return null;
    }

    /**
     * The statement without its top-level RETURNING clause, or null if it has none: H2 runs
     * {@code INSERT ... RETURNING} as a query over the insert and loses the columns' types for its
     * parameters there, while the bare statement keeps them.
     */
    public static String withoutReturning(String pgSql) {
        List<SqlLexer.Token> t = SqlLexer.code(pgSql);
        int depth = 0;
        for (SqlLexer.Token tok : t) {
            if (tok.kind() == SqlLexer.Kind.LPAREN) {
                depth++;
            } else if (tok.kind() == SqlLexer.Kind.RPAREN) {
                depth--;
            } else if (depth == 0 && tok.is("RETURNING")) {
                return pgSql.substring(0, tok.start());
            }
        }
        return null;
    }

    /**
     * Which parameters are assigned to a column (a value of INSERT's VALUES or of UPDATE's SET),
     * where PostgreSQL gives them the column's own type; a parameter compared with a varchar column
     * is text, because the comparison is text's.
     */
    public static boolean[] assigned(String pgSql, int count) {
        boolean[] out = new boolean[count];
        List<SqlLexer.Token> t = SqlLexer.code(pgSql);
        if (t.isEmpty()) {
            return out;
        }
        boolean insert = t.get(0).is("INSERT");
        boolean update = t.get(0).is("UPDATE");
        boolean inValues = false;
        boolean inSet = false;
        for (int k = 0; k < t.size(); k++) {
            SqlLexer.Token tok = t.get(k);
            if (insert && tok.is("VALUES")) {
                inValues = true;
            } else if (insert && (tok.is("ON") || tok.is("RETURNING") || tok.is("SELECT"))) {
                inValues = false;
            } else if (update && tok.is("SET")) {
                inSet = true;
            } else if (update && (tok.is("WHERE") || tok.is("FROM") || tok.is("RETURNING"))) {
                inSet = false;
            }
            int n = paramNumber(tok);
            if (n < 1 || n > count || k == 0 || k + 1 >= t.size() && !inValues && !inSet) {
                continue;
            }
            SqlLexer.Token before = t.get(k - 1);
            SqlLexer.Token after = k + 1 < t.size() ? t.get(k + 1) : null;
            boolean alone = after == null || after.kind() == SqlLexer.Kind.COMMA || after.kind() == SqlLexer.Kind.RPAREN
                    || after.is("WHERE") || after.is("FROM") || after.is("RETURNING") || after.kind() == SqlLexer.Kind.SEMICOLON;
            if (inValues && alone && (before.kind() == SqlLexer.Kind.LPAREN || before.kind() == SqlLexer.Kind.COMMA)) {
                out[n - 1] = true;
            } else if (inSet && alone && before.text().equals("=")) {
                out[n - 1] = true;
            }
        }
        return out;
    }

    private static int paramNumber(SqlLexer.Token tok) {
        if (tok.kind() != SqlLexer.Kind.PARAM) {
            return -1;
        }
        try {
            return Integer.parseInt(tok.text().substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The OID of the type written from token {@code k} (built-in types only; 0 for others). */
    private static int typeAt(List<SqlLexer.Token> t, int k) {
        if (k >= t.size() || t.get(k).kind() != SqlLexer.Kind.WORD) {
            return 0;
        }
        // pg_catalog.int4
        if (t.get(k).is("pg_catalog") && k + 2 < t.size() && t.get(k + 1).text().equals(".")) {
            k += 2;
        }
        List<String> words = new ArrayList<>();
        words.add(t.get(k).text());
        int i = k + 1;
        while (i < t.size() && t.get(i).kind() == SqlLexer.Kind.WORD && continues(words, t.get(i).keyword())) {
            words.add(t.get(i).text());
            i++;
        }
        if (i < t.size() && t.get(i).kind() == SqlLexer.Kind.LPAREN) {
            while (i < t.size() && t.get(i).kind() != SqlLexer.Kind.RPAREN) {
                i++;
            }
            i++;
            // time(3) with time zone
            while (i < t.size() && t.get(i).kind() == SqlLexer.Kind.WORD && continues(words, t.get(i).keyword())) {
                words.add(t.get(i).text());
                i++;
            }
        }
        boolean array = i + 1 < t.size() && t.get(i).text().equals("[") && t.get(i + 1).text().equals("]")
                || i < t.size() && (t.get(i).text().equals("[]") || t.get(i).is("ARRAY"));
        String canonical = TypeNames.canonical(String.join(" ", words));
        for (PgType type : PgType.values()) {
            if (type.typname.equals(canonical) && type != PgType.UNKNOWN && type != PgType.VOID) {
                return array ? type.arrayOid : type.oid;
            }
        }
        return 0;
    }

    /** Whether {@code next} continues a multi-word type name begun with {@code words}. */
    private static boolean continues(List<String> words, String next) {
        String first = words.get(0).toUpperCase(java.util.Locale.ROOT);
        String last = words.get(words.size() - 1).toUpperCase(java.util.Locale.ROOT);
        return switch (first) {
            case "DOUBLE" -> words.size() == 1 && next.equals("PRECISION");
            case "CHARACTER", "CHAR" -> words.size() == 1 && next.equals("VARYING");
            case "TIME", "TIMESTAMP" -> last.equals(first) && (next.equals("WITH") || next.equals("WITHOUT"))
                    || (last.equals("WITH") || last.equals("WITHOUT")) && next.equals("TIME")
                    || last.equals("TIME") && words.size() > 1 && next.equals("ZONE");
            default -> false;
        };
    }
}
