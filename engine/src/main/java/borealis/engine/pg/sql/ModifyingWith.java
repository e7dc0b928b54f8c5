package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement whose WITH list holds data-modifying statements ({@code WITH moved AS (DELETE FROM
 * jobs WHERE ... RETURNING *) INSERT INTO done SELECT * FROM moved}), split so that the session
 * can run it as PostgreSQL does: each INSERT, UPDATE or DELETE of the list exactly once, in order,
 * whether or not anything reads it, and the main statement over their RETURNING rows. H2 would run
 * a data change in a WITH once per reference to it (twice, or never).
 *
 * <p>Only a top-level WITH list is split; a data-modifying statement in a nested WITH stays
 * refused ({@link StatementGuard}).
 */
public final class ModifyingWith {

    /** One element of the WITH list as written: its name, its column list ("" if none), its body. */
    public record Cte(String name, String columns, String body, boolean modifying, String verb) {}

    private final boolean recursive;
    private final List<Cte> ctes;
    private final String main;

    private ModifyingWith(boolean recursive, List<Cte> ctes, String main) {
        this.recursive = recursive;
        this.ctes = List.copyOf(ctes);
        this.main = main;
    }

    /**
     * The statement split, or null when neither its WITH list nor its main statement modifies
     * anything (a WITH before an INSERT, UPDATE or DELETE is split too: H2 takes WITH only before
     * a query, so {@link #statement} moves the list into the main statement).
     */
    public static ModifyingWith of(String sql) {
        if (!mentionsWith(sql)) {
            return null; // every statement passes here when prepared: most need no second lexing
        }
        TokenList t = TokenList.of(sql);
        if (!t.is(0, "WITH")) {
            return null;
        }
        int i = 1;
        boolean recursive = t.is(i, "RECURSIVE");
        if (recursive) {
            i++;
        }
        List<Cte> ctes = new ArrayList<>();
        boolean modifies = false;
        while (i < t.size()) {
            Tok name = t.get(i);
            if (name == null || !name.isName()) {
                return null;
            }
            i++;
            String columns = "";
            if (t.get(i) != null && t.get(i).isOpen()) {
                int close = t.closing(i);
                if (close < 0) {
                    return null;
                }
                columns = t.text(i, close + 1);
                i = close + 1;
            }
            if (!t.is(i, "AS")) {
                return null;
            }
            i++;
            if (t.is(i, "NOT")) {
                i++;
            }
            if (t.is(i, "MATERIALIZED")) {
                i++;
            }
            if (t.get(i) == null || !t.get(i).isOpen()) {
                return null;
            }
            int close = t.closing(i);
            if (close < 0) {
                return null;
            }
            Tok first = t.get(i + 1);
            boolean modifying = first != null && (first.is("INSERT") || first.is("UPDATE") || first.is("DELETE"));
            modifies |= modifying;
            ctes.add(new Cte(name.text, columns, t.text(i + 1, close), modifying,
                    modifying ? first.text.toUpperCase(java.util.Locale.ROOT) : "SELECT"));
            i = close + 1;
            if (t.get(i) != null && t.get(i).isComma()) {
                i++;
            } else {
                break;
            }
        }
        if (i >= t.size() || !modifies && !(t.is(i, "INSERT") || t.is(i, "UPDATE") || t.is(i, "DELETE"))) {
            return null;
        }
        return new ModifyingWith(recursive, ctes, t.text(i, t.size()));
    }

