package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.sql.SqlLexer;
import java.util.List;

/**
 * Where a syntax error stands in the client's query, as PostgreSQL reports it: the 1-based
 * character position of the token the parser stopped at (ErrorResponse field P) and the message
 * "syntax error at or near "token"" ("at end of input" past the last token). H2 marks the spot
 * with {@code [*]} in the statement it parsed, which is the translated text: the token there is
 * found in the original by its text and its neighbours, since the translation inserts, renames
 * and drops tokens around it.
 */
final class SyntaxErrorPosition {

    private static final String MARK = "[*]";
    private static final String STATEMENT = "Syntax error in SQL statement \"";

    /** Where in {@code sql} a 42601 error from H2 points (0: unknown), and PostgreSQL's message for it (null: unknown). */
    record Located(int position, String message) {}

    private SyntaxErrorPosition() {}

    static Located locate(PgError e, String sql) {
        if (sql == null || !e.sqlState().equals("42601")) {
            return null;
        }
        Located own = ownMessage(e.message(), sql);
        if (own != null) {
            return own;
        }
        String translated = markedStatement(e.message());
        int mark = translated == null ? -1 : translated.indexOf(MARK);
        if (mark < 0) {
            return null;
        }
        String plain = translated.substring(0, mark) + translated.substring(mark + MARK.length());
        List<SqlLexer.Token> engine = code(plain);
        List<SqlLexer.Token> client = code(sql);
        if (client.isEmpty()) {
            return null;
        }
        int at = 0;
        while (at < engine.size() && engine.get(at).start() < mark) {
            at++;
        }
        for (int k = at; k < engine.size(); k++) {
            int found = match(engine, k, client);
            if (found >= 0) {
                SqlLexer.Token token = client.get(found);
                return new Located(sql.codePointCount(0, token.start()) + 1, "syntax error at or near \"" + token.text() + "\"");
            }
        }
        // nothing of the client's text after the mark: the statement ended too early
        return new Located(sql.codePointCount(0, sql.length()) + 1, "syntax error at end of input");
    }

    private static final String NEAR = "syntax error at or near \"";

    /** A syntax error Borealis found itself, in PostgreSQL's words already: the first token of that text. */
    private static Located ownMessage(String message, String sql) {
        if (message.equals("syntax error at end of input")) {
            return new Located(sql.codePointCount(0, sql.length()) + 1, message);
        }
        if (!message.startsWith(NEAR) || !message.endsWith("\"")) {
            return null;
        }
        String text = message.substring(NEAR.length(), message.length() - 1);
        for (SqlLexer.Token t : code(sql)) {
            if (t.text().equalsIgnoreCase(text)) {
                return new Located(sql.codePointCount(0, t.start()) + 1, message);
            }
        }
        return new Located(0, message);
    }

    /** The statement H2 quotes in its message, with its {@code [*]} mark; null if there is none. */
    private static String markedStatement(String message) {
        int open = message.indexOf(STATEMENT);
        if (open < 0) {
            return null;
        }
        int from = open + STATEMENT.length();
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '"' && i + 1 < message.length() && message.charAt(i + 1) == '"') {
                sb.append('"');
                i++;
            } else if (c == '"') {
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<SqlLexer.Token> code(String sql) {
        return SqlLexer.tokenize(sql).stream().filter(SqlLexer.Token::isCode).toList();
    }

    /**
     * The client token that engine token {@code k} stands for: one of the same text, the one whose
     * neighbours (two either side) agree most, then the one at the nearest relative place; -1 if
     * the client wrote no such token (the translation added it).
     */
    private static int match(List<SqlLexer.Token> engine, int k, List<SqlLexer.Token> client) {
        String text = engine.get(k).text();
        int best = -1;
        int bestScore = -1;
        double bestDistance = Double.MAX_VALUE;
        double place = (double) k / engine.size();
        for (int c = 0; c < client.size(); c++) {
            if (!client.get(c).text().equalsIgnoreCase(text)) {
                continue;
            }
            int score = 0;
            for (int d = 1; d <= 2; d++) {
                score += same(engine, k - d, client, c - d) + same(engine, k + d, client, c + d);
            }
            double distance = Math.abs((double) c / client.size() - place);
            if (score > bestScore || score == bestScore && distance < bestDistance) {
                best = c;
                bestScore = score;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int same(List<SqlLexer.Token> a, int i, List<SqlLexer.Token> b, int j) {
        boolean inA = i >= 0 && i < a.size();
        boolean inB = j >= 0 && j < b.size();
        if (!inA || !inB) {
            return inA == inB ? 1 : 0;
        }
        return a.get(i).text().equalsIgnoreCase(b.get(j).text()) ? 1 : 0;
    }
}
