package borealis.engine.pg.types;

import java.util.ArrayList;
import java.util.List;

/** PostgreSQL's text form of one-dimensional arrays: {@code {1,"a b",NULL}}, optionally {@code [1:3]={...}}. */
public final class ArrayLiterals {

    private ArrayLiterals() {}

    /**
     * The elements of an array literal, unquoted and unescaped; an unquoted {@code NULL} is null.
     *
     * @throws IllegalArgumentException if the text is not an array literal
     */
    public static List<String> elements(String text) {
        String body = text.trim();
        int eq = body.indexOf('=');
        if (body.startsWith("[") && eq > 0) {
            body = body.substring(eq + 1); // [1:3]={...}
        }
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("malformed array literal: \"" + text + "\"");
        }
        body = body.substring(1, body.length() - 1);
        List<String> items = new ArrayList<>();
        if (body.isBlank()) {
            return items;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : ',';
            if (quoted) {
                if (c == '\\' && i + 1 < body.length()) {
                    cur.append(body.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                String v = wasQuoted ? cur.toString() : cur.toString().trim();
                items.add(!wasQuoted && v.equalsIgnoreCase("NULL") ? null : v);
                cur.setLength(0);
                wasQuoted = false;
            } else {
                cur.append(c);
            }
        }
        return items;
    }
}
