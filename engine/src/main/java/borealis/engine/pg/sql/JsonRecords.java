package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The json functions that make rows: json(b)_populate_record(set) and json(b)_to_record(set).
 * {@code json_populate_record(null::t, doc)} becomes a call that is told the type's name (a typed
 * NULL reaches a Java function as a bare NULL), cast to the type; in a FROM clause the row is
 * spread into the type's fields, as PostgreSQL expands a composite-returning function. The
 * {@code _to_record} forms are FROM items with a column definition list
 * ({@code AS x(a int, b text)}): each column is the document's field as text, cast to its type.
 */
final class JsonRecords {

    private static final String CAT = CatalogNames.SCHEMA;
    private static final Set<String> POPULATE = Set.of("json_populate_record", "jsonb_populate_record", "json_populate_recordset",
            "jsonb_populate_recordset");
    private static final Set<String> TO_RECORD = Set.of("json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset");

    private final TokenList t;
    private final ColumnLookup lookup;
    boolean usedLookup;

    JsonRecords(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord() || !t.get(i + 1).isOpen() || i > 0 && t.get(i - 1).isDot()) {
                continue;
            }
            String name = k.text.toLowerCase(Locale.ROOT);
            if (POPULATE.contains(name)) {
                populate(i, name);
            } else if (TO_RECORD.contains(name) && fromItem(i)) {
                toRecord(i, name);
            }
        }
    }

    private boolean fromItem(int i) {
        Tok before = t.get(i - 1);
        if (before == null) {
            return false;
        }
        if (before.is("FROM") || before.is("JOIN") || before.is("LATERAL")) {
            return true;
        }
        if (!before.isComma()) {
            return false;
        }
        int kw = t.enclosingKeyword(i, "FROM", "SELECT", "WHERE", "GROUP", "ORDER", "HAVING", "VALUES", "SET", "BY", "ON");
        return kw >= 0 && t.is(kw, "FROM");
    }

    private void populate(int name, String fn) {
        int open = name + 1;
        int close = t.closing(open);
        List<Integer> args = t.splitCommas(open + 1, close);
        if (args.size() < 3) {
            return;
        }
        String base = t.text(args.get(0), args.get(1) - 1);
        String doc = t.text(args.get(1), args.get(2) - 1);
        String type = typeOf(args.get(0), args.get(1) - 1);
        boolean set = fn.endsWith("set");
        String call = CAT + ".json_populate_record" + (set ? "set" : "") + "(" + (type == null ? "NULL" : Tok.string(type).text) + ", "
                + base + ", " + doc + ", " + fn.startsWith("jsonb") + ")";
        if (type == null) {
            t.replace(name, close + 1, call);
            return;
        }
        if (fromItem(name)) {
            usedLookup = true;
            List<String> fields = lookup == null ? null : lookup.compositeFields(type);
            String rowType = lookup == null ? null : lookup.domainElementType(type);
            if (fields != null && rowType != null) {
                List<String> items = new ArrayList<>();
                for (String f : fields) {
                    String q = SqlQuoting.identifier(f);
                    items.add("(\"__r\")." + q + " AS " + q);
                }
                String source = set ? "UNNEST(CAST(" + call + " AS " + rowType + " ARRAY)) AS \"__jr\"(\"__r\")"
                        : "(SELECT CAST(" + call + " AS " + rowType + ") AS \"__r\") AS \"__jr\"";
                t.replace(name, close + 1, "(SELECT " + String.join(", ", items) + " FROM " + source + ")");
                return;
            }
            // no such composite type: the call says so when it runs
            t.replace(name, close + 1, "(SELECT " + call + " AS \"__r\")");
            return;
        }
        if (!set) {
            t.replace(name, close + 1, "CAST(" + call + " AS " + type + ")");
        }
    }

    /** The type an argument is cast to ({@code x::t}, {@code CAST(x AS t)}), as written, or null. */
    private String typeOf(int from, int to) {
        int end = to;
        if (end - from >= 3 && t.get(from).is("CAST") && t.get(from + 1).isOpen() && t.closing(from + 1) == to - 1) {
            int as = t.find(from + 2, to - 1, "AS");
            return as < 0 ? null : name(as + 1, to - 1);
        }
        for (int j = to - 1; j > from; j--) {
            if (t.get(j).isOp("::")) {
                return name(j + 1, end);
            }
            if (!(t.get(j).isName() || t.get(j).isDot())) {
                return null;
            }
        }
        return null;
    }

    private String name(int from, int to) {
        for (int j = from; j < to; j++) {
            if (!(t.get(j).isName() || t.get(j).isDot())) {
                return null;
            }
        }
        return from < to ? t.text(from, to).replace(" ", "") : null;
    }

    /** json_to_record(doc) [AS] x(a int, b text): the column definition list gives the columns and their types. */
    private void toRecord(int name, String fn) {
        int open = name + 1;
        int close = t.closing(open);
        int alias = t.is(close + 1, "AS") ? close + 2 : close + 1;
        if (t.get(alias) == null || !t.get(alias).isName() || t.get(alias + 1) == null || !t.get(alias + 1).isOpen()) {
            return; // PostgreSQL requires the column definition list: H2's error stands
        }
        int defsOpen = alias + 1;
        int defsClose = t.closing(defsOpen);
        List<Integer> defs = t.splitCommas(defsOpen + 1, defsClose);
        String doc = "(" + t.text(open + 1, close) + ")";
        boolean set = fn.endsWith("set");
        List<String> items = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int d = 0; d + 1 < defs.size(); d++) {
            int start = defs.get(d);
            int end = defs.get(d + 1) - 1;
            Tok column = t.get(start);
            if (column == null || !column.isName() || end - start < 2) {
                return;
            }
            String key = Tok.string(column.name()).text;
            String type = t.text(start + 1, end);
            boolean array = t.get(end - 1).isOp("]") || t.is(end - 1, "ARRAY") || type.startsWith("_");
            // an array column: the elements' texts, which the cast converts one by one
            String field = CAT + ".json_record_" + (array ? "array" : "field") + "(" + doc + ", "
                    + (set ? "\"__n\".\"__i\"" : "NULL") + ", " + key + ", " + fn.startsWith("jsonb") + ")";
            items.add((array ? "CAST(" + field + " AS " + type + ")" : "(" + field + ")::" + type) + " AS " + column.text);
            names.add(column.text);
        }
        String select = "(SELECT " + String.join(", ", items)
                + (set ? " FROM SYSTEM_RANGE(1, " + CAT + ".json_record_count(" + doc + ")) AS \"__n\"(\"__i\") ORDER BY \"__n\".\"__i\"" : "")
                + ")";
        // the alias keeps its name; its column list goes (the select names the columns)
        t.replace(defsOpen, defsClose + 1, "(" + String.join(", ", names) + ")");
        t.replace(name, close + 1, select);
    }
}
