package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rewrites of whole statements that H2 spells differently: RETURNING, ON CONFLICT, DELETE USING,
 * TRUNCATE forms, storage options of CREATE TABLE and CREATE INDEX, constraint names, and locking
 * clauses. Works on the statement's tokens and its clause structure.
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
        String k0 = t.get(0).text.toUpperCase(Locale.ROOT);
        switch (k0) {
            case "CREATE" -> {
                assignedLiterals();
                create();
            }
            case "ALTER" -> {
                if (t.is(1, "TYPE")) {
                    usedLookup = true;
                    new EnumAlter(t, lookup, instead).rewrite();
                } else {
                    assignedLiterals();
                    alter();
                }
            }
            case "TRUNCATE" -> truncate();
            case "INSERT" -> {
                assignedLiterals();
                insert();
            }
            case "UPDATE" -> {
                assignedLiterals();
                returning("FINAL");
            }
            case "DELETE" -> delete();
            case "DROP" -> {
                if (PartialIndexes.isDropIndex(t)) {
                    usedLookup = true;
                    List<String> drops = new PartialIndexes(t, lookup).drop();
                    if (drops != null) {
                        instead.addAll(drops);
                    }
                }
            }
            case "SELECT", "WITH" -> select();
            case "VALUES" -> values();
            default -> { }
        }
        functionsInFrom();
    }

    private void assignedLiterals() {
        AssignedLiterals a = new AssignedLiterals(t, lookup);
        a.rewrite();
        usedLookup |= a.usedLookup;
    }

    /** A bare VALUES names its columns column1, column2... (H2 says C1, C2...). */
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
        String rows = t.text(0, end);
        t.replace(0, end, "SELECT * FROM (" + rows + ") AS \"*VALUES*\"(" + names + ")");
    }

    /** generate_series(...) in FROM names its column after its alias (or itself), as PostgreSQL does. */
    private void functionsInFrom() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            Tok before = t.get(i - 1);
            if (!k.isWord() || !k.name().equals("generate_series") || !t.get(i + 1).isOpen()
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
                t.insert(close + 1, "AS generate_series(generate_series)");
            }
            if (integerArguments(i + 2, close)) {
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

    // ---- DDL ----

    private void create() {
        int i = 1;
        // CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE
        while (t.get(i) != null && (t.get(i).is("OR") || t.get(i).is("REPLACE") || t.get(i).is("GLOBAL") || t.get(i).is("LOCAL")
                || t.get(i).is("TEMP") || t.get(i).is("TEMPORARY") || t.get(i).is("UNLOGGED") || t.get(i).is("UNIQUE"))) {
            if (t.get(i).is("UNLOGGED")) {
                t.remove(i, i + 1);
                continue;
            }
            if (t.get(i).is("TEMP")) {
                t.get(i).text = "TEMPORARY";
            }
            i++;
        }
        if (t.is(i, "TABLE")) {
            deferrable();
            createTable(i + 1);
        } else if (t.is(i, "INDEX")) {
            createIndex(i + 1);
        } else if (t.is(i, "SEQUENCE")) {
            int owned = t.find(i, t.size(), "OWNED");
            if (owned > 0 && t.is(owned + 1, "BY")) {
                int end = owned + 2;
                while (t.get(end) != null && (t.get(end).isName() || t.get(end).isDot())) {
                    end++;
                }
                t.remove(owned, end);
            }
        } else if (t.is(i, "EXTENSION") || t.is(i, "FUNCTION") || t.is(i, "PROCEDURE") || t.is(i, "TRIGGER")
                || t.is(i, "RULE") || t.is(i, "POLICY") || t.is(i, "PUBLICATION") || t.is(i, "TYPE") && t.find(i, t.size(), "ENUM") < 0) {
            throw new PgException(PgError.error("0A000", "CREATE " + t.get(i).text.toUpperCase(Locale.ROOT) + " is not supported by Borealis"));
        }
    }

    private void createTable(int i) {
        if (t.is(i, "IF") && t.is(i + 1, "NOT") && t.is(i + 2, "EXISTS")) {
            i += 3;
        }
        int nameStart = i;
        int nameEnd = i + 1;
        while (t.get(nameEnd) != null && t.get(nameEnd).isDot()) {
            nameEnd += 2;
        }
        if (t.get(nameEnd - 1) == null) {
            return;
        }
        String table = t.get(nameEnd - 1).name();
        if (t.get(nameEnd) == null || !t.get(nameEnd).isOpen()) {
            return; // CREATE TABLE AS / PARTITION OF
        }
        int open = nameEnd;
        int close = t.closing(open);
        // Storage clauses after the column list.
        int j = close + 1;
        while (j < t.size()) {
            if (t.is(j, "WITH") && t.get(j + 1) != null && t.get(j + 1).isOpen()) {
                t.remove(j, t.closing(j + 1) + 1);
            } else if ((t.is(j, "WITH") || t.is(j, "WITHOUT")) && t.is(j + 1, "OIDS")) {
                t.remove(j, j + 2);
            } else if (t.is(j, "TABLESPACE") || t.is(j, "USING")) {
                t.remove(j, j + 2);
            } else if (t.is(j, "PARTITION") && t.is(j + 1, "BY")) {
                throw new PgException(PgError.error("0A000", "partitioned tables are not supported by Borealis"));
            } else {
                j++;
            }
        }
        identityBeforeConstraints(open, close);
        nameConstraints(table, open, t.closing(open));
    }

    /**
     * PostgreSQL takes a column's clauses in any order; H2 wants GENERATED ... AS IDENTITY before
     * the column's constraints. Django writes {@code "id" bigint NOT NULL PRIMARY KEY GENERATED BY
     * DEFAULT AS IDENTITY}: the identity clause moves in front of NOT NULL. Each identity clause is
     * followed by {@link CatalogNames#IDENTITY_SELECTIVITY}: H2 makes serial and identity columns
     * alike, and PostgreSQL shows them apart (an identity's sequence is not in
     * information_schema.sequences, its column has no nextval default).
     */
    private void identityBeforeConstraints(int open, int close) {
        List<Integer> starts = t.splitCommas(open + 1, close);
        for (int n = starts.size() - 2; n >= 0; n--) {
            int s = starts.get(n);
            int e = starts.get(n + 1) - 1;
            int generated = -1;
            int firstConstraint = -1;
            for (int i = s + 1; i < e; i++) {
                Tok k = t.get(i);
                if (k.isOpen()) {
                    i = t.closing(i);
                    continue;
                }
                if (firstConstraint < 0 && generated < 0 && (k.is("NOT") || k.is("NULL") || k.is("PRIMARY") || k.is("UNIQUE")
                        || k.is("REFERENCES") || k.is("CHECK") || k.is("CONSTRAINT"))) {
                    firstConstraint = i;
                }
                if (k.is("GENERATED")) {
                    generated = i;
                    break;
                }
            }
            if (generated < 0) {
                continue;
            }
            int end = t.find(generated, e, "IDENTITY");
            if (end < 0) {
                continue; // GENERATED ALWAYS AS (expr) STORED: not an identity
            }
            end++;
            if (t.get(end) != null && end < e && t.get(end).isOpen()) {
                end = t.closing(end) + 1;
            }
            String clause = t.text(generated, end) + " SELECTIVITY " + CatalogNames.IDENTITY_SELECTIVITY;
            t.remove(generated, end);
            t.insert(firstConstraint >= 0 ? firstConstraint : generated, clause);
        }
    }

    /**
     * Gives unnamed constraints PostgreSQL's names (t_pkey, t_col_key, t_col_fkey, t_col_check), so
     * that error messages and \d show what PostgreSQL would.
     */
    private void nameConstraints(String table, int open, int close) {
        List<Integer> starts = t.splitCommas(open + 1, close);
        List<String> used = new ArrayList<>();
        List<String> columnNames = new ArrayList<>();
        for (int n = 0; n + 1 < starts.size(); n++) {
            Tok f = t.get(starts.get(n));
            if (f != null && f.isName() && !f.is("CONSTRAINT") && !f.is("PRIMARY") && !f.is("UNIQUE") && !f.is("FOREIGN")
                    && !f.is("CHECK") && !f.is("EXCLUDE") && !f.is("LIKE")) {
                columnNames.add(f.name());
            }
        }
        for (int n = starts.size() - 2; n >= 0; n--) {
            int s = starts.get(n);
            int e = starts.get(n + 1) - 1;
            if (e <= s) {
                continue;
            }
            Tok first = t.get(s);
            boolean tableConstraint = first.is("CONSTRAINT") || first.is("PRIMARY") || first.is("UNIQUE") || first.is("FOREIGN")
                    || first.is("CHECK") || first.is("EXCLUDE") || first.is("LIKE");
            if (tableConstraint) {
                if (first.is("CONSTRAINT") || first.is("LIKE") || first.is("EXCLUDE")) {
                    continue;
                }
                String cols = columnsOf(s);
                String name = first.is("PRIMARY") ? table + "_pkey"
                        : first.is("UNIQUE") ? table + "_" + cols + "_key"
                        : first.is("FOREIGN") ? table + "_" + cols + "_fkey"
                        : checkName(table, s, e, columnNames);
                t.insert(s, "CONSTRAINT " + quoteIdent(unique(name, used)));
                continue;
            }
            String column = first.name();
            for (int i = e - 1; i > s; i--) {
                Tok k = t.get(i);
                if (k.isClose()) {
                    i = t.opening(i);
                    continue;
                }
                boolean named = t.get(i - 1) != null && t.get(i - 2) != null && t.get(i - 2).is("CONSTRAINT");
                if (named) {
                    continue;
                }
                String suffix = null;
                if (k.is("PRIMARY") && t.is(i + 1, "KEY")) {
                    suffix = "pkey";
                } else if (k.is("UNIQUE")) {
                    suffix = "key";
                } else if (k.is("REFERENCES")) {
                    suffix = "fkey";
                } else if (k.is("CHECK") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                    suffix = "check";
                }
                if (suffix != null) {
                    String name = suffix.equals("pkey") ? table + "_pkey" : table + "_" + column + "_" + suffix;
                    t.insert(i, "CONSTRAINT " + quoteIdent(unique(name, used)));
                }
            }
        }
    }

    /** A table CHECK is named after the first column its expression reads, as PostgreSQL names it (t_col_check). */
    private String checkName(String table, int s, int e, List<String> columnNames) {
        for (int i = s + 1; i < e; i++) {
            Tok k = t.get(i);
            if (k.isName() && columnNames.contains(k.name()) && !(t.get(i + 1) != null && t.get(i + 1).isOpen())) {
                return table + "_" + k.name() + "_check";
            }
        }
        return table + "_check";
    }

    private String columnsOf(int s) {
        int open = s;
        while (t.get(open) != null && !t.get(open).isOpen()) {
            open++;
        }
        if (t.get(open) == null) {
            return "";
        }
        int close = t.closing(open);
        StringBuilder sb = new StringBuilder();
        for (int i = open + 1; i < close; i++) {
            if (t.get(i).isName()) {
                sb.append(sb.length() > 0 ? "_" : "").append(t.get(i).name());
            }
        }
        return sb.toString();
    }

    private static String unique(String name, List<String> used) {
        String base = name.length() > 63 ? name.substring(0, 63) : name;
        String n = base;
        int k = 1;
        while (used.contains(n)) {
            n = base + k++;
        }
        used.add(n);
        return n;
    }

    static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private void createIndex(int i) {
        if (t.is(i, "CONCURRENTLY")) {
            t.remove(i, i + 1);
        }
        boolean named = !t.is(i, "ON");
        if (t.is(i, "IF") && t.is(i + 1, "NOT") && t.is(i + 2, "EXISTS")) {
            i += 3;
        }
        int on = t.find(i, t.size(), "ON");
        if (on < 0) {
            return;
        }
        int j = on + 1;
        if (t.is(j, "ONLY")) {
            t.remove(j, j + 1);
        }
        int tableEnd = j + 1;
        while (t.get(tableEnd) != null && t.get(tableEnd).isDot()) {
            tableEnd += 2;
        }
        String table = t.get(tableEnd - 1) == null ? "t" : t.get(tableEnd - 1).name();
        if (t.is(tableEnd, "USING")) {
            t.remove(tableEnd, tableEnd + 2);
        }
        if (t.get(tableEnd) == null || !t.get(tableEnd).isOpen()) {
            return;
        }
        int close = t.closing(tableEnd);
        // Operator classes (text_pattern_ops, varchar_pattern_ops: Django's LIKE indexes) choose how
        // PostgreSQL compares; H2's indexes compare one way, which serves the same queries.
        for (int c = close - 1; c > tableEnd; c--) {
            Tok k = t.get(c);
            if (k.isWord() && k.name().endsWith("_ops") && t.get(c - 1) != null && (t.get(c - 1).isName() || t.get(c - 1).isClose())) {
                t.remove(c, c + 1);
                close--;
            }
        }
        String cols = columnsOf(tableEnd);
        int k = close + 1;
        int where = -1;
        while (k < t.size()) {
            if ((t.is(k, "INCLUDE") || t.is(k, "WITH")) && t.get(k + 1) != null && t.get(k + 1).isOpen()) {
                t.remove(k, t.closing(k + 1) + 1);
            } else if (t.is(k, "TABLESPACE")) {
                t.remove(k, k + 2);
            } else if (t.is(k, "WHERE")) {
                where = k;
                break;
            } else if (t.is(k, "NULLS") && t.is(k + 1, "NOT") && t.is(k + 2, "DISTINCT")) {
                t.remove(k, k + 3);
            } else {
                k++;
            }
        }
        if (!named) {
            t.insert(on, quoteIdent(table + "_" + cols + "_idx"));
            where += where < 0 ? 0 : 1;
        }
        if (where >= 0) {
            usedLookup = true;
            new PartialIndexes(t, lookup).create(where, after);
        }
    }

    /**
     * [NOT] DEFERRABLE and INITIALLY DEFERRED | IMMEDIATE: H2 checks every constraint at once. Left
     * out, a constraint is checked immediately: stricter than deferred (a transaction that fixes a
     * reference before COMMIT fails at the statement instead), never laxer. Django declares every
     * foreign key DEFERRABLE INITIALLY DEFERRED.
     */
    private void deferrable() {
        for (int i = 0; i < t.size(); i++) {
            if (t.is(i, "DEFERRABLE")) {
                int from = i > 0 && t.is(i - 1, "NOT") ? i - 1 : i;
                t.remove(from, i + 1);
                i = from - 1;
            } else if (t.is(i, "INITIALLY") && (t.is(i + 1, "DEFERRED") || t.is(i + 1, "IMMEDIATE"))) {
                t.remove(i, i + 2);
                i--;
            }
        }
    }

    private void alter() {
        if (!t.is(1, "TABLE")) {
            return;
        }
        deferrable();
        int i = 2;
        if (t.is(i, "IF") && t.is(i + 1, "EXISTS")) {
            i += 2;
        }
        if (t.is(i, "ONLY")) {
            t.remove(i, i + 1);
        }
        int nameEnd = i + 1;
        while (t.get(nameEnd) != null && t.get(nameEnd).isDot()) {
            nameEnd += 2;
        }
        String tableRef = t.text(i, nameEnd);
        String table = t.get(nameEnd - 1) == null ? "" : t.get(nameEnd - 1).name();
        // ADD PRIMARY KEY (cols): PostgreSQL makes the columns NOT NULL; H2 insists they already are.
        int add = nameEnd;
        if (t.is(add, "ADD")) {
            int c = add + 1;
            String constraintName = null;
            if (t.is(c, "CONSTRAINT")) {
                constraintName = t.get(c + 1).text;
                c += 2;
            }
            if (t.is(c, "PRIMARY") && t.is(c + 1, "KEY") && t.get(c + 2) != null && t.get(c + 2).isOpen()) {
                int close = t.closing(c + 2);
                for (int k = c + 3; k < close; k++) {
                    if (t.get(k).isName()) {
                        before.add("ALTER TABLE " + tableRef + " ALTER COLUMN " + t.get(k).text + " SET NOT NULL");
                    }
                }
                if (constraintName == null) {
                    t.insert(c, "CONSTRAINT " + quoteIdent(table + "_pkey"));
                }
            } else if (constraintName == null && (t.is(c, "UNIQUE") || t.is(c, "FOREIGN"))) {
                String cols = columnsOf(c);
                String base = table + "_" + cols + (t.is(c, "UNIQUE") ? "_key" : "_fkey");
                // PostgreSQL picks the first free name: t_col_key, then t_col_key1, t_col_key2...
                usedLookup = true;
                String name = base;
                for (int n = 1; lookup.nameTaken(tableRef, name) && n < 1000; n++) {
                    name = base + n;
                }
                t.insert(c, "CONSTRAINT " + quoteIdent(name));
            }
            int nv = t.find(c, t.size(), "NOT");
            if (nv > 0 && t.is(nv + 1, "VALID")) {
                t.remove(nv, nv + 2);
            }
        }
        // DROP [COLUMN] x CASCADE | RESTRICT: H2 takes neither; it refuses a drop that would break a dependent object.
        if (t.is(nameEnd, "DROP") && !t.is(nameEnd + 1, "CONSTRAINT")) {
            int last = t.size() - 1;
            while (last > nameEnd && t.get(last).kind == SqlLexer.Kind.SEMICOLON) {
                last--;
            }
            if (t.is(last, "CASCADE") || t.is(last, "RESTRICT")) {
                t.remove(last, last + 1);
            }
            int col = t.is(nameEnd + 1, "COLUMN") ? nameEnd + 2 : nameEnd + 1;
            if (t.is(col, "IF") && t.is(col + 1, "EXISTS")) {
                col += 2;
            }
            if (t.get(col) != null && t.get(col).isName() && !t.is(col, "CONSTRAINT")) {
                // PostgreSQL drops the indexes that read the column; a unique partial index's hidden columns would stop H2
                usedLookup = true;
                before.addAll(PartialIndexes.dropReading(lookup, tableRef, t.get(col).name()));
            }
        }
        // RENAME a TO b: PostgreSQL's COLUMN is optional (Alembic's and Knex's column renames leave it out).
        if (t.is(nameEnd, "RENAME") && t.get(nameEnd + 1) != null && t.get(nameEnd + 1).isName() && !t.is(nameEnd + 1, "TO")
                && !t.is(nameEnd + 1, "COLUMN") && !t.is(nameEnd + 1, "CONSTRAINT") && t.is(nameEnd + 2, "TO")) {
            t.insert(nameEnd + 1, "COLUMN");
        }
        if (t.is(nameEnd, "RENAME") && t.is(nameEnd + 1, "COLUMN") && t.is(nameEnd + 3, "TO") && t.get(nameEnd + 4) != null) {
            usedLookup = true;
            after.addAll(PartialIndexes.renameHidden(lookup, tableRef, t.get(nameEnd + 2).name(), t.get(nameEnd + 4).name()));
        }
        int owner = t.find(nameEnd, t.size(), "OWNER");
        if (owner > 0 && t.is(owner + 1, "TO")) {
            instead.add("SELECT 1 WHERE FALSE");
        }
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

    // ---- DML ----

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

    private void delete() {
        // DELETE FROM t [AS a] USING u, v WHERE cond  ->  DELETE FROM t [AS a] WHERE EXISTS (SELECT 1 FROM u, v WHERE cond)
        int using = t.find(1, t.size(), "USING");
        if (using > 0) {
            int where = t.find(using, t.size(), "WHERE");
            int ret = t.find(using, t.size(), "RETURNING");
            int end = ret > 0 ? ret : t.size();
            String from = t.text(using + 1, where > 0 ? where : end);
            String cond = where > 0 ? t.text(where + 1, end) : "TRUE";
            t.replace(using, end, "WHERE EXISTS (SELECT 1 FROM " + from + " WHERE " + cond + ")");
        }
        returning("OLD");
    }

    private void insert() {
        int onConflict = -1;
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.is(i, "ON") && t.is(i + 1, "CONFLICT") && t.find(0, t.size(), "ON") >= 0) {
                onConflict = i;
                break;
            }
        }
        if (onConflict > 0) {
            onConflict(onConflict);
        }
        returning("FINAL");
    }

    private void onConflict(int on) {
        int i = on + 2;
        int arbiterWhere = -1;
        List<String> target = new ArrayList<>();
        if (t.get(i) != null && t.get(i).isOpen()) {
            int close = t.closing(i);
            for (int k = i + 1; k < close; k++) {
                if (t.get(k).isName() && (t.get(k - 1).isOpen() || t.get(k - 1).isComma())) {
                    target.add(t.get(k).text);
                }
            }
            i = close + 1;
            if (t.is(i, "WHERE")) {
                int d = t.find(i, t.size(), "DO");
                arbiterWhere = i;
                i = d;
            }
        } else if (t.is(i, "ON") && t.is(i + 1, "CONSTRAINT")) {
            throw new PgException(PgError.error("0A000", "ON CONFLICT ON CONSTRAINT is not supported by Borealis; name the columns"));
        }
        if (!t.is(i, "DO")) {
            return;
        }
        if (t.is(i + 1, "NOTHING")) {
            t.remove(on + 2, i); // H2 knows ON CONFLICT DO NOTHING without a target
            return;
        }
        if (!t.is(i + 1, "UPDATE") || !t.is(i + 2, "SET")) {
            return;
        }
        if (target.isEmpty()) {
            throw new PgException(PgError.error("42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name"));
        }
        int ret = t.find(i, t.size(), "RETURNING");
        int end = ret > 0 ? ret : t.size();
        int where = t.find(i + 3, end, "WHERE");
        String assignments = t.text(i + 3, where > 0 ? where : end);
        String condition = where > 0 ? t.text(where + 1, end) : null;

        // INSERT INTO name [AS alias] [(cols)] source
        int into = 1;
        if (!t.is(into, "INTO")) {
            return;
        }
        int nameStart = into + 1;
        int nameEnd = nameStart + 1;
        while (t.get(nameEnd) != null && t.get(nameEnd).isDot()) {
            nameEnd += 2;
        }
        String table = t.text(nameStart, nameEnd);
        String alias = t.get(nameEnd - 1).text;
        int j = nameEnd;
        if (t.is(j, "AS")) {
            alias = t.get(j + 1).text;
            j += 2;
        }
        List<String> columns = new ArrayList<>();
        if (t.get(j) != null && t.get(j).isOpen() && !t.is(j + 1, "SELECT") && !t.is(j + 1, "VALUES")) {
            int close = t.closing(j);
            for (int k = j + 1; k < close; k++) {
                if (t.get(k).isName()) {
                    columns.add(t.get(k).text);
                }
            }
            j = close + 1;
        } else {
            usedLookup = true;
            columns.addAll(lookup.columns(table));
        }
        String source = t.text(j, on);
        if (t.is(j, "VALUES")) {
            source = "(" + source + ")";
        } else if (t.is(j, "DEFAULT")) {
            throw new PgException(PgError.error("0A000", "INSERT DEFAULT VALUES ... ON CONFLICT DO UPDATE is not supported by Borealis"));
        } else if (!(t.get(j) != null && t.get(j).isOpen())) {
            source = "(" + source + ")";
        }
        // a partial unique index as the arbiter: only rows its predicate holds for, old and new, conflict
        String arbiter = arbiterWhere > 0 ? PartialIndexes.arbiterCondition(t, arbiterWhere + 1, i, alias, "excluded", columns) : "";
        StringBuilder sb = new StringBuilder("MERGE INTO ").append(table);
        if (!alias.equals(t.get(nameEnd - 1).text)) {
            sb.append(" AS ").append(alias);
        }
        sb.append(" USING ").append(source).append(" AS excluded(").append(String.join(", ", columns)).append(") ON ");
        for (int k = 0; k < target.size(); k++) {
            sb.append(k > 0 ? " AND " : "").append(alias).append('.').append(target.get(k)).append(" = excluded.").append(target.get(k));
        }
        sb.append(arbiter);
        sb.append(" WHEN MATCHED");
        if (condition != null) {
            sb.append(" AND (").append(condition).append(')');
        }
        sb.append(" THEN UPDATE SET ").append(assignments);
        sb.append(" WHEN NOT MATCHED THEN INSERT (").append(String.join(", ", columns)).append(") VALUES (");
        for (int k = 0; k < columns.size(); k++) {
            sb.append(k > 0 ? ", " : "").append("excluded.").append(columns.get(k));
        }
        sb.append(')');
        String tail = ret > 0 ? " " + t.text(ret, t.size()) : "";
        t.replace(0, t.size(), sb + tail);
        upsert = true;
        conflictTarget = List.copyOf(target);
    }

    /** INSERT/UPDATE/DELETE ... RETURNING list  ->  SELECT list FROM FINAL|OLD TABLE (statement) AS name. */
    private void returning(String delta) {
        int ret = t.find(0, t.size(), "RETURNING");
        if (ret < 0) {
            return;
        }
        String list = t.text(ret + 1, t.size());
        String statement = t.text(0, ret);
        String name = targetName();
        t.replace(0, t.size(), "SELECT " + list + " FROM " + delta + " TABLE (" + statement + ") AS " + name);
    }

    /** The alias (or table name) DML targets, as RETURNING may qualify columns with it. */
    private String targetName() {
        int i = 1;
        if (t.is(0, "INSERT") || t.is(0, "DELETE") || t.is(0, "MERGE")) {
            i = 2; // INTO / FROM
        }
        if (t.is(i, "ONLY")) {
            i++;
        }
        int end = i + 1;
        while (t.get(end) != null && t.get(end).isDot()) {
            end += 2;
        }
        String name = t.get(end - 1) == null ? "t" : t.get(end - 1).text;
        if (t.is(end, "AS") && t.get(end + 1) != null) {
            name = t.get(end + 1).text;
        } else if (t.get(end) != null && t.get(end).isWord() && !t.get(end).is("SET") && !t.get(end).is("USING")
                && !t.get(end).is("WHERE") && !t.get(end).is("VALUES") && !t.get(end).is("SELECT") && !t.get(end).is("DEFAULT")
                && !t.get(end).is("USING") && !t.get(end).is("RETURNING")) {
            name = t.get(end).text;
        }
        return name;
    }
}
