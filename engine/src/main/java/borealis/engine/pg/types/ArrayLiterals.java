package borealis.engine.pg.types;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's text form of arrays: {@code {1,"a b",NULL}}, nested for more dimensions
 * ({@code {{1,2},{3,NULL}}}), optionally with bounds ({@code [1:3]={...}}), as array_in reads it.
 */
public final class ArrayLiterals {

    private ArrayLiterals() {}

    /**
     * The elements of an array literal, unquoted and unescaped: strings, null for an unquoted
     * {@code NULL}, and Object[] for each sub-array of a multi-dimensional array.
     *
     * @throws IllegalArgumentException if the text is not an array literal, or its sub-arrays differ in length or depth
     */
    public static Object[] parse(String text) {
        String body = text.trim();
        int eq = body.indexOf('=');
        if (body.startsWith("[") && eq > 0) {
            body = body.substring(eq + 1).trim(); // [1:3]={...}
        }
        Parser p = new Parser(body, text);
        Object[] out = p.array();
        p.skipSpace();
        if (p.pos != body.length()) {
            throw p.malformed();
        }
        rectangular(out, text);
        return out;
    }

    /** The elements of a one-dimensional array literal (a nested one is malformed here). */
    public static List<String> elements(String text) {
        List<String> items = new ArrayList<>();
        for (Object o : parse(text)) {
            if (o instanceof Object[]) {
                throw new IllegalArgumentException("malformed array literal: \"" + text + "\"");
            }
            items.add((String) o);
        }
        return items;
    }

    /** PostgreSQL: "Multidimensional arrays must have sub-arrays with matching dimensions." */
    private static void rectangular(Object[] a, String text) {
        int depth = -1;
        int length = -1;
        for (Object o : a) {
            int d = o instanceof Object[] inner ? 1 : 0;
            int n = o instanceof Object[] inner ? inner.length : -1;
            if (o == null && depth == 1) {
                throw new IllegalArgumentException("malformed array literal: \"" + text + "\"");
            }
            if (o == null) {
                continue;
            }
            if (depth >= 0 && (d != depth || n != length)) {
                throw new IllegalArgumentException("malformed array literal: \"" + text + "\"");
            }
            depth = d;
            length = n;
            if (o instanceof Object[] inner) {
                rectangular(inner, text);
            }
        }
    }

    private static final class Parser {
        private final String s;
        private final String text;
        int pos;

        Parser(String s, String text) {
            this.s = s;
            this.text = text;
        }

        IllegalArgumentException malformed() {
            return new IllegalArgumentException("malformed array literal: \"" + text + "\"");
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object[] array() {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '{') {
                throw malformed();
            }
            pos++;
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return items.toArray();
            }
            while (true) {
                skipSpace();
                if (pos >= s.length()) {
                    throw malformed();
                }
                items.add(s.charAt(pos) == '{' ? array() : element());
                skipSpace();
                if (pos >= s.length()) {
                    throw malformed();
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return items.toArray();
                }
                if (c != ',') {
                    throw malformed();
                }
            }
        }

        /** One element: quoted (escapes kept literally after a backslash) or bare up to , or } (trailing blanks dropped). */
        private String element() {
            StringBuilder cur = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            boolean escaped = false;
            int keep = 0; // length of cur up to the last character that was quoted or escaped
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\\' && pos + 1 < s.length()) {
                    cur.append(s.charAt(pos + 1));
                    pos += 2;
                    keep = cur.length();
                    escaped = true;
                } else if (c == '"') {
                    if (!quoted && wasQuoted || !quoted && cur.length() > 0) {
                        throw malformed();
                    }
                    quoted = !quoted;
                    wasQuoted = true;
                    pos++;
                    keep = cur.length();
                } else if (quoted) {
                    cur.append(c);
                    pos++;
                    keep = cur.length();
                } else if (c == ',' || c == '}') {
                    break;
                } else if (c == '{') {
                    throw malformed();
                } else {
                    cur.append(c);
                    pos++;
                    if (!Character.isWhitespace(c)) {
                        keep = cur.length();
                    }
                }
            }
            if (quoted) {
                throw malformed();
            }
            String v = cur.substring(0, Math.max(keep, 0));
            if (!wasQuoted && v.isEmpty()) {
                throw malformed();
            }
            return !wasQuoted && !escaped && v.equalsIgnoreCase("NULL") ? null : v;
        }
    }
}
