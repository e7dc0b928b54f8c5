package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A statement as a mutable list of code tokens (comments dropped, whitespace remembered as a flag
 * on the following token), with the structural helpers the rewrite rules need: matching
 * parentheses, depth-aware keyword search, and the extent of a primary expression.
 */
final class TokenList {

    private final List<Tok> toks;
    /** The statement's translation deadline and cancel state, checked as tokens are read and rewritten. */
    private final StatementLimit.Check limit;

    private TokenList(List<Tok> toks, StatementLimit.Check limit) {
        this.toks = toks;
        this.limit = limit;
    }

    static TokenList of(String sql) {
        // The statement's deadline and cancel count start before it is even lexed.
        StatementLimit.Check limit = StatementLimit.start();
        List<Tok> out = new ArrayList<>();
        boolean space = false;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            if (!t.isCode()) {
                space = true;
                continue;
            }
            SqlLexer.Kind kind = t.kind();
            if (kind == SqlLexer.Kind.WORD && t.keyword().equals("FROM") && distinctBefore(out)) {
                // The FROM of IS [NOT] DISTINCT FROM is part of an operator, not a clause: as an
                // operator token, searches for a select list's end pass over it.
                kind = SqlLexer.Kind.OPERATOR;
            }
            out.add(new Tok(kind, t.text(), space));
            space = false;
        }
        return new TokenList(out, limit);
    }

    private static boolean distinctBefore(List<Tok> out) {
        int n = out.size();
        if (n < 2 || !out.get(n - 1).is("DISTINCT")) {
            return false;
        }
        return out.get(n - 2).is("IS") || n >= 3 && out.get(n - 2).is("NOT") && out.get(n - 3).is("IS");
    }

    int size() {
        return toks.size();
    }

    Tok get(int i) {
        limit.tick();
        return i >= 0 && i < toks.size() ? toks.get(i) : null;
    }

    boolean is(int i, String keyword) {
        Tok t = get(i);
        return t != null && t.is(keyword);
    }

    List<Tok> slice(int from, int to) {
        return new ArrayList<>(toks.subList(from, to));
    }

    void replace(int from, int to, Collection<Tok> with) {
        limit.tick(toks.size() - from);
        List<Tok> range = toks.subList(from, to);
        boolean space = !range.isEmpty() ? range.get(0).spaceBefore : true;
        range.clear();
        List<Tok> copy = new ArrayList<>(with);
        if (!copy.isEmpty()) {
            copy.get(0).spaceBefore = space || copy.get(0).spaceBefore;
        }
        toks.addAll(from, copy);
    }

    void replace(int from, int to, String sql) {
        replace(from, to, of(sql).toks);
    }

    void insert(int at, String sql) {
        limit.tick(toks.size() - at);
        List<Tok> add = of(sql).toks;
        if (!add.isEmpty()) {
            add.get(0).spaceBefore = true;
        }
        toks.addAll(at, add);
        if (at + add.size() < toks.size()) {
            toks.get(at + add.size()).spaceBefore = true;
        }
    }

    /**
     * Inserts each {@code sql} before token {@code at} (keys: positions in the list as it is now), in
     * one pass: inserting them one by one shifts the list each time (measured: 160,000 select-list
     * aliases took 108 s that way).
     */
    void insertAll(java.util.NavigableMap<Integer, String> inserts) {
        if (inserts.isEmpty()) {
            return;
        }
        List<Tok> out = new ArrayList<>(toks.size() + inserts.size() * 2);
        for (int i = 0; i <= toks.size(); i++) {
            String sql = inserts.get(i);
            if (sql != null) {
                List<Tok> add = of(sql).toks;
                if (!add.isEmpty()) {
                    add.get(0).spaceBefore = true;
                }
                out.addAll(add);
                if (i < toks.size()) {
                    toks.get(i).spaceBefore = true;
                }
            }
            if (i < toks.size()) {
                out.add(toks.get(i));
            }
        }
        toks.clear();
        toks.addAll(out);
    }

    void remove(int from, int to) {
        limit.tick(toks.size() - from);
        if (from < to && to < toks.size() && toks.get(from).spaceBefore) {
            toks.get(to).spaceBefore = true;
        }
        toks.subList(from, to).clear();
    }

    /** Index of the ')' matching the '(' at {@code open}, or size() if unbalanced. */
    int closing(int open) {
        int depth = 0;
        for (int i = open; i < toks.size(); i++) {
            Tok t = toks.get(i);
            if (t.isOpen()) {
                depth++;
            } else if (t.isClose()) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return toks.size();
    }

    /** Index of the '(' matching the ')' at {@code close}, or -1. */
    int opening(int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            Tok t = toks.get(i);
            if (t.isClose()) {
                depth++;
            } else if (t.isOpen()) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Index of the '(' that directly encloses token {@code i}, or -1 at the top level. */
    int enclosingOpen(int i) {
        int depth = 0;
        for (int j = i - 1; j >= 0; j--) {
            Tok t = toks.get(j);
            if (t.isClose()) {
                depth++;
            } else if (t.isOpen()) {
                if (depth == 0) {
                    return j;
                }
                depth--;
            }
        }
        return -1;
    }

    /** Index of the ']' matching the '[' at {@code open}. */
    int closingBracket(int open) {
        int depth = 0;
        for (int i = open; i < toks.size(); i++) {
            Tok t = toks.get(i);
            if (t.isOp("[")) {
                depth++;
            } else if (t.isOp("]")) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return toks.size();
    }

    /** First index in [from, to) at parenthesis depth 0 (relative to from) whose token is the keyword, or -1. */
    int find(int from, int to, String keyword) {
        int depth = 0;
        for (int i = from; i < Math.min(to, toks.size()); i++) {
            Tok t = toks.get(i);
            if (t.isOpen()) {
                depth++;
            } else if (t.isClose()) {
                depth--;
                if (depth < 0) {
                    return -1;
                }
            } else if (depth == 0 && t.is(keyword)) {
                return i;
            }
        }
        return -1;
    }

    /** First index in [from, to) at depth 0 whose token is any of the keywords, or -1. */
    int findAny(int from, int to, String... keywords) {
        int depth = 0;
        for (int i = from; i < Math.min(to, toks.size()); i++) {
            Tok t = toks.get(i);
            if (t.isOpen()) {
                depth++;
            } else if (t.isClose()) {
                depth--;
                if (depth < 0) {
                    return -1;
                }
            } else if (depth == 0) {
                for (String k : keywords) {
                    if (t.is(k)) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** End (exclusive) of the depth-0 region starting at {@code from}: the first unmatched ')' or the end. */
    int regionEnd(int from) {
        int depth = 0;
        for (int i = from; i < toks.size(); i++) {
            Tok t = toks.get(i);
            if (t.isOpen()) {
                depth++;
            } else if (t.isClose()) {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return toks.size();
    }

    /**
     * The nearest of {@code keywords} left of {@code i} at i's parenthesis depth (the clause a token
     * stands in), or -1 when an unmatched "(" or the start comes first.
     */
    int enclosingKeyword(int i, String... keywords) {
        int depth = 0;
        for (int j = i - 1; j >= 0; j--) {
            Tok k = toks.get(j);
            if (k.isClose()) {
                depth++;
            } else if (k.isOpen()) {
                if (depth == 0) {
                    return -1;
                }
                depth--;
            } else if (depth == 0) {
                for (String kw : keywords) {
                    if (k.is(kw)) {
                        return j;
                    }
                }
            }
        }
        return -1;
    }

    /** Splits [from, to) at depth-0 commas; returns start indexes, followed by {@code to}. */
    List<Integer> splitCommas(int from, int to) {
        List<Integer> starts = new ArrayList<>();
        starts.add(from);
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok t = toks.get(i);
            if (t.isOpen() || t.isOp("[")) {
                depth++;
            } else if (t.isClose() || t.isOp("]")) {
                depth--;
            } else if (depth == 0 && t.isComma()) {
                starts.add(i + 1);
            }
        }
        starts.add(to + 1);
        return starts;
    }

    /**
     * Start of the primary expression that ends just before {@code end} (exclusive): a literal, a
     * parameter, a (qualified) name, a parenthesized expression, a function call, an array
     * subscript, or a chain of casts on one of those.
     */
    /** Key words a parenthesis may follow without being a function call's ({@code SELECT ('{}'::jsonb) -> 'a'}). */
    private static final java.util.Set<String> NOT_FUNCTIONS = java.util.Set.of("SELECT", "WHERE", "AND", "OR", "NOT", "ON", "WHEN",
            "THEN", "ELSE", "HAVING", "BY", "DISTINCT", "RETURNING", "SET", "IN", "FROM", "JOIN", "LATERAL", "AS", "IS", "USING", "ALL",
            "ANY", "SOME", "EXISTS", "VALUES", "LIMIT", "OFFSET");

    int primaryStart(int end) {
        int i = end - 1;
        if (i < 0) {
            return 0;
        }
        while (true) {
            Tok t = toks.get(i);
            int start;
            if (t.isClose()) {
                int open = opening(i);
                start = open;
                if (open > 0 && toks.get(open - 1).isName() && !NOT_FUNCTIONS.contains(toks.get(open - 1).text.toUpperCase(Locale.ROOT))) {
                    start = nameChainStart(open - 1);
                } else if (open > 0 && toks.get(open - 1).isOp("]")) {
                    start = open;
                }
            } else if (t.isOp("]")) {
                int depth = 0;
                int j = i;
                for (; j >= 0; j--) {
                    if (toks.get(j).isOp("]")) {
                        depth++;
                    } else if (toks.get(j).isOp("[")) {
                        depth--;
                        if (depth == 0) {
                            break;
                        }
                    }
                }
                start = j > 0 ? primaryStart(j) : 0;
                if (j > 0 && toks.get(j - 1).is("ARRAY")) {
                    start = j - 1;
                }
            } else if (t.isName()) {
                start = nameChainStart(i);
            } else {
                start = i;
                if (t.isString()) {
                    start = typedLiteralStart(i);
                }
            }
            start = multiWordTypeStart(start);
            // A cast chain: x::type::type
            if (start >= 2 && toks.get(start - 1).isOp("::")) {
                i = start - 2;
                continue;
            }
            // A type name of a cast: keep walking back over "::"
            return start;
        }
    }

    /** Types whose name before a string is a typed literal ({@code timestamptz '...'}, as a cast became one). */
    private static final java.util.Set<String> LITERAL_TYPES = java.util.Set.of("date", "time", "timestamp", "timestamptz", "timetz",
            "interval");

    /**
     * The start of a typed date/time literal whose string is at {@code string}: its type word, or
     * {@code TIMESTAMP WITH TIME ZONE} as the rewriters write it; else {@code string}. Without it a
     * second cast ({@code '...'::timestamptz::timestamp}) took the string alone.
     */
    private int typedLiteralStart(int string) {
        if (string >= 4 && toks.get(string - 1).is("ZONE") && toks.get(string - 2).is("TIME") && toks.get(string - 3).is("WITH")
                && (toks.get(string - 4).is("TIMESTAMP") || toks.get(string - 4).is("TIME"))) {
            return string - 4;
        }
        if (string >= 1 && toks.get(string - 1).isWord() && LITERAL_TYPES.contains(toks.get(string - 1).text.toLowerCase(Locale.ROOT))
                && !(string >= 2 && toks.get(string - 2).isOp("::"))) {
            return string - 1;
        }
        return string;
    }

    /** Type names of several words, whose last word alone is not the type of a cast. */
    private static final java.util.Set<String> MULTI_WORD_TYPES = java.util.Set.of("double precision", "character varying",
            "bit varying", "time with time zone", "time without time zone", "timestamp with time zone", "timestamp without time zone");

    /** The first word of a type like {@code double precision} ending at {@code start} after a {@code ::}; else {@code start}. */
    private int multiWordTypeStart(int start) {
        String words = toks.get(start).isWord() ? toks.get(start).text.toLowerCase(Locale.ROOT) : null;
        for (int k = start - 1; words != null && k >= 1 && k >= start - 3 && toks.get(k).isWord(); k--) {
            words = toks.get(k).text.toLowerCase(Locale.ROOT) + " " + words;
            if (MULTI_WORD_TYPES.contains(words) && toks.get(k - 1).isOp("::")) {
                return k;
            }
        }
        return start;
    }

    private int nameChainStart(int i) {
        int s = i;
        while (s >= 2 && toks.get(s - 1).isDot() && toks.get(s - 2).isName()) {
            s -= 2;
        }
        return s;
    }

    /** End (exclusive) of the primary expression starting at {@code start}. */
    int primaryEnd(int start) {
        Tok t = toks.get(start);
        int i;
        if (t.isOpen()) {
            i = closing(start) + 1;
        } else if (t.isName()) {
            i = start + 1;
            while (i + 1 < toks.size() && toks.get(i).isDot() && (toks.get(i + 1).isName() || toks.get(i + 1).isOp("*"))) {
                i += 2;
            }
            if (i < toks.size() && toks.get(i).isOpen()) {
                i = closing(i) + 1;
            } else if (i < toks.size() && toks.get(i).isOp("[") && t.is("ARRAY")) {
                i = closingBracket(i) + 1;
            }
        } else if (t.isOp("-") || t.isOp("+")) {
            i = primaryEnd(start + 1);
        } else {
            i = start + 1;
        }
        while (i < toks.size() && toks.get(i).isOp("[")) {
            i = closingBracket(i) + 1;
        }
        return Math.min(i, toks.size());
    }

    String text(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to && i < toks.size(); i++) {
            Tok t = toks.get(i);
            if (sb.length() > 0 && t.spaceBefore) {
                sb.append(' ');
            }
            sb.append(t.text);
        }
        return sb.toString();
    }

    String toSql() {
        return text(0, toks.size());
    }

    @Override
    public String toString() {
        return toSql();
    }
}
