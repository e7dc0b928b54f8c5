package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rewrites of whole statements that H2 spells differently: RETURNING, ON CONFLICT, DELETE USING
 * ({@link ModifyingStatements}), storage options of CREATE TABLE and CREATE INDEX and constraint
 * names ({@link TableDefinitions}), TRUNCATE forms, locking clauses, bare VALUES and generate_series
 * in FROM. Works on the statement's tokens and its clause structure.
 */
final class StatementRewriter {

    private final TokenList t;
    /** The schema, for rewrites that need it (INSERT ... ON CONFLICT without a column list, generated names, enums). */
    private final ColumnLookup lookup;
    /** Extra statements to run before the main one (e.g. SET NOT NULL before ADD PRIMARY KEY). */
    final List<String> before = new ArrayList<>();
    /** Extra statements to run after the main one (e.g. the comment that keeps a partial index's predicate). */
    final List<String> after = new ArrayList<>();
    /** The main statement is replaced by several (TRUNCATE a, b). */
    final List<String> instead = new ArrayList<>();
    boolean usedLookup;
    /** The statement is an INSERT ... ON CONFLICT DO UPDATE ({@link Translation#upsert}). */
    boolean upsert;
    /** An upsert's conflict columns as written. */
    List<String> conflictTarget = List.of();

    StatementRewriter(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        if (t.size() == 0) {
            return;
        }
        DomainArrays domainArrays = new DomainArrays(t, lookup);
        domainArrays.rewrite();
        usedLookup |= domainArrays.usedLookup;
        if (hasSubscript()) {
            ComparedLiterals columns = new ComparedLiterals(t, lookup);
            jsonbColumnSubscripts(columns);
            usedLookup |= columns.usedLookup;
        }
        if (t.findAny(0, t.size(), "DATE_TRUNC") >= 0) {
            TimeZoneOperators.zonedDateTrunc(t);
        }
        if (t.findAny(0, t.size(), "AT") >= 0) {
            ComparedLiterals columns = new ComparedLiterals(t, lookup);
            new TimeZoneOperators(t, columns).rewrite();
            usedLookup |= columns.usedLookup;
        }
        if (hasMinus()) {
            ComparedLiterals columns = new ComparedLiterals(t, lookup);
            new DateDifferences(t, columns).rewrite();
            usedLookup |= columns.usedLookup;
        }
        String k0 = t.get(0).text.toUpperCase(Locale.ROOT);
        switch (k0) {
            case "CREATE" -> {
                assignedLiterals();
                TableDefinitions tables = tableDefinitions();
                tables.create();
                usedLookup |= tables.usedLookup;
            }
            case "ALTER" -> {
                if (t.is(1, "TYPE")) {
                    usedLookup = true;
                    new EnumAlter(t, lookup, instead).rewrite();
                } else {
                    assignedLiterals();
                    TableDefinitions tables = tableDefinitions();
                    tables.alter();
                    usedLookup |= tables.usedLookup;
                }
            }
            case "TRUNCATE" -> truncate();
            case "INSERT" -> {
                assignedLiterals();
                ModifyingStatements insert = new ModifyingStatements(t, lookup);
                insert.insert();
                usedLookup |= insert.usedLookup;
                upsert = insert.upsert;
                conflictTarget = insert.conflictTarget;
            }
            case "UPDATE" -> {
                UpdateRowSet.expand(t);
                assignedLiterals();
                comparedLiterals();
                new ModifyingStatements(t, lookup).update();
            }
            case "DELETE" -> {
                comparedLiterals();
                new ModifyingStatements(t, lookup).delete();
            }
            case "DROP" -> {
                if (PartialIndexes.isDropIndex(t)) {
                    usedLookup = true;
                    List<String> drops = new PartialIndexes(t, lookup).drop();
                    if (drops != null) {
                        instead.addAll(drops);
                    }
                }
            }
            case "SELECT", "WITH" -> {
                new RecursiveUnion(t).rewrite(); // before RecursiveLimit, which bounds UNION ALL
                new RecursiveLimit(t).rewrite();
                comparedLiterals();
                select();
                CountOfRows counts = new CountOfRows(t, lookup);
                counts.rewrite();
                usedLookup |= counts.usedLookup;
            }
            case "VALUES" -> values();
            default -> { }
        }
        functionsInFrom();
    }

