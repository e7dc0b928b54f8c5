package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Set-returning functions in a select list, {@code unnest(array)}, {@code pg_listening_channels()},
 * {@code regexp_matches(string, pattern [, flags])},
 * {@code generate_subscripts(array, dim [, reverse])} and {@code generate_series(start, stop [, step])}
 * of numbers, evaluated as PostgreSQL evaluates them: each
 * row of the query yields as many rows as its longest function result, the functions advance in
 * lockstep, a shorter result is NULL past its end, and a row whose functions all return nothing
 * yields no row.
 *
 * <p>H2 has no lateral join and no set-returning function in a select list. The rows are made by
 * a left join of the query's FROM clause with a row counter ({@code SYSTEM_RANGE}) bounded by the
 * row's longest result (H2 keeps an outer join's order and reads the counter's index up to that
 * bound), and a WHERE condition that drops the row when there was nothing to join. Each function
 * becomes its element at the counter's position. Not rewritten: a select list with aggregates or a
 * GROUP BY (PostgreSQL expands after grouping), and functions nested in one another.
 */
final class SelectListFunctions {

    private static final Set<String> FUNCTIONS = Set.of("unnest", "generate_subscripts", "generate_series", "pg_listening_channels",
            "regexp_matches", "jsonb_array_elements", "jsonb_array_elements_text", "json_array_elements", "json_array_elements_text",
            "jsonb_object_keys", "json_object_keys", "jsonb_path_query");
    private static final Set<String> LIST_ENDS = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT",
            "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT");
    private static final Set<String> FROM_ENDS = Set.of("WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH",
            "FOR", "UNION", "INTERSECT", "EXCEPT");
    private static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg", "array_agg", "string_agg", "bool_and",
            "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "stddev", "variance");

    private final TokenList t;
    private int counters;

    SelectListFunctions(TokenList t) {
        this.t = t;
    }

    /** Rewrites every query block whose select list calls one; inner blocks first. */
    void rewrite() {
        for (int i = t.size() - 1; i >= 0; i--) {
            if (t.is(i, "SELECT")) {
                block(i);
            }
        }
    }

    private record Call(int start, int open, int close, String name) {}

    private void block(int select) {
        int listStart = select + 1;
        if (t.is(listStart, "DISTINCT")) {
            listStart++;
            if (t.is(listStart, "ON") && t.get(listStart + 1) != null && t.get(listStart + 1).isOpen()) {
                listStart = t.closing(listStart + 1) + 1;
            }
        } else if (t.is(listStart, "ALL")) {
            listStart++;
        }
        int blockEnd = t.regionEnd(listStart);
        int listEnd = clauseAt(listStart, blockEnd, LIST_ENDS);
        List<Call> calls = new ArrayList<>();
        int branchEnd = clauseAt(listStart, blockEnd, Set.of("UNION", "INTERSECT", "EXCEPT"));
        if (!collect(listStart, listEnd, calls) || calls.isEmpty() || t.find(listEnd, branchEnd, "GROUP") >= 0
                || t.find(listEnd, branchEnd, "HAVING") >= 0) {
            return;
        }
        String counter = "borealis_srf" + (++counters);
        List<String> counts = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Call c : calls) {
            List<Integer> args = t.splitCommas(c.open + 1, c.close); // the arguments' starts, then close + 1
            boolean channels = c.name.equals("pg_listening_channels");
            if (channels && c.close != c.open + 1) {
                return;
            }
            // pg_listening_channels() is unnest() of the session's channels as an array, regexp_matches() of its matches
            boolean matches = c.name.equals("regexp_matches");
            String array = channels ? "pg_listening_channels_array()"
                    : matches ? "regexp_matches_array(" + t.text(c.open + 1, c.close) + ")" : t.text(args.get(0), args.get(1) - 1);
            String count = "COALESCE(CARDINALITY(" + array + "), 0)";
            String position = counter + ".borealis_n";
            if (c.name.equals("generate_series")) {
                if (args.size() < 3 || args.size() > 4) {
                    return;
                }
                String from = "(" + array + ")";
                String to = "(" + t.text(args.get(1), args.get(2) - 1) + ")";
                String step = args.size() == 4 ? "(" + t.text(args.get(2), args.get(3) - 1) + ")" : "1";
                // as many values as steps fit from start to stop; typed as start + step (int4 for int4 arguments)
                count = "CASE WHEN " + step + " > 0 AND " + to + " >= " + from + " OR " + step + " < 0 AND " + to + " <= " + from
                        + " THEN CAST(FLOOR((" + to + " - " + from + ") / " + step + ") AS BIGINT) + 1 ELSE 0 END";
                values.add("CASE WHEN " + position + " <= " + count + " THEN " + from + " + CAST(" + position + " - 1 AS INTEGER) * "
                        + step + " END");
            } else if (c.name.contains("_array_elements")) {
                // a json array's elements: doc -> (n - 1), or ->> for _text
                String doc = "(" + t.text(c.open + 1, c.close) + ")";
                count = "COALESCE(" + (c.name.startsWith("jsonb") ? "jsonb" : "json") + "_array_length(" + doc + "), 0)";
                values.add("CASE WHEN " + position + " <= " + count + " THEN " + doc + (c.name.endsWith("_text") ? " ->> " : " -> ")
                        + "(" + position + " - 1) END");
            } else if (c.name.equals("jsonb_path_query")) {
                // the path's items: elements of the array jsonb_path_query_array makes of them
                String doc = "(jsonb_path_query_array(" + t.text(c.open + 1, c.close) + "))";
                count = "COALESCE(jsonb_array_length(" + doc + "), 0)";
                values.add("CASE WHEN " + position + " <= " + count + " THEN " + doc + " -> (" + position + " - 1) END");
            } else if (c.name.endsWith("_object_keys")) {
                String keys = CatalogNames.SCHEMA + ".json_keys(" + t.text(c.open + 1, c.close) + ", " + c.name.startsWith("jsonb") + ")";
                count = "COALESCE(CARDINALITY(" + keys + "), 0)";
                values.add("CASE WHEN " + position + " <= " + count + " THEN (" + keys + ")[" + position + "] END");
            } else if (channels || matches) {
                values.add("CASE WHEN " + position + " <= " + count + " THEN (" + array + ")[" + position + "] END");
            } else if (c.name.equals("unnest")) {
                if (args.size() != 2) {
                    return; // unnest(a, b, ...) is only valid in FROM
                }
                values.add("CASE WHEN " + position + " <= " + count + " THEN (" + array + ")[" + position + "] END");
            } else {
                if (args.size() < 3 || args.size() > 4) {
                    return;
                }
                String dim = t.text(args.get(1), args.get(2) - 1);
                count = "CASE WHEN " + dim + " = 1 THEN " + count + " ELSE 0 END";
                String index = position;
                if (args.size() == 4) {
                    String reverse = t.text(args.get(2), args.get(3) - 1);
                    index = "CASE WHEN " + reverse + " THEN " + count + " - " + position + " + 1 ELSE " + position + " END";
                }
                int lower = args.get(1) - 1 - args.get(0) >= 1 && zeroBased(args.get(1) - 2) ? 0 : 1;
                values.add("CASE WHEN " + position + " <= " + count + " THEN CAST(" + index + (lower == 0 ? " - 1" : "")
                        + " AS INTEGER) END");
            }
            counts.add(count);
        }
        String rows = counts.size() == 1 ? counts.get(0) : "GREATEST(" + String.join(", ", counts) + ")";
        // right to left, so that the positions found stay valid
        if (t.is(listEnd, "FROM")) {
            int fromEnd = clauseAt(listEnd + 1, blockEnd, FROM_ENDS);
            if (t.is(fromEnd, "WHERE")) {
                int whereEnd = clauseAt(fromEnd + 1, blockEnd, FROM_ENDS);
                t.insert(whereEnd, ") AND " + counter + ".borealis_n IS NOT NULL");
                t.insert(fromEnd + 1, "(");
            } else {
                t.insert(fromEnd, "WHERE " + counter + ".borealis_n IS NOT NULL");
            }
            t.insert(fromEnd, "LEFT JOIN SYSTEM_RANGE(1, 2147483647) AS " + counter + "(borealis_n) ON " + counter + ".borealis_n <= " + rows);
            crossJoins(listEnd + 1, fromEnd);
        } else {
            t.insert(listEnd, "FROM SYSTEM_RANGE(1, " + rows + ") AS " + counter + "(borealis_n)");
        }
        for (int n = calls.size() - 1; n >= 0; n--) {
            Call c = calls.get(n);
            boolean wholeItem = isItemStart(c.start) && isItemEnd(c.close + 1);
            String alias = wholeItem && !hasAlias(c.close + 1) ? " AS " + SqlQuoting.identifier(c.name) : "";
            t.replace(c.start, c.close + 1, "(" + values.get(n) + ")" + alias);
        }
    }

    /** The set-returning calls in [from, to), outside nested subqueries; false when one is nested in another. */
    private boolean collect(int from, int to, List<Call> calls) {
        int inside = -1;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isOpen() && t.is(i + 1, "SELECT")) {
                i = t.closing(i);
                continue;
            }
            if (i <= inside) {
                if (isCall(i)) {
                    return false;
                }
                continue;
            }
            if (isCall(i)) {
                int start = i >= 2 && t.get(i - 1).isDot() && t.is(i - 2, "pg_catalog") ? i - 2 : i;
                int close = t.closing(i + 1);
                calls.add(new Call(start, i + 1, close, k.name()));
                inside = close;
            } else if (k.isWord() && AGGREGATES.contains(k.name()) && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                return false;
            }
        }
        return true;
    }

    private boolean isCall(int i) {
        Tok k = t.get(i);
        return k.isWord() && FUNCTIONS.contains(k.name()) && t.get(i + 1) != null && t.get(i + 1).isOpen()
                && !(i >= 1 && t.get(i - 1).isDot() && !t.is(i - 2, "pg_catalog"));
    }

    /** Whether the array argument ending at {@code last} is a catalog vector (int2vector, oidvector) counted from 0. */
    private boolean zeroBased(int last) {
        Tok k = t.get(last);
        return k != null && k.isName() && CatalogNames.ZERO_BASED_VECTORS.contains(k.name());
    }

    /** The first of the keywords at depth 0 in [from, to), or a semicolon; {@code to} when there is none. */
    private int clauseAt(int from, int to, Set<String> keywords) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && (k.kind == SqlLexer.Kind.SEMICOLON
                    || k.isWord() && keywords.contains(k.text.toUpperCase(Locale.ROOT)))) {
                return i;
            }
        }
        return to;
    }

    /** FROM a, b: the commas become CROSS JOIN, so that the counter's join condition sees every table. */
    private void crossJoins(int from, int to) {
        int depth = 0;
        for (int i = to - 1; i >= from; i--) {
            Tok k = t.get(i);
            if (k.isClose()) {
                depth++;
            } else if (k.isOpen()) {
                depth--;
            } else if (depth == 0 && k.isComma()) {
                t.replace(i, i + 1, List.of(Tok.word("CROSS"), Tok.word("JOIN")));
            }
        }
    }

    private boolean isItemStart(int i) {
        Tok before = t.get(i - 1);
        return before != null && (before.isComma() || before.is("SELECT") || before.is("DISTINCT") || before.is("ALL"));
    }

    private boolean isItemEnd(int i) {
        Tok after = t.get(i);
        return after == null || after.isComma() || after.isClose() || after.kind == SqlLexer.Kind.SEMICOLON || after.is("AS")
                || after.isWord() && LIST_ENDS.contains(after.text.toUpperCase(Locale.ROOT)) || after.isName();
    }

    private boolean hasAlias(int i) {
        Tok after = t.get(i);
        return after != null && (after.is("AS") || after.isName() && !LIST_ENDS.contains(after.text.toUpperCase(Locale.ROOT)));
    }
}
