package borealis.engine.pg.sql;

import java.util.Set;

/**
 * SQL's SIMILAR TO, which H2 does not parse: {@code x [NOT] SIMILAR TO p [ESCAPE e]} becomes a
 * regular-expression match ({@code ~}, {@code !~}) against the pattern converted as PostgreSQL
 * converts it, and {@code SUBSTRING(s SIMILAR p ESCAPE e)} (or its SQL:1999 spelling
 * {@code SUBSTRING(s FROM 'p' FOR 'e')} with text literals) a call that returns the part between
 * the pattern's separators. {@code SUBSTRING(s FROM 'p')} with a text literal is PostgreSQL's
 * regular-expression substring.
 */
final class SimilarTo {

    private static final String CAT = CatalogNames.SCHEMA;

    /** Words that end an operand of SIMILAR TO or ESCAPE (SIMILAR binds tighter than AND, looser than ||). */
    private static final Set<String> ENDS = Set.of("AND", "OR", "THEN", "ELSE", "WHEN", "END", "AS", "FROM", "WHERE", "GROUP",
            "ORDER", "HAVING", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "ESCAPE", "IS", "ISNULL", "NOTNULL",
            "INTO", "FOR", "WINDOW", "RETURNING", "ON", "JOIN", "LIKE", "ILIKE", "SIMILAR", "NOT", "BETWEEN", "IN", "USING");

    private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", ">", "<=", ">=");

    private SimilarTo() {}

    static void apply(TokenList t) {
        for (int i = 1; i < t.size(); i++) {
            if (t.is(i, "SIMILAR") && t.is(i + 1, "TO")) {
                matchOperator(t, i);
            } else if (t.is(i, "SIMILAR") || t.is(i, "FROM") && similarSubstringFrom(t, i)) {
                substring(t, i);
            } else if (t.is(i, "FROM") && regexSubstringFrom(t, i)) {
                int open = t.enclosingOpen(i);
                t.replace(open - 1, i + 3, CAT + ".substring_regex(" + t.text(open + 1, i) + ", " + t.get(i + 1).text + ")");
            }
        }
    }

    private static void matchOperator(TokenList t, int similar) {
        boolean not = t.is(similar - 1, "NOT");
        int patternEnd = operandEnd(t, similar + 2);
        String call = CAT + ".similar_to_regex(" + t.text(similar + 2, patternEnd);
        int end = patternEnd;
        if (t.is(patternEnd, "ESCAPE")) {
            end = operandEnd(t, patternEnd + 1);
            call += ", " + t.text(patternEnd + 1, end);
        }
        t.replace(not ? similar - 1 : similar, end, (not ? "!~ " : "~ ") + call + ")");
    }

    /** The SQL:1999 form reads the same as the FROM ... FOR of substring(text, int, int): only text literals tell them apart. */
    private static boolean similarSubstringFrom(TokenList t, int from) {
        int open = t.enclosingOpen(from);
        if (open < 1 || !t.is(open - 1, "SUBSTRING")) {
            return false;
        }
        Tok pattern = t.get(from + 1);
        Tok escape = t.get(from + 3);
        return pattern != null && pattern.kind == SqlLexer.Kind.STRING && t.is(from + 2, "FOR") && escape != null
                && escape.kind == SqlLexer.Kind.STRING && t.get(from + 4) != null && t.get(from + 4).isClose();
    }

    /** SUBSTRING(s FROM 'pattern'): a text pattern makes it a POSIX regular-expression substring in PostgreSQL. */
    private static boolean regexSubstringFrom(TokenList t, int from) {
        int open = t.enclosingOpen(from);
        Tok pattern = t.get(from + 1);
        return open >= 1 && t.is(open - 1, "SUBSTRING") && pattern != null && pattern.kind == SqlLexer.Kind.STRING
                && t.get(from + 2) != null && t.get(from + 2).isClose();
    }

    private static void substring(TokenList t, int similar) {
        int open = t.enclosingOpen(similar);
        if (open < 1 || !t.is(open - 1, "SUBSTRING")) {
            return;
        }
        int close = t.closing(open);
        int escape = t.findAny(similar + 1, close, "ESCAPE", "FOR");
        if (escape < 0) {
            return; // PostgreSQL refuses SUBSTRING(s SIMILAR p) without ESCAPE as a syntax error: so does H2
        }
        String call = CAT + ".substring_similar(" + t.text(open + 1, similar) + ", " + t.text(similar + 1, escape) + ", "
                + t.text(escape + 1, close) + ")";
        t.replace(open - 1, close + 1, call);
    }

    private static int operandEnd(TokenList t, int from) {
        int depth = 0;
        for (int i = from; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (depth == 0 && i > from && (k.isComma() || k.kind == SqlLexer.Kind.SEMICOLON
                    || k.isWord() && ENDS.contains(k.text.toUpperCase(java.util.Locale.ROOT))
                    || k.kind == SqlLexer.Kind.OPERATOR && COMPARISONS.contains(k.text))) {
                return i;
            }
        }
        return t.size();
    }
}
