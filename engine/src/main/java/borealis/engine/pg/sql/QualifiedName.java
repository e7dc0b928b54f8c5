package borealis.engine.pg.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A relation name written as text, as PostgreSQL's regclass input reads it: {@code name},
 * {@code schema.name}, either part double-quoted ({@code "My ""odd"" name"}); unquoted parts fold
 * to lower case. Functions that take a relation by name parse it here, never splice the text into SQL.
 */
public record QualifiedName(String schema, String name) {

    public static QualifiedName parse(String text) throws SQLException {
        List<String> parts = new ArrayList<>();
        String s = text.trim();
        int i = 0;
        while (i <= s.length()) {
            StringBuilder part = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw invalid(text);
                    }
                    char ch = s.charAt(i++);
                    if (ch == '"') {
                        if (i < s.length() && s.charAt(i) == '"') {
                            part.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        part.append(ch);
                    }
                }
            } else {
                while (i < s.length() && s.charAt(i) != '.') {
                    char ch = s.charAt(i++);
                    if (ch == '"' || Character.isWhitespace(ch)) {
                        throw invalid(text);
                    }
                    part.append(ch);
                }
                String folded = part.toString().toLowerCase(Locale.ROOT);
                part.setLength(0);
                part.append(folded);
            }
            if (part.length() == 0) {
                throw invalid(text);
            }
            parts.add(part.toString());
            if (i >= s.length()) {
                break;
            }
            if (s.charAt(i) != '.') {
                throw invalid(text);
            }
            i++;
        }
        return switch (parts.size()) {
            case 1 -> new QualifiedName(null, parts.get(0));
            case 2 -> new QualifiedName(parts.get(0), parts.get(1));
            case 3 -> new QualifiedName(parts.get(1), parts.get(2));
            default -> throw new SQLException("improper relation name (too many dotted names): " + text, "42601");
        };
    }

    /** The name as SQL: each part quoted. */
    public String sql() {
        return SqlQuoting.qualified(schema, name);
    }

    private static SQLException invalid(String text) {
        return new SQLException("invalid name syntax", "42602");
    }
}
