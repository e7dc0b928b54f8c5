package borealis.engine.pg.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SQL's SIMILAR TO patterns as PostgreSQL 15 reads them: similar_to_escape turns one into a POSIX
 * regular expression (% is .*, _ is ., parentheses do not capture, the escape character quotes the
 * next one, and escape-double-quote separators mark the part SUBSTRING ... SIMILAR returns). The
 * translation of {@code x SIMILAR TO p ESCAPE e} matches x against {@link #similar_to_regex}; the
 * same expression in Java's dialect, where '.' must be told to match a newline and '$' would also
 * match before a final one.
 */
public final class SimilarPatterns {

    /** POSIX bracket-expression class names in Java's spelling. */
    private static final java.util.Map<String, String> POSIX_CLASSES = java.util.Map.ofEntries(
            java.util.Map.entry("alnum", "\\p{Alnum}"), java.util.Map.entry("alpha", "\\p{Alpha}"),
            java.util.Map.entry("blank", "\\p{Blank}"), java.util.Map.entry("cntrl", "\\p{Cntrl}"),
            java.util.Map.entry("digit", "\\p{Digit}"), java.util.Map.entry("graph", "\\p{Graph}"),
            java.util.Map.entry("lower", "\\p{Lower}"), java.util.Map.entry("print", "\\p{Print}"),
            java.util.Map.entry("punct", "\\p{Punct}"), java.util.Map.entry("space", "\\p{Space}"),
            java.util.Map.entry("upper", "\\p{Upper}"), java.util.Map.entry("xdigit", "\\p{XDigit}"),
            java.util.Map.entry("word", "\\w"));

    private SimilarPatterns() {}

    public static String similar_to_escape(String pattern) throws SQLException {
        return pattern == null ? null : convert(pattern, "\\", false);
    }

    public static String similar_to_escape(String pattern, String escape) throws SQLException {
        return pattern == null || escape == null ? null : convert(pattern, escape, false);
    }

    /** The function before PostgreSQL 13's name for it: a NULL escape means the default, backslash. */
    public static String similar_escape(String pattern, String escape) throws SQLException {
        return pattern == null ? null : convert(pattern, escape == null ? "\\" : escape, false);
    }

    public static String similar_to_regex(String pattern) throws SQLException {
        return pattern == null ? null : convert(pattern, "\\", true);
    }

    public static String similar_to_regex(String pattern, String escape) throws SQLException {
        return pattern == null || escape == null ? null : convert(pattern, escape, true);
    }

    /**
     * SUBSTRING(s SIMILAR p ESCAPE e): the part of s that the pattern's middle part (between its two
     * escape-double-quote separators) matches, or NULL when the whole of s does not match. As in
     * PostgreSQL, the first part matches as little as it can and the middle as much as it can; a
     * pattern without separators returns all of s, one with one separator everything after it.
     */
    public static String substring_similar(String s, String pattern, String escape) throws SQLException {
        if (s == null || pattern == null || escape == null) {
            return null;
        }
        List<String> parts = parts(pattern, escape, true);
        if (parts.size() == 1) {
            return Pattern.compile("(?s)" + parts.get(0)).matcher(s).matches() ? s : null;
        }
        Pattern first = Pattern.compile("(?s)(?:" + parts.get(0) + ")");
        Pattern middle = Pattern.compile("(?s)(?:" + parts.get(1) + ")");
        Pattern last = Pattern.compile("(?s)(?:" + (parts.size() > 2 ? parts.get(2) : "") + ")");
        for (int k = 0; k <= s.length(); k++) {
            if (!first.matcher(s.substring(0, k)).matches()) {
                continue;
            }
            for (int m = s.length(); m >= k; m--) {
                if (middle.matcher(s.substring(k, m)).matches() && last.matcher(s.substring(m)).matches()) {
                    return s.substring(k, m);
                }
            }
        }
        return null;
    }

    /** PostgreSQL's conversion: the parts joined with its separators' groups, anchored. */
    private static String convert(String pattern, String escape, boolean java) throws SQLException {
        List<String> parts = parts(pattern, escape, java);
        StringBuilder r = new StringBuilder(java ? "(?s)^(?:" : "^(?:").append(parts.get(0));
        if (parts.size() > 1) {
            r.append("){1,1}?(").append(parts.get(1));
        }
        if (parts.size() > 2) {
            r.append("){1,1}(?:").append(parts.get(2));
        }
        return r.append(java ? ")\\z" : ")$").toString();
    }

    /** The pattern's parts (one to three, split at escape-double-quote), each as a regular expression. */
    private static List<String> parts(String pattern, String escape, boolean java) throws SQLException {
        if (escape.codePointCount(0, escape.length()) > 1) {
            throw new SQLException("invalid escape string", "22025");
        }
        int esc = escape.isEmpty() ? -1 : escape.codePointAt(0);
        List<String> parts = new ArrayList<>(3);
        StringBuilder r = new StringBuilder(pattern.length() + 8);
        boolean afterEscape = false;
        boolean inClass = false;
        int classChars = 0; // characters of the bracket expression so far; a ']' first (or after '^') is a member
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            if (afterEscape) {
                if (c == '"' && !inClass) {
                    if (parts.size() == 2) {
                        throw new SQLException("SQL regular expression may not contain more than two escape-double-quote separators",
                                "2200C");
                    }
                    parts.add(r.toString());
                    r.setLength(0);
                } else {
                    r.append('\\').appendCodePoint(c);
                }
                afterEscape = false;
            } else if (c == esc) {
                afterEscape = true;
            } else if (inClass) {
                int end = c == '[' && i < pattern.length() && pattern.charAt(i) == ':' ? pattern.indexOf(":]", i + 1) : -1;
                if (end > 0) {
                    // [:alpha:] inside a bracket expression: a class name, copied whole (Java spells it \p{Alpha})
                    String name = POSIX_CLASSES.get(pattern.substring(i + 1, end));
                    r.append(java && name != null ? name : pattern.substring(i - 1, end + 2));
                    i = end + 2;
                    classChars++;
                    continue;
                }
                boolean first = classChars == 0 || classChars == 1 && pattern.charAt(i - 2) == '^';
                if (c == '\\' || java && (c == '[' || c == '&' || c == ']' && first)) {
                    r.append('\\');
                } else if (c == ']' && !first) {
                    inClass = false;
                }
                classChars++;
                r.appendCodePoint(c);
            } else if (c == '[') {
                r.append('[');
                inClass = true;
                classChars = 0;
            } else if (c == '%') {
                r.append(".*");
            } else if (c == '_') {
                r.append('.');
            } else if (c == '(') {
                r.append("(?:");
            } else if (c == '\\' || c == '.' || c == '^' || c == '$') {
                r.append('\\').appendCodePoint(c);
            } else {
                r.appendCodePoint(c);
            }
        }
        parts.add(r.toString());
        return parts;
    }
}
