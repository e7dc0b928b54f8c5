package borealis.engine.pg.sql;

/** PostgreSQL string literals: standard ('it''s'), escape (E'\n'), and dollar-quoted ($$...$$). */
final class StringLiterals {

    private StringLiterals() {}

    static String value(String token) {
        if (token.startsWith("$")) {
            int tagEnd = token.indexOf('$', 1) + 1;
            return token.substring(tagEnd, token.length() - tagEnd);
        }
        if (token.startsWith("U&") || token.startsWith("u&")) {
            return unicode(token.substring(3, token.length() - 1).replace("''", "'"));
        }
        if (token.startsWith("E") || token.startsWith("e")) {
            return unescape(token.substring(2, token.length() - 1));
        }
        return token.substring(1, token.length() - 1).replace("''", "'");
    }

    /** Backslash escapes of an E'' string (the quotes already removed). */
    static String unescape(String body) {
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                sb.append('\'');
                i++;
                continue;
            }
            if (c != '\\' || i + 1 >= body.length()) {
                sb.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'x' -> {
                    int j = i + 1;
                    while (j < body.length() && j < i + 3 && Character.digit(body.charAt(j), 16) >= 0) {
                        j++;
                    }
                    if (j == i + 1) {
                        sb.append('x');
                    } else {
                        sb.append((char) Integer.parseInt(body.substring(i + 1, j), 16));
                        i = j - 1;
                    }
                }
                case 'u', 'U' -> {
                    int len = e == 'u' ? 4 : 8;
                    if (i + len < body.length()) {
                        int cp = Integer.parseInt(body.substring(i + 1, i + 1 + len), 16);
                        sb.appendCodePoint(cp);
                        i += len;
                    } else {
                        sb.append(e);
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i;
                        while (j < body.length() && j < i + 3 && body.charAt(j) >= '0' && body.charAt(j) <= '7') {
                            j++;
                        }
                        sb.append((char) Integer.parseInt(body.substring(i, j), 8));
                        i = j - 1;
                    } else {
                        sb.append(e);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** U&'...' escapes: backslash then 4 hex digits, or backslash, '+' and 6 hex digits. */
    static String unicode(String body) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '\\') {
                sb.append('\\');
                i++;
            } else if (c == '\\' && i + 8 <= body.length() && body.charAt(i + 1) == '+') {
                sb.appendCodePoint(Integer.parseInt(body.substring(i + 2, i + 8), 16));
                i += 7;
            } else if (c == '\\' && i + 5 <= body.length()) {
                sb.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                i += 4;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A standard SQL literal for a value. */
    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
