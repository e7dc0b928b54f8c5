package borealis.engine.pg.sql;

import borealis.engine.pg.DeferrableMark;
import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.List;
import java.util.Locale;

/**
 * CREATE TABLE, CREATE INDEX, CREATE SEQUENCE and ALTER TABLE as H2 takes them: storage options
 * dropped, identity clauses before constraints, PostgreSQL's names for unnamed constraints and
 * indexes ({@link ConstraintNames}), partial indexes ({@link PartialIndexes}), and the statements
 * ALTER TABLE needs before or after it.
 */
final class TableDefinitions {

    private final TokenList t;
    private final ColumnLookup lookup;
    private final ConstraintNames names;
    /** Extra statements to run before the main one (e.g. SET NOT NULL before ADD PRIMARY KEY). */
    private final List<String> before;
    /** Extra statements to run after the main one (e.g. the comment that keeps a partial index's predicate). */
    private final List<String> after;
    /** The main statement is replaced by these (ALTER ... OWNER TO: by nothing at all). */
    private final List<String> instead;
    boolean usedLookup;
    /** CREATE TEMP TABLE: its foreign keys are checked at once (no mark, whose COMMENT would commit the block). */
    private boolean temporaryTable;

    TableDefinitions(TokenList t, ColumnLookup lookup, List<String> before, List<String> after, List<String> instead) {
        this.t = t;
        this.lookup = lookup;
        this.names = new ConstraintNames(t);
        this.before = before;
        this.after = after;
        this.instead = instead;
    }

    /** CREATE TABLE, INDEX and SEQUENCE in H2's forms; CREATE FUNCTION, TRIGGER, EXTENSION and the like are refused. */
    void create() {
        int i = 1;
        int temporary = -1;
        // CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE
        while (t.get(i) != null && (t.get(i).is("OR") || t.get(i).is("REPLACE") || t.get(i).is("GLOBAL") || t.get(i).is("LOCAL")
                || t.get(i).is("TEMP") || t.get(i).is("TEMPORARY") || t.get(i).is("UNLOGGED") || t.get(i).is("UNIQUE"))) {
            if (t.get(i).is("UNLOGGED") || t.get(i).is("GLOBAL") || t.get(i).is("LOCAL")) {
                t.remove(i, i + 1);
                continue;
            }
            if (t.get(i).is("TEMP") || t.get(i).is("TEMPORARY")) {
                t.get(i).text = "TEMPORARY";
                temporary = i;
            }
            i++;
        }
        if (temporary >= 0 && t.is(i, "TABLE")) {
            // A temporary table is the session's own, as in PostgreSQL (GLOBAL is a deprecated
            // synonym there). H2's plain TEMPORARY is a global temporary table: one table, with the
            // same rows, for every session of the database.
            t.get(temporary).text = "LOCAL TEMPORARY";
        }
        if (t.is(i, "TABLE")) {
            temporaryTable = temporary >= 0;
            createTable(i + 1);
            if (temporary >= 0) {
                transactional(i + 1);
            }
        } else if (t.is(i, "INDEX")) {
            createIndex(i + 1);
        } else if (t.is(i, "SEQUENCE")) {
            SequenceOptions.check(t, i + 1);
            int owned = t.find(i, t.size(), "OWNED");
            if (owned > 0 && t.is(owned + 1, "BY")) {
                // OWNED BY table.column or NONE; a bare name is PostgreSQL's 22023
                if (!t.is(owned + 2, "NONE") && !(t.get(owned + 3) != null && t.get(owned + 3).isDot())) {
                    throw new PgException(new PgError("ERROR", "42601", "invalid OWNED BY option",
                            null, "Specify OWNED BY table.column or OWNED BY NONE."));
                }
                int end = owned + 2;
                while (t.get(end) != null && (t.get(end).isName() || t.get(end).isDot())) {
                    end++;
                }
                t.remove(owned, end);
            }
        } else if (t.is(i, "TYPE") && compositeType(i)) {
            return;
        } else if (t.is(i, "DOMAIN")) {
            domainNotNull(i);
        } else if (t.is(i, "EXTENSION") || t.is(i, "FUNCTION") || t.is(i, "PROCEDURE") || t.is(i, "TRIGGER")
                || t.is(i, "RULE") || t.is(i, "POLICY") || t.is(i, "PUBLICATION") || t.is(i, "TYPE") && t.find(i, t.size(), "ENUM") < 0) {
            throw new PgException(PgError.error("0A000", "CREATE " + t.get(i).text.toUpperCase(Locale.ROOT) + " is not supported by Borealis"));
        }
    }

