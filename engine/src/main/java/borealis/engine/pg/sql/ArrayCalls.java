package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * array_remove, array_replace and array_fill, whose result has the element type of an argument:
 * H2 types a Java function by its Java result alone (an Object[] is an array of JAVA_OBJECT), so
 * the call becomes an ARRAY(subquery) over the argument's own elements, and a Java function of
 * the catalog only says which positions to keep or replace, or how long each dimension is (and
 * raises PostgreSQL's errors). Parameters are numbered, so a repeated argument is the same value.
 */
final class ArrayCalls {

    private final TokenList t;

    ArrayCalls(TokenList t) {
        this.t = t;
    }

    /** The top-level arguments of the call whose parenthesis opens at {@code open}: [from, to) pairs. */
    static List<int[]> arguments(TokenList t, int open, int close) {
        List<int[]> args = new ArrayList<>();
        int depth = 0;
        int from = open + 1;
        for (int j = open + 1; j < close; j++) {
            Tok k = t.get(j);
            if (k.isOpen() || k.isOp("[")) {
                depth++;
            } else if (k.isClose() || k.isOp("]")) {
                depth--;
            } else if (depth == 0 && k.isComma()) {
                args.add(new int[] {from, j});
                from = j + 1;
            }
        }
        if (from < close) {
            args.add(new int[] {from, close});
        }
        return args;
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 0; i--) {
            Tok k = t.get(i);
            if (!k.isWord() || !t.get(i + 1).isOpen() || i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            int close = t.closing(i + 1);
            if (close < 0) {
                continue;
            }
            List<int[]> args = arguments(t, i + 1, close);
            String[] a = new String[args.size()];
            for (int n = 0; n < a.length; n++) {
                a[n] = "(" + t.text(args.get(n)[0], args.get(n)[1]) + ")";
            }
            String name = k.text.toLowerCase(Locale.ROOT);
            String sql = switch (name) {
                case "array_remove" -> a.length == 2 ? remove(a) : null;
                case "array_replace" -> a.length == 3 ? replace(a) : null;
                case "array_fill" -> a.length == 2 || a.length == 3 ? fill(a, args.get(1)) : null;
                default -> null;
            };
            if (sql != null) {
                t.replace(i, close + 1, sql);
            }
        }
    }

    private static String remove(String[] a) {
        return "CASE WHEN " + a[0] + " IS NULL THEN NULL ELSE ARRAY(SELECT " + a[0] + "[k.p] FROM UNNEST(array_remove_keep("
                + a[0] + ", " + a[1] + ")) WITH ORDINALITY AS k(p, o) ORDER BY k.o) END";
    }

    private static String replace(String[] a) {
        return "CASE WHEN " + a[0] + " IS NULL THEN NULL ELSE ARRAY(SELECT CASE WHEN k.h THEN " + a[2] + " ELSE " + a[0]
                + "[k.o] END FROM UNNEST(array_replace_hits(" + a[0] + ", " + a[1] + ")) WITH ORDINALITY AS k(h, o) ORDER BY k.o) END";
    }

    /** One nested ARRAY(subquery) per dimension: as many as an ARRAY[...] literal lists, else one. */
    private String fill(String[] a, int[] dims) {
        int depth = 1;
        if (t.is(dims[0], "ARRAY") && t.get(dims[0] + 1).isOp("[") && t.closingBracket(dims[0] + 1) == dims[1] - 1) {
            depth = arguments(t, dims[0] + 1, dims[1] - 1).size();
        }
        String bounds = a.length == 3 ? a[2] : "NULL";
        String checked = a.length == 3 ? "TRUE" : "FALSE";
        String sql = a[0];
        for (int level = depth; level >= 1; level--) {
            sql = "ARRAY(SELECT " + sql + " FROM SYSTEM_RANGE(1, array_fill_length(" + a[1] + ", " + bounds + ", " + checked + ", "
                    + level + ", " + depth + ")))";
        }
        return sql;
    }
}
