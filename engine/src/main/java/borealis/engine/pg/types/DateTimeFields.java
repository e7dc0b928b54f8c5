package borealis.engine.pg.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first step of PostgreSQL's date/time input (ParseDateTime in datetime.c): the text split
 * into fields, each lower-cased and typed by its first characters. Which field is a year, a month
 * or a zone is decided afterwards ({@link DateTimeDecoder}).
 */
final class DateTimeFields {

    private DateTimeFields() {}

    enum Type { NUMBER, STRING, DATE, TIME, TZ, SPECIAL }

    record Field(Type type, String text) {}

    /** The fields of {@code text}, or null when it has a character no field may hold. */
    static List<Field> split(String text) {
        List<Field> out = new ArrayList<>();
        String s = text.toLowerCase(Locale.ROOT);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            Type type;
            if (digit(c)) {
                i = skipDigits(s, i);
                if (i < n && s.charAt(i) == ':') {
                    type = Type.TIME; // hh:mm[:ss[.fff]]
                    while (i < n && (digit(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '.')) {
                        i++;
                    }
                } else if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '/' || s.charAt(i) == '.')) {
                    char delim = s.charAt(i++);
                    if (i < n && digit(s.charAt(i))) {
                        // 1999.008 is a number (day of year), 1999.01.08 a date
                        type = delim == '.' ? Type.NUMBER : Type.DATE;
                        i = skipDigits(s, i);
                        if (i < n && s.charAt(i) == delim) {
                            type = Type.DATE;
                            while (i < n && (digit(s.charAt(i)) || s.charAt(i) == delim)) {
                                i++;
                            }
                        }
                    } else {
                        type = Type.DATE; // 08-jan-99
                        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == delim)) {
                            i++;
                        }
                    }
                } else {
                    type = Type.NUMBER;
                }
            } else if (c == '.') {
                i = skipDigits(s, i + 1);
                type = Type.NUMBER;
            } else if (Character.isLetter(c)) {
                type = Type.STRING;
                while (i < n && Character.isLetter(s.charAt(i))) {
                    i++;
                }
                // jan-08-99 or a zone name (america/new_york, etc/gmt+3); but j2451187 is a label and a number
                boolean date = false;
                if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '/' || s.charAt(i) == '.')) {
                    date = true;
                } else if (i < n && (s.charAt(i) == '+' || digit(s.charAt(i)))) {
                    date = !DateTimeWords.isKeyword(s.substring(start, i));
                }
                if (date) {
                    type = Type.DATE;
                    while (i < n && zoneChar(s.charAt(i))) {
                        i++;
                    }
                }
            } else if (c == '+' || c == '-') {
                i++;
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i < n && digit(s.charAt(i))) {
                    type = Type.TZ; // an offset (-08, +05:30)
                    while (i < n && (digit(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '.' || s.charAt(i) == '-')) {
                        i++;
                    }
                } else if (i < n && Character.isLetter(s.charAt(i))) {
                    type = Type.SPECIAL; // -infinity
                    while (i < n && Character.isLetter(s.charAt(i))) {
                        i++;
                    }
                } else {
                    return null;
                }
                out.add(new Field(type, (c + s.substring(start + 1, i).strip()).replaceAll("\\s+", "")));
                continue;
            } else if (isPunct(c)) {
                i++;
                continue;
            } else {
                return null;
            }
            out.add(new Field(type, s.substring(start, i)));
        }
        return out;
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && digit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean zoneChar(char c) {
        return c == '+' || c == '-' || c == '/' || c == '_' || c == '.' || c == ':' || Character.isLetterOrDigit(c);
    }

    private static boolean isPunct(char c) {
        return c < 128 && c > ' ' && !Character.isLetterOrDigit(c);
    }
}
