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
                        sb.appendCodePoint(codePoint(body.substring(i + 1, i + 1 + len)));
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

    /** The code point a Unicode escape's hex digits give; PostgreSQL's errors for what is not one. */
    private static int codePoint(String hex) {
        for (int k = 0; k < hex.length(); k++) {
            if (Character.digit(hex.charAt(k), 16) < 0) {
                throw malformedEscape();
            }
        }
        long cp = Long.parseLong(hex, 16);
        // (a surrogate pair written as two escapes makes its character in the UTF-16 string)
        if (cp > Character.MAX_CODE_POINT || cp == 0) {
            throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("42601", "invalid Unicode escape value"));
        }
        return (int) cp;
    }

    private static borealis.engine.pg.PgException malformedEscape() {
        return new borealis.engine.pg.PgException(new borealis.engine.pg.PgError("ERROR", "42601", "invalid Unicode escape", null,
                "Unicode escapes must be \\XXXX or \\+XXXXXX."));
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
                sb.appendCodePoint(codePoint(body.substring(i + 2, i + 8)));
                i += 7;
            } else if (c == '\\' && i + 5 <= body.length()) {
                sb.appendCodePoint(codePoint(body.substring(i + 1, i + 5)));
                i += 4;
            } else if (c == '\\') {
                throw malformedEscape();
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