    /**
     * {@code CREATE TYPE name AS (field type, ...)}: a composite type is a domain over H2's ROW of
     * the fields; casts to it, columns of it, field access {@code (v).field} and its record text
     * then work as PostgreSQL's. The field types are translated as a table's column types are.
     */
    private boolean compositeType(int type) {
        int name = type + 1;
        int end = name;
        while (t.get(end) != null && (t.get(end).isName() || t.get(end).isDot()) && !t.is(end, "AS")) {
            end++;
        }
        if (end == name || !t.is(end, "AS") || t.get(end + 1) == null || !t.get(end + 1).isOpen()) {
            return false;
        }
        if (t.get(end + 2) != null && t.get(end + 2).isClose()) {
            throw new PgException(PgError.error("0A000", "a composite type without attributes is not supported by Borealis"));
        }
        int close = t.closing(end + 1);
        List<Integer> fields = t.splitCommas(end + 2, close);
        for (int f = fields.size() - 2; f >= 0; f--) {
            // a field of a domain or composite type: H2's ROW takes data types only, so the domain's
            int typeAt = fields.get(f) + 1;
            Tok word = t.get(typeAt);
            Tok after = t.get(typeAt + 1);
            if (lookup != null && word != null && word.isName() && typeAt < fields.get(f + 1) - 1 && after != null
                    && (after.isComma() || after.isClose()) && !DomainArrays.BUILT_IN.contains(word.text.toLowerCase(Locale.ROOT))
                    && TypeNames.h2(word.text) == null) {
                usedLookup = true;
                String h2 = lookup.domainElementType(word.text);
                if (h2 != null) {
                    t.replace(typeAt, typeAt + 1, h2);
                }
            }
        }
        t.replace(end + 1, end + 2, "ROW(");
        t.get(type).text = "DOMAIN";
        return true;
    }

    /** CREATE DOMAIN d AS type NOT NULL: H2 has no NOT NULL on a domain, so it is the CHECK it means. */
    private void domainNotNull(int domain) {
        int as = t.find(domain, t.size(), "AS");
        for (int k = as < 0 ? t.size() : as + 1; k + 1 < t.size(); k++) {
            if (t.is(k, "NOT") && t.is(k + 1, "NULL") && !t.is(k - 1, "IS")) {
                t.replace(k, k + 2, "CHECK (VALUE IS NOT NULL)");
            } else if (t.is(k, "NULL") && !t.is(k - 1, "NOT") && !t.is(k - 1, "IS") && !t.is(k - 1, "DEFAULT")
                    && (t.get(k + 1) == null || t.get(k + 1).kind == SqlLexer.Kind.SEMICOLON || t.is(k + 1, "CHECK")
                    || t.is(k + 1, "CONSTRAINT") || t.is(k + 1, "DEFAULT"))) {
                t.remove(k, k + 1); // NULL: the default
            }
        }
    }

