package borealis.engine.h2;

import java.util.Locale;
import java.util.Set;

/**
 * Which statements the audit log keeps, told by the first keyword of the statement (after
 * comments, whitespace and opening parentheses): schema changes and the privileged commands a
 * tenant may try. A tokenizer's first word, not a parse: the engine decides what a statement does;
 * this only decides whether to write it down.
 */
final class StatementKind {

    private static final Set<String> AUDITED = Set.of("CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "COMMENT",
            "RENAME", "RUNSCRIPT", "SCRIPT", "BACKUP", "SHUTDOWN", "CHECKPOINT");

    private StatementKind() {}

    static boolean audited(String sql) {
        return sql != null && AUDITED.contains(firstKeyword(sql));
    }

    static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(' || c == ';') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }
}
