package borealis.engine.pg.catalog;

import java.sql.SQLException;

/**
 * unistr(text), installed by {@link PgCatalog}: the text with its Unicode escapes (a backslash and
 * 4 hex digits, or '+' and 6, 'u' and 4, 'U' and 8; two backslashes for one) decoded; a UTF-16
 * surrogate pair may be written as two escapes, as PostgreSQL allows.
 */
public final class UnistrFunction {

    private UnistrFunction() {}

    private static SQLException badEscape() {
        return new SQLException("invalid Unicode escape", "42601");
    }

    private static SQLException badPair() {
        return new SQLException("invalid Unicode surrogate pair", "42601");
    }

    public static String unistr(String s) throws SQLException {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(s.length());
        int pendingHigh = -1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\') {
                if (pendingHigh >= 0) {
                    throw badPair();
                }
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                if (pendingHigh >= 0) {
                    throw badPair();
                }
                out.append('\\');
                i += 2;
                continue;
            }
            int digits;
            int start;
            char kind = i + 1 < s.length() ? s.charAt(i + 1) : 0;
            if (kind == '+') {
                digits = 6;
                start = i + 2;
            } else if (kind == 'u') {
                digits = 4;
                start = i + 2;
            } else if (kind == 'U') {
                digits = 8;
                start = i + 2;
            } else {
                digits = 4;
                start = i + 1;
            }
            int cp = hex(s, start, digits);
            i = start + digits;
            if (cp > 0x10FFFF) {
                throw new SQLException("invalid Unicode code point: " + Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT), "22023");
            }
            if (Character.isHighSurrogate((char) cp) && cp <= 0xFFFF) {
                if (pendingHigh >= 0) {
                    throw badPair();
                }
                pendingHigh = cp;
            } else if (Character.isLowSurrogate((char) cp) && cp <= 0xFFFF) {
                if (pendingHigh < 0) {
                    throw badPair();
                }
                out.appendCodePoint(Character.toCodePoint((char) pendingHigh, (char) cp));
                pendingHigh = -1;
            } else {
                if (pendingHigh >= 0) {
                    throw badPair();
                }
                out.appendCodePoint(cp);
            }
        }
        if (pendingHigh >= 0) {
            throw badPair();
        }
        return out.toString();
    }

    private static int hex(String s, int start, int digits) throws SQLException {
        if (start + digits > s.length()) {
            throw badEscape();
        }
        int v = 0;
        for (int k = start; k < start + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                throw badEscape();
            }
            v = v * 16 + d;
        }
        return v;
    }
}
