package borealis.engine.pg.sql;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A quoted literal compared with a date/time column takes the column's type, as PostgreSQL reads
 * an "unknown" literal: {@code valid_to = 'infinity'}, {@code day < 'January 8, 1999'},
 * {@code at BETWEEN '-infinity' AND 'epoch'}. H2 converts the text by its own rules and fails on
 * what only PostgreSQL reads ({@code 22007}). Only literals H2 would misread are looked at
 * ({@link DateTimeLiterals#candidate}), so other statements do not consult the schema.
 *
 * <p>The column is found among the tables the statement names (FROM, JOIN, UPDATE), by its
 * qualifier or, unqualified, in the one table that has it; anything else is left as written.
 */
final class ComparedLiterals {

    private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=");
    private static final Set<String> NOT_ALIASES = Set.of("WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "ON",
            "USING", "GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING", "WINDOW", "UNION", "INTERSECT", "EXCEPT", "SET", "RETURNING",
            "FOR", "FETCH", "LATERAL", "TABLESAMPLE", "ONLY");

    private final TokenList t;
    private final ColumnLookup lookup;
    private final DateTimeLiterals dates;
    /** Whether the rewrite looked at the schema (the translation cannot be cached). */
    boolean usedLookup;

    ComparedLiterals(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
        this.dates = new DateTimeLiterals(DateTimeLiterals.orderOf(lookup));
    }

    void rewrite() {
        if (lookup == null) {
            return;
        }
        Map<String, String> tables = null;
        // right to left: a replacement keeps the earlier positions valid
        for (int i = t.size() - 1; i > 0; i--) {
            Tok k = t.get(i);
            boolean arrayLiteral = k.isString() && k.stringValue().startsWith("{");
            // (the raw text's length first: a literal's value is built anew on every call)
            boolean intervalText = k.isString() && k.text.length() < 256 && AssignedLiterals.looksLikeInterval(k.stringValue());
            if (!k.isString() || !dates.candidate(k.stringValue()) && !arrayLiteral && !intervalText) {
                continue;
            }
            int[] ref = column(i);
            if (ref == null) {
                continue;
            }
            if (tables == null) {
                tables = tables();
                usedLookup = true;
            }
            AssignedLiterals.Kind kind = kind(tables, ref[0] < 0 ? null : t.get(ref[0]).name(), t.get(ref[1]).name());
            if (kind == AssignedLiterals.Kind.ARRAY && arrayLiteral) {
                // an int[] column compared with '{1,2}': the literal is an array of the column's element type
                t.replace(i, i + 1, Casts.arrayLiteral(k.stringValue(), elementType));
                continue;
            }
            if (kind == AssignedLiterals.Kind.INTERVAL && intervalText) {
                t.replace(i, i + 1, IntervalLiteral.toH2(k.stringValue())); // where f1 = '@ 10 day'
                continue;
            }
            if (kind == null || kind.h2Type == null) {
                continue;
            }
            String e = dates.expression(kind.h2Type, k.stringValue());
            if (e != null) {
                t.replace(i, i + 1, e);
            }
        }
    }

    private Map<String, String> namedTables;

    /** The kind of the column {@code qualifier.name} (qualifier may be null) of the statement's tables, or null. */
    AssignedLiterals.Kind columnKind(String qualifier, String name) {
        if (lookup == null) {
            return null;
        }
        if (namedTables == null) {
            namedTables = tables();
            usedLookup = true;
        }
        return kind(namedTables, qualifier, name);
    }

    /** The column compared with the literal at {@code i}: {qualifier token or -1, name token}; or null. */
    private int[] column(int i) {
        Tok before = t.get(i - 1);
        if (before.kind == SqlLexer.Kind.OPERATOR && COMPARISONS.contains(before.text)) {
            return referenceEndingAt(i - 2);
        }
        if (t.get(i + 1) != null && t.get(i + 1).kind == SqlLexer.Kind.OPERATOR && COMPARISONS.contains(t.get(i + 1).text)) {
            return referenceStartingAt(i + 2);
        }
        // x [NOT] BETWEEN 'a' AND 'b'
        int between = before.is("BETWEEN") ? i - 1
                : before.is("AND") && t.get(i - 2) != null && t.get(i - 2).isString() && t.get(i - 3) != null && t.get(i - 3).is("BETWEEN")
                ? i - 3 : -1;
        if (between < 1) {
            return null;
        }
        return referenceEndingAt(t.get(between - 1).is("NOT") ? between - 2 : between - 1);
    }

    /** {@code name} or {@code qualifier.name} ending at {@code end}, not part of a longer expression's operand. */
    private int[] referenceEndingAt(int end) {
        if (end < 1 || !t.get(end).isName()) {
            return null;
        }
        boolean qualified = end >= 3 && t.get(end - 1).isDot() && t.get(end - 2).isName();
        int start = qualified ? end - 2 : end;
        if (start < 1) {
            return null;
        }
        Tok before = t.get(start - 1);
        if (before.isDot() || before.kind == SqlLexer.Kind.OPERATOR && !COMPARISONS.contains(before.text)) {
            return null; // a longer qualified name, a cast's type, an arithmetic operand
        }
        return new int[] {qualified ? end - 2 : -1, end};
    }

    /** {@code name} or {@code qualifier.name} starting at {@code start}, right after a comparison. */
    private int[] referenceStartingAt(int start) {
        Tok first = t.get(start);
        if (first == null || !first.isName()) {
            return null;
        }
        boolean qualified = t.get(start + 1) != null && t.get(start + 1).isDot() && t.get(start + 2) != null && t.get(start + 2).isName();
        int end = qualified ? start + 2 : start;
        Tok after = t.get(end + 1);
        if (after != null && (after.isOpen() || after.isDot() || after.kind == SqlLexer.Kind.OPERATOR)) {
            return null; // a function call, a longer name, a cast, an arithmetic operand
        }
        return new int[] {qualified ? start : -1, end};
    }

    /** Tables the statement names, by alias and by name (lower case). */
    private Map<String, String> tables() {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            if (!(t.is(i, "FROM") || t.is(i, "JOIN") || t.is(i, "UPDATE") && i == 0)) {
                continue;
            }
            int j = i + 1;
            while (true) {
                if (t.is(j, "ONLY")) {
                    j++;
                }
                Tok k = t.get(j);
                if (k == null || !k.isName()) {
                    break;
                }
                int end = j;
                while (t.get(end + 1) != null && t.get(end + 1).isDot() && t.get(end + 2) != null && t.get(end + 2).isName()) {
                    end += 2;
                }
                String table = t.text(j, end + 1);
                out.putIfAbsent(t.get(end).name().toLowerCase(Locale.ROOT), table);
                int next = end + 1;
                if (t.is(next, "AS")) {
                    next++;
                }
                Tok alias = t.get(next);
                if (alias != null && alias.isName() && !NOT_ALIASES.contains(alias.text.toUpperCase(Locale.ROOT))) {
                    out.put(alias.name().toLowerCase(Locale.ROOT), table);
                    next++;
                }
                if (t.get(next) == null || !t.get(next).isComma() || !t.is(i, "FROM")) {
                    break;
                }
                j = next + 1;
            }
        }
        return out;
    }

    /** The element type of the array column {@link #kind} found last (PostgreSQL's name), or null. */
    private String elementType;

    /** The kind of the column {@code name}: of the table {@code qualifier} names, or of the one table that has it. */
    private AssignedLiterals.Kind kind(Map<String, String> tables, String qualifier, String name) {
        Set<String> candidates = new LinkedHashSet<>();
        if (qualifier != null) {
            String table = tables.get(qualifier.toLowerCase(Locale.ROOT));
            if (table == null) {
                return null;
            }
            candidates.add(table);
        } else {
            candidates.addAll(tables.values());
        }
        AssignedLiterals.Kind found = null;
        int having = 0;
        for (String table : candidates) {
            for (Map.Entry<String, String> c : lookup.columnTypes(table).entrySet()) {
                if (c.getKey().equalsIgnoreCase(name)) {
                    found = AssignedLiterals.kindOf(c.getValue().toUpperCase(Locale.ROOT));
                    borealis.engine.pg.types.PgType element = borealis.engine.pg.types.PgType.arrayElement(c.getValue().toUpperCase(Locale.ROOT));
                    elementType = element == null ? null : element.typname;
                    having++;
                }
            }
        }
        return having == 1 ? found : null;
    }
}
