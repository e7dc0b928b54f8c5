package borealis.engine.pg.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PostgreSQL's regular expression functions (regexp_count, regexp_instr, regexp_substr,
 * regexp_like, regexp_split_to_array), installed by {@link PgCatalog}; the ones H2 has built in
 * are shadowed because H2 reads the flags as Oracle does ('n' lets '.' match a newline, where
 * PostgreSQL's 'n' makes matching newline-sensitive) and fails on a subexpression that matched
 * nothing. Patterns are Java's, as H2's ~ operator already takes them.
 */
public final class RegexpFunctions {

    private RegexpFunctions() {}

    private static SQLException invalid(String message) {
        return new SQLException(message, "22023");
    }

    /** The pattern with PostgreSQL's flags; {@code fn} names the function for its refusal of 'g', null when 'g' is allowed. */
    static Pattern compile(String pattern, String flags, String fn) throws SQLException {
        // PostgreSQL's default is not newline-sensitive: '.' matches a newline, ^ and $ only the string's ends
        boolean dotAll = true;
        boolean multiline = false;
        int other = 0;
        if (flags != null) {
            for (char c : flags.toCharArray()) {
                switch (c) {
                    case 'i' -> other |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                    case 'c' -> other &= ~(Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
                    case 'n', 'm' -> { dotAll = false; multiline = true; }
                    case 'p' -> { dotAll = false; multiline = false; }
                    case 'w' -> { dotAll = true; multiline = true; }
                    case 's' -> { dotAll = true; multiline = false; }
                    case 'x' -> other |= Pattern.COMMENTS;
                    case 'q' -> other |= Pattern.LITERAL;
                    case 't', 'b', 'e' -> { }
                    case 'g' -> {
                        if (fn != null) {
                            throw invalid(fn + "() does not support the \"global\" option");
                        }
                    }
                    default -> throw invalid("invalid regular expression option: \"" + c + "\"");
                }
            }
        }
        int f = other | (dotAll ? Pattern.DOTALL : 0) | (multiline ? Pattern.MULTILINE : 0);
        try {
            return Pattern.compile(pattern, f);
        } catch (PatternSyntaxException e) {
            throw new SQLException("invalid regular expression: " + e.getDescription(), "2201B");
        }
    }

    private static void positive(String parameter, Integer value) throws SQLException {
        if (value != null && value <= 0) {
            throw invalid("invalid value for parameter \"" + parameter + "\": " + value);
        }
    }

    /** The n-th match at or after 1-based {@code start}, or null. */
    private static Matcher nth(String s, Pattern p, int start, int n) {
        Matcher m = p.matcher(s);
        int from = start - 1;
        for (int i = 0; i < n; i++) {
            if (from > s.length() || !m.find(from)) {
                return null;
            }
            from = m.end() > m.start() ? m.end() : m.end() + 1;
        }
        return m;
    }

    public static Integer regexp_count(String s, String pattern) throws SQLException {
        return regexp_count(s, pattern, 1, null);
    }

    public static Integer regexp_count(String s, String pattern, Integer start) throws SQLException {
        return regexp_count(s, pattern, start, null);
    }

    public static Integer regexp_count(String s, String pattern, Integer start, String flags) throws SQLException {
        if (s == null || pattern == null || start == null) {
            return null;
        }
        positive("start", start);
        Pattern p = compile(pattern, flags, "regexp_count");
        int count = 0;
        while (nth(s, p, start, count + 1) != null) {
            count++;
        }
        return count;
    }

    public static Integer regexp_instr(String s, String pattern) throws SQLException {
        return regexp_instr(s, pattern, 1, 1, 0, null, 0);
    }

    public static Integer regexp_instr(String s, String pattern, Integer start) throws SQLException {
        return regexp_instr(s, pattern, start, 1, 0, null, 0);
    }

    public static Integer regexp_instr(String s, String pattern, Integer start, Integer n) throws SQLException {
        return regexp_instr(s, pattern, start, n, 0, null, 0);
    }

    public static Integer regexp_instr(String s, String pattern, Integer start, Integer n, Integer endOption) throws SQLException {
        return regexp_instr(s, pattern, start, n, endOption, null, 0);
    }

    public static Integer regexp_instr(String s, String pattern, Integer start, Integer n, Integer endOption, String flags)
            throws SQLException {
        return regexp_instr(s, pattern, start, n, endOption, flags, 0);
    }

    public static Integer regexp_instr(String s, String pattern, Integer start, Integer n, Integer endOption, String flags,
                                       Integer subexpr) throws SQLException {
        if (s == null || pattern == null || start == null || n == null || endOption == null || subexpr == null) {
            return null;
        }
        positive("start", start);
        positive("n", n);
        if (endOption != 0 && endOption != 1) {
            throw invalid("invalid value for parameter \"endoption\": " + endOption);
        }
        if (subexpr < 0) {
            throw invalid("invalid value for parameter \"subexpr\": " + subexpr);
        }
        Matcher m = nth(s, compile(pattern, flags, "regexp_instr"), start, n);
        if (m == null || subexpr > m.groupCount() || m.start(subexpr) < 0) {
            return 0;
        }
        return (endOption == 1 ? m.end(subexpr) : m.start(subexpr)) + 1;
    }

    public static String regexp_substr(String s, String pattern) throws SQLException {
        return regexp_substr(s, pattern, 1, 1, null, 0);
    }

    public static String regexp_substr(String s, String pattern, Integer start) throws SQLException {
        return regexp_substr(s, pattern, start, 1, null, 0);
    }

    public static String regexp_substr(String s, String pattern, Integer start, Integer n) throws SQLException {
        return regexp_substr(s, pattern, start, n, null, 0);
    }

    public static String regexp_substr(String s, String pattern, Integer start, Integer n, String flags) throws SQLException {
        return regexp_substr(s, pattern, start, n, flags, 0);
    }

    public static String regexp_substr(String s, String pattern, Integer start, Integer n, String flags, Integer subexpr)
            throws SQLException {
        if (s == null || pattern == null || start == null || n == null || subexpr == null) {
            return null;
        }
        positive("start", start);
        positive("n", n);
        if (subexpr < 0) {
            throw invalid("invalid value for parameter \"subexpr\": " + subexpr);
        }
        Matcher m = nth(s, compile(pattern, flags, "regexp_substr"), start, n);
        if (m == null || subexpr > m.groupCount()) {
            return null;
        }
        return m.group(subexpr);
    }

    /** SUBSTRING(s FROM pattern): the first parenthesized subexpression's match, else the whole match; NULL without one. */
    public static String substring_regex(String s, String pattern) throws SQLException {
        if (s == null || pattern == null) {
            return null;
        }
        Matcher m = compile(pattern, null, null).matcher(s);
        if (!m.find()) {
            return null;
        }
        return m.groupCount() >= 1 ? m.group(1) : m.group();
    }

    public static Boolean regexp_like(String s, String pattern) throws SQLException {
        return regexp_like(s, pattern, null);
    }

    public static Boolean regexp_like(String s, String pattern, String flags) throws SQLException {
        if (s == null || pattern == null) {
            return null;
        }
        return compile(pattern, flags, "regexp_like").matcher(s).find();
    }

    public static String[][] regexp_matches_array(String s, String pattern) throws SQLException {
        return regexp_matches_array(s, pattern, null);
    }

    /**
     * regexp_matches' rows as one array (the translator's SelectListFunctions unnests it): the
     * first match, or every match with 'g'; each row the capture groups (NULL for one that took no
     * part), or the whole match when the pattern has none.
     */
    public static String[][] regexp_matches_array(String s, String pattern, String flags) throws SQLException {
        if (s == null || pattern == null) {
            return null;
        }
        Matcher m = compile(pattern, flags, null).matcher(s);
        boolean global = flags != null && flags.indexOf('g') >= 0;
        List<String[]> rows = new ArrayList<>();
        while (m.find()) {
            String[] row = new String[Math.max(1, m.groupCount())];
            for (int g = 0; g < row.length; g++) {
                row[g] = m.groupCount() == 0 ? m.group() : m.group(g + 1);
            }
            rows.add(row);
            if (!global) {
                break;
            }
        }
        return rows.toArray(new String[0][]);
    }

    public static String[] regexp_split_to_array(String s, String pattern) throws SQLException {
        return regexp_split_to_array(s, pattern, null);
    }

    public static String[] regexp_split_to_array(String s, String pattern, String flags) throws SQLException {
        if (s == null || pattern == null) {
            return null;
        }
        return split(s, compile(pattern, flags, "regexp_split_to_array")).toArray(new String[0]);
    }

    /**
     * The pieces between matches; an empty match at the start or end of the string, or right after
     * the previous match, splits nothing (so '' splits into characters).
     */
    static List<String> split(String s, Pattern p) {
        List<String> parts = new ArrayList<>();
        Matcher m = p.matcher(s);
        int piece = 0;
        int previousEnd = -1;
        int from = 0;
        while (from <= s.length() && m.find(from)) {
            int ms = m.start();
            int me = m.end();
            if (ms == me && (ms == 0 || ms == s.length() || ms == previousEnd)) {
                from = ms + 1;
                continue;
            }
            parts.add(s.substring(piece, ms));
            piece = me;
            previousEnd = me;
            from = me > ms ? me : me + 1;
        }
        parts.add(s.substring(piece));
        return parts;
    }
}
