package borealis.engine.pg.catalog;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Locale;

/**
 * to_number(text, format), installed by {@link PgCatalog}: reads a number by a template of 9, 0,
 * '.', D, ',', G, S, MI, PL, SG, PR, L, FM, TH and literal characters, as PostgreSQL 15 reads it in
 * the C locale. PostgreSQL is lenient and so is this: a template position that does not match the
 * input consumes nothing (a missing group separator, a currency sign left out), a minus sign is
 * taken where a digit is expected, and input past the template's end is ignored.
 */
public final class ToNumber {

    private ToNumber() {}

    public static BigDecimal to_number(String input, String format) throws SQLException {
        if (input == null || format == null) {
            return null;
        }
        return new Reader(input, format).read();
    }

    private static final class Reader {
        private final String in;
        private final String fmt;
        private final boolean angleBrackets;
        private int pos;
        private final StringBuilder digits = new StringBuilder();
        private int scale = -1;
        private boolean negative;
        private boolean signRead;

        Reader(String in, String fmt) {
            this.in = in;
            this.fmt = fmt;
            this.angleBrackets = fmt.toUpperCase(Locale.ROOT).contains("PR");
        }

        private char at() {
            return pos < in.length() ? in.charAt(pos) : 0;
        }

        private boolean starts(int f, String keyword) {
            return fmt.regionMatches(true, f, keyword, 0, keyword.length());
        }

        BigDecimal read() throws SQLException {
            int f = 0;
            while (f < fmt.length() && pos < in.length()) {
                char c = fmt.charAt(f);
                if (starts(f, "FM")) {
                    f += 2;
                } else if (starts(f, "EEEE")) {
                    throw new SQLException("\"EEEE\" not supported for input", "0A000");
                } else if (c == '9' || c == '0') {
                    digit();
                    f++;
                } else if (c == '.' || c == 'D' || c == 'd') {
                    if (at() == '.') {
                        pos++;
                        scale = 0;
                    }
                    f++;
                } else if (c == ',' || c == 'G' || c == 'g') {
                    if (at() == ',') {
                        pos++;
                    }
                    f++;
                } else if (starts(f, "PR")) {
                    if (at() == '>') {
                        pos++;
                    }
                    f += 2;
                } else if (starts(f, "MI") || starts(f, "PL") || starts(f, "SG")) {
                    sign();
                    f += 2;
                } else if (c == 'S' || c == 's') {
                    sign();
                    f++;
                } else if (c == 'L' || c == 'l') {
                    if (at() == '$') {
                        pos++;
                    }
                    f++;
                } else if (starts(f, "TH")) {
                    // an ordinal suffix (st, nd, rd, th) after the number
                    for (int k = 0; k < 2 && Character.isLetter(at()); k++) {
                        pos++;
                    }
                    f += 2;
                } else {
                    // a literal template character consumes the same input character only
                    if (at() == c) {
                        pos++;
                    }
                    f++;
                }
            }
            if (digits.isEmpty()) {
                throw new SQLException("invalid input syntax for type numeric: \" \"", "22P02");
            }
            BigDecimal v = new BigDecimal(digits.toString());
            if (scale > 0) {
                v = v.movePointLeft(scale);
            }
            return negative ? v.negate() : v;
        }

        private void digit() {
            char ch = at();
            if (!signRead && (ch == '-' || ch == '+' || ch == '<' && angleBrackets)) {
                negative = ch != '+';
                signRead = true;
                pos++;
                ch = at();
            }
            if (ch >= '0' && ch <= '9') {
                digits.append(ch);
                if (scale >= 0) {
                    scale++;
                }
                pos++;
            } else if (ch == ' ' && digits.isEmpty()) {
                pos++; // leading blanks, as the output of to_char pads
            }
        }

        private void sign() {
            char ch = at();
            if (!signRead && (ch == '-' || ch == '+')) {
                negative = ch == '-';
                signRead = true;
                pos++;
            }
        }
    }
}
