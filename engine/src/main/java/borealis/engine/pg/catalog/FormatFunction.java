package borealis.engine.pg.catalog;

import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * PostgreSQL's {@code format(formatstr, VARIADIC args)}: specifiers
 * {@code %[position$][flags][width]type} with types {@code s} (text, NULL as nothing), {@code I}
 * (identifier, quoted if needed) and {@code L} (literal, NULL as {@code NULL}), flag {@code -}
 * (left-justify), a width given in place, as {@code *} (the next argument) or {@code *n$}, and
 * {@code %%}. An argument without a position follows the last one used, positional or not. Errors
 * are PostgreSQL's, with SQLSTATE 22023 (22004 for a NULL identifier).
 */
final class FormatFunction {

    private FormatFunction() {}

    static String format(String fmt, Value[] args) throws SQLException {
        if (fmt == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int next = 0; // the argument a specifier without a position takes (0-based)
        int n = fmt.length();
        for (int i = 0; i < n; i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (++i >= n) {
                throw error("unterminated format() type specifier");
            }
            if (fmt.charAt(i) == '%') {
                sb.append('%');
                continue;
            }
            int position = 0;
            int digitsEnd = digits(fmt, i);
            if (digitsEnd > i && digitsEnd < n && fmt.charAt(digitsEnd) == '$') {
                position = argumentNumber(fmt, i, digitsEnd);
                i = digitsEnd + 1;
            }
            boolean left = false;
            while (i < n && fmt.charAt(i) == '-') {
                left = true;
                i++;
            }
            int width = 0;
            if (i < n && fmt.charAt(i) == '*') {
                i++;
                int widthArg;
                int end = digits(fmt, i);
                if (end > i && end < n && fmt.charAt(end) == '$') {
                    widthArg = argumentNumber(fmt, i, end) - 1;
                    i = end + 1;
                } else {
                    widthArg = next;
                }
                next = widthArg + 1;
                Value w = argument(args, widthArg);
                long given = w == ValueNull.INSTANCE ? 0 : w.getLong();
                if (given < 0) {
                    left = true;
                    given = -given;
                }
                width = (int) Math.min(given, Integer.MAX_VALUE / 2);
            } else {
                int end = digits(fmt, i);
                if (end > i) {
                    width = number(fmt, i, end);
                    i = end;
                }
            }
            if (i >= n) {
                throw error("unterminated format() type specifier");
            }
            char type = fmt.charAt(i);
            if (type != 's' && type != 'I' && type != 'L') {
                throw error("unrecognized format() type specifier \"" + type + "\"");
            }
            int index = position > 0 ? position - 1 : next;
            next = index + 1;
            Value v = argument(args, index);
            String text = v == ValueNull.INSTANCE ? null : v.getString();
            String piece = switch (type) {
                case 's' -> text == null ? "" : text;
                case 'I' -> {
                    if (text == null) {
                        throw new SQLException("null values cannot be formatted as an SQL identifier", "22004");
                    }
                    yield ScalarFunctions.quote_ident(text);
                }
                default -> ScalarFunctions.quote_nullable(text);
            };
            pad(sb, piece, width, left);
        }
        return sb.toString();
    }

    private static void pad(StringBuilder sb, String piece, int width, boolean left) {
        int missing = width - piece.codePointCount(0, piece.length());
        if (left) {
            sb.append(piece);
        }
        for (int k = 0; k < missing; k++) {
            sb.append(' ');
        }
        if (!left) {
            sb.append(piece);
        }
    }

    private static Value argument(Value[] args, int index) throws SQLException {
        if (index >= args.length) {
            throw error("too few arguments for format()");
        }
        return args[index] == null ? ValueNull.INSTANCE : args[index];
    }

    private static int argumentNumber(String fmt, int from, int to) throws SQLException {
        int position = number(fmt, from, to);
        if (position == 0) {
            throw error("format specifies argument 0, but arguments are numbered from 1");
        }
        return position;
    }

    /** The end of the run of ASCII digits starting at {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static int number(String s, int from, int to) throws SQLException {
        if (to - from > 9) {
            throw error("number is out of range");
        }
        return Integer.parseInt(s, from, to, 10);
    }

    private static SQLException error(String message) {
        return new SQLException(message, "22023");
    }
}
