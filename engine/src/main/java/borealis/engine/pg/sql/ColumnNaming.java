package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names result columns the way PostgreSQL does (its FigureColname): {@code count(*)} is "count",
 * {@code x::int} is "x", {@code '1'::int} is "int4", CASE is "case". H2 names such columns
 * "?column?" or after its own rewritten functions, so unaliased select items get an explicit
 * alias. Only the outermost select list is named; that is what clients see.
 */
final class ColumnNaming {

    private static final Set<String> SELECT_LIST_END = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER",
            "LIMIT", "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT");
    private static final Set<String> NOT_ALIAS = Set.of("END", "NULL", "TRUE", "FALSE", "ZONE", "PRECISION", "VARYING", "ARRAY",
            "DESC", "ASC", "ROW", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME",
            "CURRENT_USER", "SESSION_USER", "USER", "CURRENT_CATALOG", "CURRENT_SCHEMA", "CURRENT_ROLE", "DISTINCT", "ALL");

    private ColumnNaming() {}

    /** Adds aliases to the select list of the statement's top-level SELECT; returns the column names found. */
    static List<String> apply(TokenList t) {
        int select = topSelect(t);
        if (select < 0) {
            return null;
        }
        int from = select + 1;
        if (t.is(from, "DISTINCT")) {
            from++;
            if (t.is(from, "ON") && t.get(from + 1) != null && t.get(from + 1).isOpen()) {
                from = t.closing(from + 1) + 1;
            }
        } else if (t.is(from, "ALL")) {
            from++;
        }
        int end = t.regionEnd(from);
        int stop = end;
        int depth = 0;
        for (int i = from; i < end; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && (k.kind == SqlLexer.Kind.SEMICOLON || k.isWord() && SELECT_LIST_END.contains(k.text.toUpperCase(Locale.ROOT)))) {
                stop = i;
                break;
            }
        }
        List<Integer> starts = t.splitCommas(from, stop);
        List<String> names = new ArrayList<>();
        List<int[]> inserts = new ArrayList<>();
        for (int n = 0; n + 1 < starts.size(); n++) {
            int s = starts.get(n);
            int e = starts.get(n + 1) - 1;
            if (e <= s) {
                names.add("?column?");
                continue;
            }
            String alias = existingAlias(t, s, e);
            if (alias != null) {
                names.add(alias);
                continue;
            }
            String name = figure(t, s, e);
            String fallback = fallback(t, s, e);
            names.add(name == null ? fallback : name);
            boolean plainColumn = name == null && !fallback.equals("?column?");
            if (!plainColumn && !t.get(s).isOp("*") && !(t.get(e - 1).isOp("*") && e - s == 3)) {
                if (name == null) {
                    names.set(names.size() - 1, "?column?");
                }
                inserts.add(new int[] {e, n});
            }
        }
        java.util.TreeMap<Integer, String> aliases = new java.util.TreeMap<>();
        for (int[] insert : inserts) {
            aliases.put(insert[0], "AS \"" + names.get(insert[1]).replace("\"", "\"\"") + "\"");
        }
        t.insertAll(aliases);
        return names;
    }

    /** The name PostgreSQL gives the select item in [s, e): its alias, else what FigureColname makes of it. */
    static String nameOf(TokenList t, int s, int e) {
        if (e <= s) {
            return "?column?";
        }
        String alias = existingAlias(t, s, e);
        if (alias != null) {
            return alias;
        }
        String name = figure(t, s, e);
        return name != null ? name : fallback(t, s, e);
    }

    /** A column reference's name (its last identifier), or ?column?. */
    private static String fallback(TokenList t, int s, int e) {
        Tok last = t.get(e - 1);
        if (last.isName() && (e - s == 1 || t.get(e - 2).isDot()) && !last.is("NULL") && !last.is("TRUE") && !last.is("FALSE")) {
            return last.name();
        }
        return "?column?";
    }

    /** The SELECT keyword of the statement's outermost query (after WITH ...), or -1. */
    private static int topSelect(TokenList t) {
        int i = 0;
        while (t.get(i) != null && t.get(i).isOpen()) {
            i++;
        }
        if (t.is(i, "SELECT")) {
            return i;
        }
        if (t.is(i, "WITH")) {
            int s = t.find(i + 1, t.size(), "SELECT");
            return s;
        }
        return -1;
    }

    private static String existingAlias(TokenList t, int s, int e) {
        Tok last = t.get(e - 1);
        if (e - s >= 2 && t.get(e - 2).is("AS") && last.isName()) {
            return last.name();
        }
        if (e - s >= 2 && last.isName() && !NOT_ALIAS.contains(last.text.toUpperCase(Locale.ROOT))) {
            Tok prev = t.get(e - 2);
            // after a cast, a last word may belong to the type (double precision): an alias only follows the whole type
            int lastCast = -1;
            for (int i = s; i < e; i++) {
                if (t.get(i).isOpen()) {
                    i = t.closing(i);
                } else if (t.get(i).isOp("::")) {
                    lastCast = i;
                }
            }
            boolean afterCast = lastCast >= 0 && castTypeEnd(t, lastCast + 1) != e - 1;
            if (!afterCast && (prev.isName() || prev.isClose() || prev.isString() || prev.kind == SqlLexer.Kind.NUMBER
                    || prev.kind == SqlLexer.Kind.PARAM || prev.isOp("]"))) {
                if (prev.isName() && (prev.is("CASE") || prev.is("ELSE") || prev.is("THEN") || prev.is("WHEN") || prev.is("NOT")
                        || prev.is("IS") || prev.is("AND") || prev.is("OR") || prev.is("DISTINCT") || prev.is("LIKE")
                        || prev.is("ILIKE") || prev.is("IN") || prev.is("BETWEEN") || prev.is("ARRAY"))) {
                    return null;
                }
                return last.name();
            }
        }
        return null;
    }

    /** End (exclusive) of the type name of a cast starting at {@code i}: [schema.]name [words of the type] [(n)] [[]...]. */
    private static int castTypeEnd(TokenList t, int i) {
        if (t.get(i) == null || !t.get(i).isName()) {
            return i;
        }
        int j = i + 1;
        if (t.get(j) != null && t.get(j).isDot() && t.get(j + 1) != null && t.get(j + 1).isName()) {
            j += 2;
        }
        String first = t.get(j - 1).text.toLowerCase(Locale.ROOT);
        if (TypeNames.continuesType(first, t.get(j), t.get(j + 1))) {
            j++;
        }
        if (t.get(j) != null && t.get(j).isOpen()) {
            j = t.closing(j) + 1;
        }
        if ((first.equals("timestamp") || first.equals("time")) && (t.is(j, "WITH") || t.is(j, "WITHOUT")) && t.is(j + 1, "TIME")
                && t.is(j + 2, "ZONE")) {
            j += 3;
        }
        while (t.get(j) != null && (t.get(j).isOp("[") && t.get(j + 1) != null && t.get(j + 1).isOp("]") || t.is(j, "ARRAY"))) {
            j += t.is(j, "ARRAY") ? 1 : 2;
        }
        return j;
    }

    /** PostgreSQL's name for an unaliased item, or null when it is a column reference H2 names the same way. */
    private static String figure(TokenList t, int s, int e) {
        // Trailing casts: the name of the operand if it has one, else the type's.
        int castAt = -1;
        int depth = 0;
        for (int i = s; i < e; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && k.isOp("::") && castAt < 0) {
                castAt = i;
            }
        }
        if (castAt > 0 && t.primaryStart(castAt) == s && castChainEnd(t, castAt) == e) {
            String inner = figureOperand(t, s, castAt);
            if (inner != null) {
                return inner;
            }
            if (t.get(castAt - 1).isName() && !t.is(castAt - 1, "NULL") && (castAt - 1 == s || t.get(castAt - 2).isDot())) {
                return t.get(castAt - 1).name();
            }
            // the last cast's type
            int lastCast = castAt;
            for (int i = castAt; i < e; i++) {
                if (t.get(i).isOp("::")) {
                    lastCast = i;
                }
            }
            int ts = lastCast + 1;
            if (t.is(ts, "pg_catalog") && t.get(ts + 1) != null && t.get(ts + 1).isDot()) {
                ts += 2;
            }
            StringBuilder type = new StringBuilder();
            for (int i = ts; i < e && (t.get(i).isWord() || t.get(i).kind == SqlLexer.Kind.QUOTED_IDENT); i++) {
                type.append(type.length() > 0 ? " " : "").append(t.get(i).name()); // "char" too
            }
            if (t.get(ts) != null && t.get(ts).kind == SqlLexer.Kind.QUOTED_IDENT) {
                return t.get(ts).name(); // "char" is its own type, not bpchar
            }
            return type.length() == 0 ? null : TypeNames.canonical(type.toString());
        }
        if (e - s >= 4 && t.get(e - 1).isName() && t.get(e - 2).isDot() && t.get(e - 3).isClose() && t.opening(e - 3) == s) {
            return t.get(e - 1).name(); // (r).a, (f(x)).a: the field's name
        }
        if (isAtTimeZone(t, s, e)) {
            return "timezone"; // x AT TIME ZONE z is the function timezone(z, x)
        }
        int end = t.primaryEnd(s);
        // f(...) FILTER (WHERE ...) OVER (...) / OVER w: still named after f
        if (end < e && t.is(end, "FILTER") && t.get(end + 1) != null && t.get(end + 1).isOpen()) {
            end = t.closing(end + 1) + 1;
        }
        if (end < e && t.is(end, "OVER")) {
            end = t.get(end + 1) != null && t.get(end + 1).isOpen() ? t.closing(end + 1) + 1 : end + 2;
        }
        if (end < e && t.is(end, "WITHIN") && t.is(end + 1, "GROUP")) {
            end = t.closing(end + 2) + 1;
        }
        boolean typedLiteral = typedLiteral(t, s, e);
        if (end != e && !typedLiteral && !(t.get(s).is("CASE") && t.get(e - 1).is("END")) && !t.get(s).is("EXISTS")) {
            return null;
        }
        return figureOperand(t, s, e);
    }

    /** Whether [s, e) is {@code x AT TIME ZONE z}, x and z primaries (with casts). */
    private static boolean isAtTimeZone(TokenList t, int s, int e) {
        for (int i = e - 1; i > s + 2; i--) {
            if (t.get(i).isClose()) {
                i = t.opening(i);
            } else if (t.is(i - 2, "AT") && t.is(i - 1, "TIME") && t.is(i, "ZONE")) {
                if (t.primaryStart(i - 2) != s || i + 1 >= e) {
                    return false;
                }
                int z = t.primaryEnd(i + 1);
                if (z < e && t.get(i + 1).isWord() && t.get(z).isString()) {
                    z++; // INTERVAL '-05:30'
                }
                return z == e || t.get(z).isOp("::") && castChainEnd(t, z) == e;
            }
        }
        return false;
    }

    /** End of the type after the :: at {@code castAt}, following further casts. */
    private static int castChainEnd(TokenList t, int castAt) {
        int i = castAt;
        while (t.get(i) != null && t.get(i).isOp("::")) {
            i++;
            if (t.get(i) != null && t.get(i + 1) != null && t.get(i + 1).isDot()) {
                i += 2;
            }
            while (t.get(i) != null && (t.get(i).isWord() && !t.get(i).is("AS") && !t.get(i).is("FROM")
                    || t.get(i).kind == SqlLexer.Kind.QUOTED_IDENT && t.get(i - 1).isOp("::"))) {
                i++;
            }
            if (t.get(i) != null && t.get(i).isOpen()) {
                i = t.closing(i) + 1;
            }
            while (t.get(i) != null && t.get(i).isOp("[") && t.get(i + 1) != null && t.get(i + 1).isOp("]")) {
                i += 2;
            }
        }
        return i;
    }

    /** type 'literal', also interval(p) 'literal' and interval 'literal' day to hour. */
    private static boolean typedLiteral(TokenList t, int s, int e) {
        if (e - s == 2 && t.get(s).isWord() && t.get(s + 1).isString()) {
            return true;
        }
        if (!t.is(s, "INTERVAL")) {
            return false;
        }
        if (e - s == 5 && t.get(s + 1).isOpen() && t.get(s + 4).isString()) {
            return true;
        }
        return e - s > 2 && t.get(s + 1).isString() && IntervalLiteral.qualifierEnd(t, s + 2) == e;
    }

    private static String figureOperand(TokenList t, int s, int e) {
        Tok first = t.get(s);
        if (typedLiteral(t, s, e)) {
            return TypeNames.canonical(first.name()); // interval '1 day' is "interval"
        }
        if (e - s > 2 && t.get(e - 1).isOp("]")) {
            int open = e - 1;
            while (open > s && !t.get(open).isOp("[")) {
                open--;
            }
            while (open > s + 1 && t.get(open - 1).isOp("]")) { // m[2][1]: the first subscript's bracket
                open -= 2;
                while (open > s && !t.get(open).isOp("[")) {
                    open--;
                }
            }
            if (open > s && t.get(open - 1).isName() && t.primaryStart(open) == s) {
                return t.get(open - 1).name(); // a[1] and m[2][1] are "a" and "m"
            }
            if (open > s + 1 && t.get(open - 1).isClose() && t.opening(open - 1) == s) {
                return figure(t, s + 1, open - 1); // (array[1, 2])[1] is named after what is subscripted
            }
        }

        if (first.isOpen() && t.closing(s) == e - 1 && (t.is(s + 1, "SELECT") || t.is(s + 1, "WITH"))) {
            // a scalar subquery is named after its only column
            TokenList inner = TokenList.of(t.text(s + 1, e - 1));
            List<String> names = apply(inner);
            return names == null || names.isEmpty() ? null : names.get(0);
        }
        if (first.is("CAST") && t.get(s + 1) != null && t.get(s + 1).isOpen()) {
            int close = t.closing(s + 1);
            int as = t.find(s + 2, close, "AS");
            if (as > 0) {
                // as for x::type: the operand's name if it has one (a column, a function, a cast of one), else the type's
                boolean nameChain = true;
                for (int i = s + 2; i < as; i++) {
                    nameChain &= (i - s) % 2 == 0 ? t.get(i).isName() : t.get(i).isDot();
                }
                if (nameChain && (as - s) % 2 == 1) {
                    return t.get(as - 1).name();
                }
                String inner = as > s + 2 ? figureOperand(t, s + 2, as) : null;
                if (inner != null) {
                    return inner;
                }
                StringBuilder type = new StringBuilder();
                for (int i = as + 1; i < close && t.get(i).isWord(); i++) {
                    type.append(type.length() > 0 ? " " : "").append(t.get(i).name());
                }
                return TypeNames.canonical(type.toString());
            }
        }
        if (first.is("TRIM") && t.get(s + 1) != null && t.get(s + 1).isOpen()) {
            return t.is(s + 2, "LEADING") ? "ltrim" : t.is(s + 2, "TRAILING") ? "rtrim" : "btrim";
        }
        if (first.is("CASE")) {
            return "case";
        }
        if (first.is("EXISTS")) {
            return "exists";
        }
        if (first.is("ARRAY")) {
            return "array";
        }
        if (first.is("ROW") && t.get(s + 1) != null && t.get(s + 1).isOpen()) {
            return "row";
        }
        if (first.isName()) {
            // a (qualified) function call: the function's name
            int i = s;
            while (t.get(i + 1) != null && t.get(i + 1).isDot() && t.get(i + 2) != null && t.get(i + 2).isName()) {
                i += 2;
            }
            if (t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                return t.get(i).name();
            }
            if (i + 1 == e) {
                String w = t.get(i).name();
                return switch (w) {
                    case "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime", "current_user",
                         "session_user", "current_catalog", "current_schema", "current_role" -> w;
                    case "user" -> "current_user";
                    default -> null; // a column: H2 names it the same
                };
            }
        }
        return null;
    }

    /** Whether H2 would name the item differently (anything but a plain column reference or *). */
    private static boolean needsAlias(TokenList t, int s, int e) {
        Tok first = t.get(s);
        if (first.isOp("*")) {
            return false;
        }
        if (e - s == 1 && first.isName()) {
            return true; // current_user and friends
        }
        return true;
    }
}
