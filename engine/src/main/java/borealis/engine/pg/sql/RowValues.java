package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A FROM item named as a value, as JSON APIs write it: {@code row_to_json(t)}, {@code to_json(t)},
 * {@code to_jsonb(t)}, {@code json_agg(t)}, {@code jsonb_agg(t)}. H2 has no whole-row reference,
 * so the row becomes {@code JSON_OBJECT(KEY 'col' VALUE t."col", ...)} of the item's columns: a
 * derived table's select-list names (or its column list), a table's columns (asked of the
 * schema). Left alone when the columns are not known (a {@code *} in the derived table).
 */
final class RowValues {

    private static final Set<String> FUNCTIONS = Set.of("row_to_json", "to_json", "to_jsonb", "json_agg", "jsonb_agg");
    private static final String[] FROM_ENDS = {"WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "UNION",
        "INTERSECT", "EXCEPT"};

    private final TokenList t;
    private final ColumnLookup lookup;
    /** The statement asked the schema (its translation depends on it). */
    boolean usedLookup;

    RowValues(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        for (int i = t.size() - 4; i >= 0; i--) {
            Tok f = t.get(i);
            boolean aggregate = f.isWord() && (f.name().equals("json_agg") || f.name().equals("jsonb_agg"));
            if (!f.isWord() || !FUNCTIONS.contains(f.name()) || !t.get(i + 1).isOpen() || !t.get(i + 2).isName()
                    || !(t.get(i + 3).isClose() || aggregate && t.is(i + 3, "ORDER")) || i > 0 && t.get(i - 1).isDot()) {
                continue;
            }
            List<String> columns = columnsOf(t.get(i + 2).name(), i);
            if (columns == null || columns.isEmpty()) {
                continue;
            }
            String alias = t.get(i + 2).text;
            List<String> members = new ArrayList<>();
            for (String c : columns) {
                members.add("KEY " + SqlQuoting.literal(c) + " VALUE " + alias + "." + SqlQuoting.identifier(c));
            }
            String object = "JSON_OBJECT(" + String.join(", ", members) + " NULL ON NULL)";
            if (aggregate) {
                t.replace(i + 2, i + 3, object); // json_agg(t ORDER BY ...): the row, the rest as written
                continue;
            }
            String replacement = f.name().equals("to_jsonb") ? "CAST(" + object + " AS JSON(" + PgType.JSONB_H2_LENGTH + "))"
                    : "CAST(" + object + " AS " + PgType.JSON_TEXT_COLUMN + ")";
            t.replace(i, i + 4, replacement);
        }
    }

    /** The columns of the FROM item called {@code name} in the query the call at {@code call} belongs to; null if not one. */
    private List<String> columnsOf(String name, int call) {
        int select = -1;
        int depth = 0;
        for (int j = call - 1; j >= 0; j--) {
            Tok k = t.get(j);
            if (k.isClose()) {
                depth++;
            } else if (k.isOpen()) {
                depth--;
            } else if (depth <= 0 && k.is("SELECT")) {
                select = j;
                break;
            }
        }
        if (select < 0) {
            return null;
        }
        int regionEnd = t.regionEnd(select + 1);
        int from = t.find(select + 1, regionEnd, "FROM");
        if (from < 0) {
            return null;
        }
        int end = t.findAny(from + 1, regionEnd, FROM_ENDS);
        end = end < 0 ? regionEnd : end;
        for (int i = from + 1; i < end; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                int close = t.closing(i);
                int a = close + 1;
                if (t.is(a, "AS")) {
                    a++;
                }
                if (t.get(a) != null && t.get(a).isName() && t.get(a).name().equals(name) && t.is(i + 1, "SELECT")) {
                    List<String> renamed = columnList(a + 1);
                    return renamed != null ? renamed : labels(i + 2, close);
                }
                i = close;
            } else if (k.isName() && (t.get(i - 1).is("FROM") || t.get(i - 1).is("JOIN") || t.get(i - 1).isComma())) {
                int last = i;
                while (t.get(last + 1) != null && t.get(last + 1).isDot() && t.get(last + 2) != null && t.get(last + 2).isName()) {
                    last += 2;
                }
                int a = last + 1;
                if (t.is(a, "AS")) {
                    a++;
                }
                Tok aliasTok = t.get(a);
                boolean aliased = aliasTok != null && aliasTok.isName() && (aliasTok.kind == SqlLexer.Kind.QUOTED_IDENT
                        || !Keywords.isReserved(aliasTok.name()) && !isClause(aliasTok));
                String itemName = aliased ? aliasTok.name() : t.get(last).name();
                if (itemName.equals(name) && lookup != null && !(t.get(last + 1) != null && t.get(last + 1).isOpen())) {
                    List<String> renamed = aliased ? columnList(a + 1) : null;
                    if (renamed != null) {
                        return renamed;
                    }
                    usedLookup = true;
                    List<String> names = new ArrayList<>();
                    for (String quoted : lookup.columns(t.text(i, last + 1))) {
                        // the lookup gives quoted identifiers
                        names.add(quoted.startsWith("\"") ? quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"") : quoted);
                    }
                    return names;
                }
                i = last;
            }
        }
        return null;
    }

    private static boolean isClause(Tok k) {
        for (String c : new String[] {"ON", "USING", "JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "NATURAL", "WHERE", "GROUP",
            "ORDER", "LIMIT", "OFFSET", "FETCH", "HAVING", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "FOR"}) {
            if (k.is(c)) {
                return true;
            }
        }
        return false;
    }

    /** An alias's column list {@code (a, b)} at {@code open}, or null. */
    private List<String> columnList(int open) {
        if (t.get(open) == null || !t.get(open).isOpen()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int k = open + 1; k < t.closing(open); k++) {
            if (t.get(k).isName()) {
                out.add(t.get(k).name());
            }
        }
        return out;
    }

    /** The names of a select list in [from, fromKeyword-or-close): each item's alias or its last name; null with a {@code *}. */
    private List<String> labels(int from, int close) {
        int listEnd = t.find(from, close, "FROM");
        int union = t.findAny(from, close, "UNION", "INTERSECT", "EXCEPT");
        listEnd = listEnd < 0 ? (union < 0 ? close : union) : listEnd;
        if (t.is(from, "DISTINCT") || t.is(from, "ALL")) {
            from++;
        }
        List<String> out = new ArrayList<>();
        List<Integer> starts = t.splitCommas(from, listEnd);
        for (int c = 0; c + 1 < starts.size(); c++) {
            int a = starts.get(c);
            int b = starts.get(c + 1) - 1;
            if (b <= a || t.get(b - 1).isOp("*")) {
                return null;
            }
            int as = t.find(a, b, "AS");
            Tok last = t.get(b - 1);
            if (as >= 0 && as + 1 < b) {
                out.add(t.get(as + 1).name());
            } else if (last.isName()) {
                out.add(last.name());
            } else {
                return null;
            }
        }
        return out;
    }
}
