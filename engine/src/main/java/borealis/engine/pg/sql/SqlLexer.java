package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tokenizer for PostgreSQL's SQL dialect: enough to split a query string into statements, find
 * the command of each, and rewrite tokens, without ever confusing a quote, comment or dollar-quoted
 * body for code.
 *
 * <p>It knows single-quoted strings ({@code ''} escapes), {@code E'...'} strings with backslash
 * escapes, double-quoted identifiers, dollar quoting ({@code $tag$...$tag$}), {@code --} and
 * nested {@code /* *}{@code /} comments, positional parameters ({@code $1}), numbers, words and
 * operators.
 */
public final class SqlLexer {

    public enum Kind { WORD, QUOTED_IDENT, STRING, NUMBER, PARAM, OPERATOR, SEMICOLON, LPAREN, RPAREN, COMMA, SPACE, COMMENT }

    /** A token: its kind and where it is in the text. */
    public record Token(Kind kind, int start, int end, String text) {
        /** A word in upper case, or "" for any other token. */
        public String keyword() {
            return kind == Kind.WORD ? text.toUpperCase(Locale.ROOT) : "";
        }

        public boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        public boolean isCode() {
            return kind != Kind.SPACE && kind != Kind.COMMENT;
        }
    }

    private SqlLexer() {}

    public static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            Kind kind;
            if (Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(sql.charAt(i))) {
                    i++;
                }
                kind = Kind.SPACE;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                kind = Kind.COMMENT;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 0;
                while (i < n) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        i++;
                    }
                }
                kind = Kind.COMMENT;
            } else if ((c == 'U' || c == 'u') && i + 2 < n && sql.charAt(i + 1) == '&' && sql.charAt(i + 2) == '\'') {
                i = endOfQuoted(sql, i + 2, '\'', false);
                kind = Kind.STRING;
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                i = endOfQuoted(sql, i + 1, '\'', true);
                kind = Kind.STRING;
            } else if (c == '\'') {
                i = endOfQuoted(sql, i, '\'', false);
                kind = Kind.STRING;
            } else if (c == '"') {
                i = endOfQuoted(sql, i, '"', false);
                kind = Kind.QUOTED_IDENT;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                i++;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                kind = Kind.PARAM;
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                i = close < 0 ? n : close + tag.length();
                kind = Kind.STRING;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
                        || ((sql.charAt(i) == '+' || sql.charAt(i) == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')))) {
                    i++;
                }
                kind = Kind.NUMBER;
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                kind = Kind.WORD;
            } else if (c == ';') {
                i++;
                kind = Kind.SEMICOLON;
            } else if (c == '(') {
                i++;
                kind = Kind.LPAREN;
            } else if (c == ')') {
                i++;
                kind = Kind.RPAREN;
            } else if (c == ',') {
                i++;
                kind = Kind.COMMA;
            } else {
                i++;
                while (i < n && "+-*/<>=~!@#%^&|`?:".indexOf(sql.charAt(i)) >= 0 && "+-*/<>=~!@#%^&|`?:".indexOf(c) >= 0
                        && !sql.startsWith("--", i) && !sql.startsWith("/*", i)) {
                    i++;
                }
                kind = Kind.OPERATOR;
            }
            out.add(new Token(kind, start, i, sql.substring(start, i)));
        }
        return out;
    }

    private static int endOfQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    /** End of a dollar-quote opening tag ({@code $$} or {@code $tag$}) starting at {@code i}, or -1. */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
    }

    /** Splits a query string at top-level semicolons; empty statements are dropped. */
    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean hasCode = false;
        for (Token t : tokenize(sql)) {
            if (t.kind() == Kind.SEMICOLON) {
                if (hasCode) {
                    out.add(sql.substring(start, t.start()).trim());
                }
                start = t.end();
                hasCode = false;
            } else if (t.isCode()) {
                hasCode = true;
            }
        }
        if (hasCode) {
            out.add(sql.substring(start).trim());
        }
        return out;
    }

    /** The value of a string token ('it''s', E'\n', U&'...', $tag$...$tag$) as text. */
    public static String stringValue(String token) {
        return StringLiterals.value(token);
    }

    /** The code tokens only (no spaces, no comments). */
    public static List<Token> code(String sql) {
        List<Token> out = new ArrayList<>();
        for (Token t : tokenize(sql)) {
            if (t.isCode()) {
                out.add(t);
            }
        }
        return out;
    }
}