    /** Whether the text holds the word WITH in any case (a cheap test before lexing). */
    private static boolean mentionsWith(String sql) {
        for (int i = sql.indexOf('w') < 0 && sql.indexOf('W') < 0 ? sql.length() : 0; i + 4 <= sql.length(); i++) {
            if (sql.regionMatches(true, i, "with", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    public List<Cte> ctes() {
        return ctes;
    }

    /** The main statement without the WITH list (what decides its command tag). */
    public String main() {
        return main;
    }

    /**
     * The statement that runs data-modifying element {@code k} alone: its body, after the elements
     * before it that the body names ({@code given}: the query that stands for each data-modifying
     * one so far, with its RETURNING columns' names).
     */
    public String step(int k, List<String> given) {
        Cte cte = ctes.get(k);
        // The elements the body names, and those these name in turn (a plain element may read a modifying one).
        List<TokenList> readers = new ArrayList<>(List.of(TokenList.of(cte.body())));
        boolean[] needed = new boolean[k];
        for (int j = k - 1; j >= 0; j--) {
            String name = fold(ctes.get(j).name());
            needed[j] = readers.stream().anyMatch(r -> names(r, name));
            if (needed[j] && !ctes.get(j).modifying()) {
                readers.add(TokenList.of(ctes.get(j).body()));
            }
        }
        return compose(needed, given, cte.body());
    }

    /** The whole statement with each data-modifying element's query replaced by what {@code given} holds for it. */
    public String statement(List<String> given) {
        boolean[] all = new boolean[ctes.size()];
        java.util.Arrays.fill(all, true);
        return compose(all, given, main);
    }

    /**
     * {@code statement} after the elements {@code which} selects: as a WITH list before a query;
     * read as derived tables where an INSERT, UPDATE or DELETE names them (H2 takes WITH only
     * before a query).
     */
    private String compose(boolean[] which, List<String> given, String statement) {
        TokenList m = TokenList.of(statement);
        boolean modifies = m.is(0, "INSERT") || m.is(0, "UPDATE") || m.is(0, "DELETE");
        if (!modifies) {
            List<String> elements = new ArrayList<>();
            for (int j = 0; j < which.length; j++) {
                if (which[j]) {
                    elements.add(ctes.get(j).name() + ctes.get(j).columns() + " AS (" + query(j, given) + ")");
                }
            }
            return elements.isEmpty() ? statement : (recursive ? "WITH RECURSIVE " : "WITH ") + String.join(", ", elements) + " " + statement;
        }
        if (recursive) {
            throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("0A000",
                    "WITH RECURSIVE before INSERT, UPDATE or DELETE is not supported by Borealis"));
        }
        // Later elements first: an element's query put in place may name an earlier one, replaced next.
        String text = statement;
        for (int j = which.length - 1; j >= 0; j--) {
            if (which[j]) {
                text = inline(text, fold(ctes.get(j).name()), query(j, given), ctes.get(j).columns());
            }
        }
        return text;
    }

    /** Element {@code j}'s query: as written, or for a modifying one, what {@code given} holds for it. */
    private String query(int j, List<String> given) {
        return ctes.get(j).modifying() ? given.get(j) : ctes.get(j).body();
    }

    /** Clause words that end a table reference (so are not its alias). */
    private static final java.util.Set<String> NOT_ALIASES = java.util.Set.of("where", "on", "join", "inner", "left", "right", "full",
            "cross", "natural", "group", "order", "limit", "offset", "returning", "set", "using", "union", "except", "intersect",
            "having", "window", "fetch", "for", "lateral", "values", "select", "default");

    /** {@code text} with each table reference to {@code name} (after FROM, JOIN, USING or a comma) read from {@code query}. */
    private static String inline(String text, String name, String query, String columns) {
        TokenList t = TokenList.of(text);
        for (int i = t.size() - 1; i > 0; i--) {
            Tok k = t.get(i);
            Tok before = t.get(i - 1);
            Tok after = t.get(i + 1);
            boolean reference = k.isName() && k.name().equals(name)
                    && (before.is("FROM") || before.is("JOIN") || before.is("USING") || before.isComma())
                    && (after == null || !(after.isDot() || after.isOpen()));
            if (!reference) {
                continue;
            }
            int end = i + 1;
            String alias = k.text;
            if (t.is(end, "AS") && t.get(end + 1) != null && t.get(end + 1).isName()) {
                alias = t.get(end + 1).text;
                end += 2;
            } else if (after != null && after.isName() && !NOT_ALIASES.contains(after.name())
                    && (after.kind == SqlLexer.Kind.QUOTED_IDENT || !Keywords.isReserved(after.name()))) {
                alias = after.text;
                end += 1;
            }
            t.replace(i, end, "(" + query + ") AS " + alias + columns);
        }
        return t.toSql();
    }

    /**
     * A table that element {@code k} (the main statement when {@code k} is the list's size, with
     * the plain elements it may read) names and a data-modifying element before it changes, or null.
     */
    public String readsModified(int k) {
        List<TokenList> readers = new ArrayList<>();
        if (k < ctes.size()) {
            readers.add(TokenList.of(ctes.get(k).body()));
        } else {
            // An INSERT's target is written, not read: WITH gone AS (DELETE FROM t ...) INSERT INTO t ... is PostgreSQL's too.
            TokenList m = TokenList.of(main);
            if (m.is(0, "INSERT") && m.is(1, "INTO")) {
                int after = 2;
                while (after + 1 < m.size() && m.get(after + 1).isDot()) {
                    after += 2;
                }
                m.remove(0, after + 1);
            }
            readers.add(m);
            for (Cte c : ctes) {
                if (!c.modifying()) {
                    readers.add(TokenList.of(c.body()));
                }
            }
        }
        for (int j = 0; j < Math.min(k, ctes.size()); j++) {
            String target = target(ctes.get(j));
            if (target != null && readers.stream().anyMatch(r -> names(r, target))) {
                return target;
            }
        }
        return null;
    }

    /** The table a data-modifying element changes (its last name part, folded), or null if not one. */
    private static String target(Cte c) {
        if (!c.modifying()) {
            return null;
        }
        TokenList t = TokenList.of(c.body());
        int i = 1;
        if (t.is(i, "INTO") || t.is(i, "FROM")) {
            i++;
        }
        if (t.is(i, "ONLY")) {
            i++;
        }
        String name = null;
        for (; i < t.size() && t.get(i).isName(); i += 2) {
            name = t.get(i).name();
            if (!(t.get(i + 1) != null && t.get(i + 1).isDot())) {
                break;
            }
        }
        return name;
    }

    /** A name as written ({@code "Moved"}, {@code moved}), folded as PostgreSQL folds it. */
    private static String fold(String written) {
        TokenList n = TokenList.of(written);
        return n.size() > 0 && n.get(0).isName() ? n.get(0).name() : written;
    }

    /** Whether {@code t} names {@code folded} (anywhere: a table, an alias or a column of that name). */
    private static boolean names(TokenList t, String folded) {
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isName() && t.get(i).name().equals(folded)) {
                return true;
            }
        }
        return false;
    }
}
