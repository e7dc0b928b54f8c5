package borealis.engine.insights;

import borealis.engine.pg.sql.SqlLexer;

/**
 * A statement's normalized text, as Performance Insights and pg_stat_statements show it: literals
 * become {@code ?}, parameters stay as {@code $n}, lists of literals collapse to one, keywords are
 * upper-cased and whitespace and comments go. Built from tokens, so quotes and comments are never
 * mistaken for code.
 */
public final class StatementDigest {

    /** Long statements are cut here; the digest is for reading, not for running. */
    public static final int MAX_LENGTH = 1000;

    private StatementDigest() {}

    public static String of(String sql) {
        StringBuilder sb = new StringBuilder();
        SqlLexer.Kind previous = null;
        String previousText = "";
        for (SqlLexer.Token t : SqlLexer.code(sql)) {
            String text;
            switch (t.kind()) {
                case STRING, NUMBER -> text = "?";
                case WORD -> text = isKeyword(t.text()) ? t.text().toUpperCase(java.util.Locale.ROOT) : t.text();
                default -> text = t.text();
            }
            // Lists of literals collapse: "(1, 2, 3)" -> "(?)", so IN lists of any length group together.
            if (text.equals("?") && previousText.equals(",") && sb.length() >= 2 && sb.substring(sb.length() - 2).equals("?,")) {
                sb.setLength(sb.length() - 1);
                previous = SqlLexer.Kind.NUMBER;
                previousText = "?";
                continue;
            }
            if (sb.length() > 0 && needsSpace(previous, previousText, t.kind(), text)) {
                sb.append(' ');
            }
            sb.append(text);
            previous = t.kind();
            previousText = text;
            if (sb.length() > MAX_LENGTH) {
                sb.setLength(MAX_LENGTH);
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }

    private static boolean needsSpace(SqlLexer.Kind previous, String previousText, SqlLexer.Kind kind, String text) {
        if (kind == SqlLexer.Kind.COMMA || kind == SqlLexer.Kind.RPAREN || kind == SqlLexer.Kind.SEMICOLON) {
            return false;
        }
        if (previous == SqlLexer.Kind.LPAREN) {
            return false;
        }
        if (kind == SqlLexer.Kind.LPAREN && previous == SqlLexer.Kind.WORD && !isKeyword(previousText)) {
            return false; // function call: count(
        }
        if (previousText.equals(".") || text.equals(".") || previousText.equals("::") || text.equals("::")) {
            return false;
        }
        return true;
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN",
            "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS",
            "ON", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "AS", "DISTINCT", "UNION", "ALL", "CASE", "WHEN", "THEN",
            "ELSE", "END", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "EXISTS", "RETURNING", "WITH", "CREATE", "TABLE", "DROP",
            "ALTER", "INDEX", "BEGIN", "COMMIT", "ROLLBACK", "ASC", "DESC", "TRUE", "FALSE", "CONFLICT", "DO", "NOTHING",
            "PRIMARY", "KEY", "REFERENCES", "DEFAULT", "TRUNCATE", "COPY", "ANY", "FOR", "SHOW", "RESET", "MERGE", "USING");

    private static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toUpperCase(java.util.Locale.ROOT));
    }
}