    private boolean hasMinus() {
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).isOp("-")) {
                return true;
            }
        }
        return false;
    }

    private TableDefinitions tableDefinitions() {
        return new TableDefinitions(t, lookup, before, after, instead);
    }

    private void comparedLiterals() {
        ComparedLiterals c = new ComparedLiterals(t, lookup);
        c.rewrite();
        usedLookup |= c.usedLookup;
    }

    private void assignedLiterals() {
        AssignedLiterals a = new AssignedLiterals(t, lookup);
        a.rewrite();
        usedLookup |= a.usedLookup;
    }

    /** A bare VALUES names its columns column1, column2... (H2 says C1, C2...). */
    private boolean hasSubscript() {
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).isOp("[") && t.get(i - 1).isName()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code doc['k']} of a jsonb column read (not assigned: {@link ModifyingStatements}) becomes
     * {@code (doc -> 'k')}, which the expression rules type as jsonb; H2 took the subscript for an
     * array's and failed to convert the key to an integer.
     */
    private void jsonbColumnSubscripts(ComparedLiterals columns) {
        for (int i = 1; i + 2 < t.size(); i++) {
            if (!t.get(i).isOp("[") || !t.get(i - 1).isName() || t.get(i - 1).isWord() && Keywords.isReserved(t.get(i - 1).text)) {
                continue;
            }
            int nameAt = i - 1;
            boolean qualified = nameAt >= 2 && t.get(nameAt - 1).isDot() && t.get(nameAt - 2).isName();
            int start = qualified ? nameAt - 2 : nameAt;
            Tok before = t.get(start - 1);
            int end = i;
            while (t.get(end) != null && t.get(end).isOp("[")) {
                end = t.closingBracket(end) + 1;
            }
            boolean target = (before != null && (before.is("SET") || before.isComma() && t.enclosingKeyword(start, "SET", "WHERE",
                    "FROM", "RETURNING", "SELECT") >= 0 && t.is(t.enclosingKeyword(start, "SET", "WHERE", "FROM", "RETURNING", "SELECT"),
                    "SET"))) && t.get(end) != null && t.get(end).isOp("=");
            if (target || columns.columnKind(qualified ? t.get(start).name() : null, t.get(nameAt).name())
                    != AssignedLiterals.Kind.JSON) {
                continue;
            }
            StringBuilder sb = new StringBuilder(t.text(start, i));
            for (int k = i; k < end; k = t.closingBracket(k) + 1) {
                if (hasColon(k)) {
                    throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("42804",
                            "jsonb subscript does not support slices"));
                }
                sb.insert(0, "(").append(" -> ").append(t.text(k + 1, t.closingBracket(k))).append(")");
            }
            t.replace(start, end, sb.toString());
        }
    }

    private boolean hasColon(int open) {
        int close = t.closingBracket(open);
        for (int k = open + 1; k < close; k++) {
            if (t.get(k).isOp(":")) {
                return true;
            }
        }
        return false;
    }

    private void values() {
        if (t.get(1) == null || !t.get(1).isOpen()) {
            return;
        }
        int close = t.closing(1);
        int columns = t.splitCommas(2, close).size() - 1;
        int end = t.findAny(1, t.size(), "ORDER", "LIMIT", "OFFSET", "FETCH");
        end = end < 0 ? t.size() : end;
        StringBuilder names = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
            names.append(i > 1 ? ", " : "").append("column").append(i);
        }
        int listEnd = close + 1;
        while (t.get(listEnd) != null && t.get(listEnd).isComma() && t.get(listEnd + 1) != null && t.get(listEnd + 1).isOpen()) {
            listEnd = t.closing(listEnd + 1) + 1;
        }
        if (t.is(listEnd, "UNION") || t.is(listEnd, "INTERSECT") || t.is(listEnd, "EXCEPT")) {
            // VALUES ... UNION SELECT ...: the rows alone become a derived table (H2 failed on a
            // several-row VALUES before a set operation with a NullPointerException)
            end = listEnd;
        }
        String rows = t.text(0, end);
        t.replace(0, end, "SELECT * FROM (" + rows + ") AS \"*VALUES*\"(" + names + ")");
    }

    /** Functions of one column, which a FROM clause names after its alias (or the function), as PostgreSQL does. */
    private static final java.util.Set<String> ONE_COLUMN_FUNCTIONS = java.util.Set.of("generate_series", "string_to_table",
            "regexp_split_to_table", "jsonb_object_keys", "json_object_keys");

    /** Names the column of a one-column function in FROM; generate_series of int4 literals stays int4. */
    private void functionsInFrom() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            Tok before = t.get(i - 1);
            if (!k.isWord() || !ONE_COLUMN_FUNCTIONS.contains(k.name()) || !t.get(i + 1).isOpen()
                    || !(before.is("FROM") || before.is("JOIN") || before.isComma() || before.isDot())) {
                continue;
            }
            int close = t.closing(i + 1);
            int a = close + 1;
            if (t.is(a, "AS")) {
                a++;
            }
            Tok alias = t.get(a);
            boolean hasAlias = alias != null && alias.isName() && !isClauseWord(alias);
            if (hasAlias && t.get(a + 1) != null && t.get(a + 1).isOpen()) {
                // g(x): already named
            } else if (hasAlias) {
                t.insert(a + 1, "(" + alias.text + ")");
            } else {
                t.insert(close + 1, "AS " + k.name() + "(" + k.name() + ")");
            }
            if (k.name().equals("generate_series") && integerArguments(i + 2, close)) {
                // generate_series(int, int) is int4 in PostgreSQL, H2's is bigint (node drivers then return strings).
                int size = t.size();
                int from = before.isDot() ? i - 2 : i; // pg_catalog.generate_series: the qualifier goes too
                t.replace(from, close + 1, "(SELECT CAST(borealis_n AS INTEGER) FROM GENERATE_SERIES(" + t.text(i + 2, close)
                        + ") AS borealis_gs(borealis_n))");
                i = close + t.size() - size; // past the replacement, which names generate_series itself
            }
        }
    }

    /** Whether tokens [from, to) are integer literals in int4's range, separated by commas (a leading minus allowed). */
    private boolean integerArguments(int from, int to) {
        if (from >= to) {
            return false;
        }
        boolean expectValue = true;
        for (int j = from; j < to; j++) {
            Tok k = t.get(j);
            if (expectValue) {
                if (k.isOp("-") && j + 1 < to) {
                    k = t.get(++j);
                }
                if (k.kind != SqlLexer.Kind.NUMBER || !k.text.matches("-?\\d{1,10}") || Math.abs(Long.parseLong(k.text)) > Integer.MAX_VALUE) {
                    return false;
                }
                expectValue = false;
            } else if (k.isComma()) {
                expectValue = true;
            } else {
                return false;
            }
        }
        return !expectValue;
    }

    private static boolean isClauseWord(Tok k) {
        for (String w : new String[] {"WHERE", "ORDER", "GROUP", "LIMIT", "OFFSET", "JOIN", "ON", "LEFT", "RIGHT", "INNER", "CROSS",
                "FULL", "UNION", "EXCEPT", "INTERSECT", "HAVING", "WINDOW", "FETCH", "FOR", "WITH", "NATURAL", "USING"}) {
            if (k.is(w)) {
                return true;
            }
        }
        return false;
    }

    private void truncate() {
        int i = 1;
        if (t.is(i, "TABLE")) {
            i++;
        }
        boolean restart = false;
        List<String> tables = new ArrayList<>();
        while (i < t.size()) {
            Tok k = t.get(i);
            if (k.is("ONLY") || k.isComma() || k.isOp("*")) {
                i++;
            } else if (k.is("RESTART") || k.is("CONTINUE")) {
                restart = k.is("RESTART");
                i += 2;
            } else if (k.is("CASCADE") || k.is("RESTRICT")) {
                i++;
            } else if (k.isName()) {
                int end = i + 1;
                while (t.get(end) != null && t.get(end).isDot()) {
                    end += 2;
                }
                tables.add(t.text(i, end));
                i = end;
            } else {
                i++;
            }
        }
        for (String table : tables) {
            instead.add("TRUNCATE TABLE " + table + (restart ? " RESTART IDENTITY" : ""));
        }
    }

    private void select() {
        // FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE lock rows like FOR UPDATE in H2.
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.is(i, "FOR") && t.is(i + 1, "NO") && t.is(i + 2, "KEY") && t.is(i + 3, "UPDATE")) {
                t.remove(i + 1, i + 3);
            } else if (t.is(i, "FOR") && t.is(i + 1, "KEY") && t.is(i + 2, "SHARE")) {
                t.replace(i + 1, i + 3, "UPDATE");
            } else if (t.is(i, "FOR") && t.is(i + 1, "SHARE")) {
                t.replace(i + 1, i + 2, "UPDATE");
            } else if (t.is(i, "LIMIT") && t.is(i + 1, "ALL")) {
                t.remove(i, i + 2);
            }
        }
    }

    static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