    /**
     * A temporary table is made without committing the transaction around it (H2's TRANSACTIONAL),
     * which a rollback then drops ({@code Transactions}), as PostgreSQL's transactional DDL would.
     * H2 takes the word after the column list and ON COMMIT, before AS.
     */
    private void transactional(int i) {
        int at = t.find(i, t.size(), "AS");
        int open = -1;
        for (int k = i; k < t.size() && (at < 0 || k < at); k++) {
            if (t.get(k).isOpen()) {
                open = k;
                break;
            }
        }
        if (open >= 0) {
            at = t.closing(open) + 1;
            if (t.is(at, "ON") && t.is(at + 1, "COMMIT") && t.is(at + 2, "PRESERVE")) {
                t.remove(at, at + 4); // the default, which H2 has no words for
            } else if (t.is(at, "ON") && t.is(at + 1, "COMMIT")) {
                at += t.is(at + 2, "DELETE") ? 4 : 3;
            }
        } else if (at < 0) {
            return;
        }
        t.insert(at, "TRANSACTIONAL");
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
                StorageParameters.check(t, j + 1, t.closing(j + 1), false);
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
        names.nameConstraints(table, open, t.closing(open));
        deferrable(nameEnd - nameStart > 1 ? t.text(nameStart, nameEnd - 2) + "." : "");
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
        String cols = names.columnsOf(tableEnd);
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
            t.insert(on, StatementRewriter.quoteIdent(table + "_" + cols + "_idx"));
            where += where < 0 ? 0 : 1;
        }
        if (where >= 0) {
            usedLookup = true;
            new PartialIndexes(t, lookup).create(where, after);
        }
    }

    /**
     * [NOT] DEFERRABLE and INITIALLY DEFERRED | IMMEDIATE, which H2 has no words for, leave the
     * statement. A deferrable foreign key keeps them in its comment ({@link DeferrableMark}), written
     * by a statement run after this one, and is checked at COMMIT (Django declares every foreign key
     * DEFERRABLE INITIALLY DEFERRED, and its fixtures load rows before the rows they refer to). Other
     * deferrable constraints (UNIQUE, PRIMARY KEY) are checked at once: stricter, never laxer.
     * Constraints must be named already; {@code schemaPrefix} qualifies their names ("" or "s.").
     */
    private void deferrable(String schemaPrefix) {
        for (int i = 0; i < t.size(); i++) {
            boolean initially = t.is(i, "INITIALLY") && (t.is(i + 1, "DEFERRED") || t.is(i + 1, "IMMEDIATE"));
            if (!t.is(i, "DEFERRABLE") && !initially) {
                continue;
            }
            int from = i;
            int to = i;
            Boolean deferrable = null;
            boolean deferred = false;
            while (true) {
                if (t.is(to, "NOT") && t.is(to + 1, "DEFERRABLE")) {
                    deferrable = false;
                    to += 2;
                } else if (t.is(to, "DEFERRABLE")) {
                    deferrable = deferrable == null || deferrable;
                    to++;
                } else if (t.is(to, "INITIALLY") && (t.is(to + 1, "DEFERRED") || t.is(to + 1, "IMMEDIATE"))) {
                    deferred = t.is(to + 1, "DEFERRED");
                    to += 2;
                } else {
                    break;
                }
            }
            if (from > 0 && t.is(from - 1, "NOT") && t.is(from, "DEFERRABLE")) {
                from--;
                deferrable = false;
            }
            // INITIALLY DEFERRED alone makes a constraint deferrable, as in PostgreSQL
            if (deferred && deferrable == null || Boolean.TRUE.equals(deferrable)) {
                String name = temporaryTable ? null : foreignKeyBefore(from);
                if (name != null) {
                    after.add("COMMENT ON CONSTRAINT " + schemaPrefix + StatementRewriter.quoteIdent(name) + " IS "
                            + SqlQuoting.literal(DeferrableMark.comment(deferred)));
                }
            }
            t.remove(from, to);
            i = from - 1;
        }
    }

    /** The name of the foreign key whose clauses reach token {@code at}, or null if they are another constraint's. */
    private String foreignKeyBefore(int at) {
        for (int j = at - 1; j >= 0; j--) {
            Tok k = t.get(j);
            if (k.isClose()) {
                j = t.opening(j);
                continue;
            }
            if (k.isOpen() || k.isComma()) {
                return null;
            }
            if (k.is("CONSTRAINT") && t.get(j + 1) != null) {
                return t.is(j + 2, "FOREIGN") || t.is(j + 2, "REFERENCES") ? t.get(j + 1).name() : null;
            }
        }
        return null;
    }

    /**
     * A statement that only finds a table (42P01 when there is none) and returns no rows, so that
     * the client sees the ALTER TABLE's own completion: a session variable's assignment in H2.
     */
    private static final String NOTHING_BUT_FIND = "SET @borealis_found = (SELECT 1 FROM ";

    /** ALTER TABLE: ADD PRIMARY KEY, UNIQUE and FOREIGN KEY named, DROP and RENAME of columns, OWNER TO. */
    void alter() {
        if (!t.is(1, "TABLE")) {
            return;
        }
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
                    t.insert(c, "CONSTRAINT " + StatementRewriter.quoteIdent(table + "_pkey"));
                }
            } else if (constraintName == null && (t.is(c, "UNIQUE") || t.is(c, "FOREIGN"))) {
                String cols = names.columnsOf(c);
                String base = table + "_" + cols + (t.is(c, "UNIQUE") ? "_key" : "_fkey");
                // PostgreSQL picks the first free name: t_col_key, then t_col_key1, t_col_key2...
                usedLookup = true;
                String name = base;
                for (int n = 1; lookup.nameTaken(tableRef, name) && n < 1000; n++) {
                    name = base + n;
                }
                t.insert(c, "CONSTRAINT " + StatementRewriter.quoteIdent(name));
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
        deferrable(nameEnd - i > 1 ? t.text(i, nameEnd - 2) + "." : "");
        int owner = t.find(nameEnd, t.size(), "OWNER");
        if (owner > 0 && t.is(owner + 1, "TO")) {
            instead.add(NOTHING_BUT_FIND + tableRef + " WHERE FALSE)");
        }
        if ((t.is(nameEnd, "SET") || t.is(nameEnd, "RESET")) && t.get(nameEnd + 1) != null && t.get(nameEnd + 1).isOpen()) {
            // storage parameters: checked, then nothing to do but find the table
            StorageParameters.check(t, nameEnd + 1, t.closing(nameEnd + 1), t.is(nameEnd, "RESET"));
            instead.add(NOTHING_BUT_FIND + tableRef + " WHERE FALSE)");
        }
    }
}
