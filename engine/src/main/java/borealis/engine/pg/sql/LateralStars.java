package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code *} and {@code x.*} in a select list whose FROM has a LATERAL item, spelled out before
 * {@link LateralJoins} rewrites the item: its columns are named one by one ({@code x.a, x.b}), so
 * the columns the rewrite adds (join keys, row numbers) stay hidden and a rewrite that removes the
 * item finds each column as a reference. A bare {@code *} becomes each FROM item's {@code item.*} in
 * order, the LATERAL one's columns by name. Returns the number of tokens the select list grew by,
 * or null when a {@code *} cannot be spelled out (a join with USING or NATURAL merges columns, an
 * item without a name), which the caller refuses.
 */
final class LateralStars {

    private final TokenList t;

    LateralStars(TokenList t) {
        this.t = t;
    }

    /**
     * Spells out the stars of the select list in (select, from); {@code alias} is the LATERAL item's
     * name, {@code aliasText} as written, {@code names} its columns, {@code fromEnd} the end of FROM.
     */
    Integer expand(int select, int from, int fromEnd, String alias, String aliasText, List<String> names) {
        List<Integer> stars = stars(select, from, alias);
        if (stars.isEmpty()) {
            return 0;
        }
        List<String> items = null;
        int grown = 0;
        for (int s = stars.size() - 1; s >= 0; s--) {
            int at = stars.get(s);
            String columns = columns(aliasText, names);
            if (t.get(at - 1).isDot()) {
                int before = t.size();
                t.replace(at - 2, at + 1, columns);
                grown += t.size() - before;
                continue;
            }
            if (items == null) {
                items = items(from + 1, fromEnd);
                if (items == null) {
                    return null;
                }
            }
            List<String> parts = new ArrayList<>();
            for (String item : items) {
                parts.add(item.equals(alias) ? columns : SqlQuoting.identifier(item) + ".*");
            }
            int before = t.size();
            t.replace(at, at + 1, String.join(", ", parts));
            grown += t.size() - before;
        }
        return grown;
    }

    /** The positions of {@code *} and {@code alias.*} in the select list between {@code select} and {@code from}. */
    List<Integer> stars(int select, int from, String alias) {
        List<Integer> stars = new ArrayList<>();
        int depth = 0;
        for (int i = select + 1; i < from; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && k.isOp("*")) {
                Tok before = t.get(i - 1);
                if (before.is("SELECT") || before.isComma() || before.is("DISTINCT") || before.is("ALL")
                        || before.isDot() && t.get(i - 2).isName() && t.get(i - 2).name().equals(alias) && !t.get(i - 3).isDot()) {
                    stars.add(i);
                }
            }
        }
        return stars;
    }

    private static String columns(String aliasText, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(aliasText + "." + SqlQuoting.identifier(n));
        }
        return String.join(", ", out);
    }

    /** The names of the FROM items in [from, to), in order; null if a USING or NATURAL join merges columns or an item has no name. */
    private List<String> items(int from, int to) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i <= to; i++) {
            Tok k = i < to ? t.get(i) : null;
            if (k != null && k.isOpen()) {
                i = t.closing(i);
                continue;
            }
            if (k != null && (k.is("USING") || k.is("NATURAL"))) {
                return null;
            }
            boolean joinWord = k != null && (k.is("JOIN") || k.is("LEFT") || k.is("RIGHT") || k.is("INNER") || k.is("CROSS")
                    || k.is("FULL") || k.is("OUTER") || k.is("ON"));
            if (k == null || k.isComma() || joinWord) {
                if (i > start) {
                    String name = itemName(start, i);
                    if (name == null) {
                        return null;
                    }
                    out.add(name);
                }
                if (k != null && k.is("ON")) {
                    i = conditionEnd(i + 1, to) - 1;
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The end of a join condition that starts at {@code from}: the next join word or comma at its depth. */
    private int conditionEnd(int from, int to) {
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                i = t.closing(i);
            } else if (k.isComma() || k.is("JOIN") || k.is("LEFT") || k.is("RIGHT") || k.is("INNER") || k.is("CROSS") || k.is("FULL")) {
                return i;
            }
        }
        return to;
    }

    /** An item's name: its alias, else a table's or function's (last) name; null for a subquery without alias. */
    private String itemName(int s, int e) {
        if (t.is(s, "LATERAL") || t.is(s, "ONLY")) {
            s++;
        }
        if (t.get(s).isOpen() && !(t.is(s + 1, "SELECT") || t.is(s + 1, "WITH") || t.is(s + 1, "VALUES"))) {
            return null; // a parenthesized join: which columns its name stands for is not spelled out here
        }
        Tok last = t.get(e - 1);
        if (last.isClose()) {
            int open = t.opening(e - 1);
            if (open > s && t.get(open - 1).isName() && !t.get(open - 1).is("AS")) {
                return t.get(open - 1).name(); // an alias's column list x(a, b), or a call f(...) without alias
            }
            return null;
        }
        return last.isName() ? last.name() : null;
    }
}
