package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.ArrayList;
import java.util.List;

/**
 * INSERT, UPDATE and DELETE as H2 takes them: INSERT ... ON CONFLICT as MERGE (or H2's own ON
 * CONFLICT DO NOTHING), DELETE ... USING as a WHERE EXISTS, and RETURNING as a query of the
 * statement's data-change delta table.
 */
final class ModifyingStatements {

    private final TokenList t;
    private final ColumnLookup lookup;
    boolean usedLookup;
    /** The statement is an INSERT ... ON CONFLICT DO UPDATE ({@link Translation#upsert}). */
    boolean upsert;
    /** An upsert's conflict columns as written. */
    List<String> conflictTarget = List.of();

    ModifyingStatements(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    /** UPDATE ... RETURNING. */
    void update() {
        subscriptTargets();
        returning("FINAL");
    }

    /**
     * {@code SET a[0] = x}: PostgreSQL extends the array downwards (its lower bound becomes 0); H2's
     * arrays start at 1 and it failed with an internal error. Refused here, clearly.
     */
    private void subscriptTargets() {
        int set = t.find(0, t.size(), "SET");
        if (set < 0) {
            return;
        }
        for (int i = set + 2; i + 3 < t.size(); i++) {
            if (!t.get(i).isOp("[") || !t.get(i - 1).isName() || !(t.get(i - 2).isComma() || i - 2 == set)) {
                continue;
            }
            if (!t.is(i + 1, "NULL") && jsonColumn(t.get(i - 1).name()) && jsonbAssignment(i - 1)) {
                continue;
            }
            if (t.is(i + 1, "NULL") && t.get(i + 2) != null && t.get(i + 2).isOp("]")) {
                // PostgreSQL: "array subscript ..." or "jsonb subscript in assignment must not be null" (H2: an internal error)
                throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("22004",
                        (jsonColumn(t.get(i - 1).name()) ? "jsonb" : "array") + " subscript in assignment must not be null"));
            }
            boolean negative = t.get(i + 1).isOp("-");
            Tok n = t.get(negative ? i + 2 : i + 1);
            if (n != null && n.kind == SqlLexer.Kind.NUMBER && (negative || n.text.matches("0+"))) {
                throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("0A000",
                        "array subscripts below 1 are not supported by Borealis: its arrays start at 1"));
            }
        }
    }

    /**
     * {@code SET doc[k1][k2]... = v} of a jsonb column (PostgreSQL 14's subscripting): the column
     * becomes {@code jsonb_subscript_set(doc, path, kinds, v)}, which creates what the path lacks
     * (an object for a text subscript, an array for an integer one, nulls filling a gap). A
     * subscript's kind comes from what it is: a number, a string, or a column of the table.
     * Returns false (nothing changed) when a subscript is neither.
     */
    private boolean jsonbAssignment(int column) {
        List<String> steps = new ArrayList<>();
        StringBuilder kinds = new StringBuilder();
        int i = column + 1;
        while (t.get(i) != null && t.get(i).isOp("[")) {
            int close = t.closingBracket(i);
            boolean negative = t.get(i + 1).isOp("-");
            Tok first = t.get(negative ? i + 2 : i + 1);
            int end = negative ? i + 3 : i + 2;
            if (first.kind == SqlLexer.Kind.NUMBER && end == close) {
                if (!first.text.chars().allMatch(Character::isDigit)) {
                    throw new PgException(new PgError("ERROR", "42804", "subscript type numeric is not supported", null,
                            "jsonb subscript must be coercible to either integer or text."));
                }
                kinds.append('i');
            } else if (first.isString() && i + 2 == close) {
                kinds.append('t');
            } else if (first.isName() && i + 2 == close) {
                String type = typeOf(first.name());
                kinds.append(type != null && (type.contains("INT") || type.equals("SMALLINT")) ? 'i' : 't');
            } else {
                return false;
            }
            steps.add("CAST(" + t.text(i + 1, close) + " AS VARCHAR)");
            i = close + 1;
        }
        if (steps.isEmpty() || !t.get(i).isOp("=")) {
            return false;
        }
        int valueEnd = i + 1;
        while (t.get(valueEnd) != null && !t.get(valueEnd).isComma() && !t.is(valueEnd, "WHERE") && !t.is(valueEnd, "FROM")
                && !t.is(valueEnd, "RETURNING") && t.get(valueEnd).kind != SqlLexer.Kind.SEMICOLON) {
            valueEnd = t.get(valueEnd).isOpen() ? t.closing(valueEnd) + 1 : valueEnd + 1;
        }
        String name = t.get(column).text;
        String call = CatalogNames.SCHEMA + ".jsonb_subscript_set(" + name + ", ARRAY[" + String.join(", ", steps) + "], "
                + SqlQuoting.literal(kinds.toString()) + ", " + t.text(i + 1, valueEnd) + ")";
        t.replace(column, valueEnd, name + " = CAST((" + call + " FORMAT JSON) AS " + Casts.JSONB_H2 + ")");
        return true;
    }

    /** The engine type of a column of the UPDATE's table, or null. */
    private String typeOf(String column) {
        if (lookup == null || t.get(1) == null || !t.get(1).isName()) {
            return null;
        }
        for (var e : lookup.columnTypes(t.get(1).name()).entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue().toUpperCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }

    /** Whether the UPDATE's target column is a JSON document (its subscripts are jsonb's). */
    private boolean jsonColumn(String column) {
        if (lookup == null || !t.is(0, "UPDATE") || t.get(1) == null || !t.get(1).isName()) {
            return false;
        }
        usedLookup = true;
        for (var e : lookup.columnTypes(t.get(1).name()).entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue().toUpperCase(java.util.Locale.ROOT).startsWith("JSON");
            }
        }
        return false;
    }

    /** DELETE ... [USING ...] [RETURNING ...]. */
    void delete() {
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

    /** INSERT ... [ON CONFLICT ...] [RETURNING ...]. */
    void insert() {
        targetAlias();
        shortRows();
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

    /**
     * {@code INSERT INTO t AS a ...}: H2 takes no alias there, so it goes and each {@code a.} that
     * qualifies a column (ON CONFLICT's WHERE and SET, RETURNING a.*) names the table instead.
     */
    private void targetAlias() {
        if (!(t.is(0, "INSERT") && t.is(1, "INTO")) || t.get(2) == null || !t.get(2).isName()) {
            return;
        }
        int last = 2;
        while (t.get(last + 1) != null && t.get(last + 1).isDot() && t.get(last + 2) != null && t.get(last + 2).isName()) {
            last += 2;
        }
        if (!t.is(last + 1, "AS") || t.get(last + 2) == null || !t.get(last + 2).isName()) {
            return;
        }
        String alias = t.get(last + 2).name();
        String table = t.get(last).text;
        t.remove(last + 1, last + 3);
        for (int i = last + 1; i + 1 < t.size(); i++) {
            if (t.get(i).isName() && t.get(i + 1).isDot() && t.get(i).name().equals(alias) && !t.get(i - 1).isDot()) {
                t.get(i).text = table;
            }
        }
    }

    /**
     * {@code INSERT INTO t VALUES (...)} without a column list and with fewer values than t has
     * columns: PostgreSQL gives the rest their defaults, H2 wants a value for each ("Column count
     * does not match"). The column list of as many leading columns is written in.
     */
    private void shortRows() {
        String table = insertTarget();
        if (table == null || lookup == null) {
            return;
        }
        int i = 3;
        while (t.get(i) != null && t.get(i).isDot()) {
            i += 2;
        }
        int values = t.is(i, "AS") ? i + 2 : i;
        if (!t.is(values, "VALUES")) {
            return;
        }
        int end = t.findAny(values + 1, t.size(), "ON", "RETURNING");
        List<Integer> rows = t.splitCommas(values + 1, end < 0 ? t.size() : end);
        int width = -1;
        for (int r = 0; r + 1 < rows.size(); r++) {
            int open = rows.get(r);
            if (t.get(open) == null || !t.get(open).isOpen()) {
                return;
            }
            int n = t.splitCommas(open + 1, t.closing(open)).size() - 1;
            if (width >= 0 && n != width) {
                throw new PgException(PgError.error("42601", "VALUES lists must all be the same length"));
            }
            width = n;
        }
        usedLookup = true;
        List<String> columns = new ArrayList<>(lookup.columnTypes(table).keySet());
        if (!columns.isEmpty() && width > columns.size()) {
            throw new PgException(PgError.error("42601", "INSERT has more expressions than target columns"));
        }
        if (width <= 0 || width >= columns.size()) {
            return;
        }
        List<String> quoted = new ArrayList<>();
        for (String c : columns.subList(0, width)) {
            quoted.add(SqlQuoting.identifier(c));
        }
        t.insert(values, "(" + String.join(", ", quoted) + ")");
    }

    /** The table an INSERT writes (as written, maybe qualified), or null. */
    private String insertTarget() {
        if (!t.is(0, "INSERT") || !t.is(1, "INTO")) {
            return null;
        }
        int last = 2;
        while (t.get(last + 1) != null && t.get(last + 1).isDot() && t.get(last + 2) != null && t.get(last + 2).isName()) {
            last += 2;
        }
        return t.get(2) != null && t.get(2).isName() ? t.text(2, last + 1) : null;
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
        } else if (t.is(i, "ON") && t.is(i + 1, "CONSTRAINT") && t.get(i + 2) != null && t.get(i + 2).isName()) {
            // ON CONSTRAINT name: the constraint's columns, as if written (PostgreSQL infers the same arbiter)
            String table = insertTarget();
            String name = t.get(i + 2).name();
            List<String> columns = lookup == null || table == null ? null : lookup.uniqueConstraintColumns(table, name);
            usedLookup = true;
            if (columns == null) {
                throw new PgException(PgError.error("42704", "constraint \"" + name + "\" for table \""
                        + (table == null ? "?" : table.replace("\"", "")) + "\" does not exist"));
            }
            t.replace(i, i + 3, "(" + String.join(", ", columns) + ")");
            onConflict(on);
            return;
        }
        if (!t.is(i, "DO")) {
            return;
        }
        arbiterExists(target, arbiterWhere > 0, on);
        // DO NOTHING with an arbiter skips only conflicts on it (a MERGE with no WHEN MATCHED);
        // H2's own ON CONFLICT DO NOTHING skipped a conflict on any unique key, where PostgreSQL
        // raises 23505 for the others: the row was silently not inserted (INSERT 0 0).
        boolean nothing = t.is(i + 1, "NOTHING");
        // (an arbiter with expressions or a partial index's WHERE stays H2's, as before: the MERGE
        // form reads plain columns, and a partial arbiter's predicate made it skip what it must not)
        if (nothing && (target.isEmpty() || defaultValues(on) || arbiterWhere > 0 || !plainColumns(on + 2))) {
            t.remove(on + 2, i); // H2 knows ON CONFLICT DO NOTHING without a target
            return;
        }
        if (!nothing && (!t.is(i + 1, "UPDATE") || !t.is(i + 2, "SET"))) {
            return;
        }
        if (target.isEmpty()) {
            throw new PgException(PgError.error("42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name"));
        }
        int ret = t.find(i, t.size(), "RETURNING");
        int end = ret > 0 ? ret : t.size();
        int where = nothing ? -1 : t.find(i + 3, end, "WHERE");
        String assignments = nothing ? null : t.text(i + 3, where > 0 ? where : end);
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
        if (!nothing) {
            sb.append(" WHEN MATCHED");
            if (condition != null) {
                sb.append(" AND (").append(condition).append(')');
            }
            sb.append(" THEN UPDATE SET ").append(assignments);
        }
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

    /** Whether the conflict target in parentheses at {@code open} lists plain columns only. */
    private boolean plainColumns(int open) {
        if (t.get(open) == null || !t.get(open).isOpen()) {
            return false;
        }
        int close = t.closing(open);
        for (int k = open + 1; k < close; k++) {
            Tok tok = t.get(k);
            if (!(tok.isName() && (t.get(k - 1).isOpen() || t.get(k - 1).isComma())) && !tok.isComma()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the INSERT's source (before ON at {@code on}) is DEFAULT VALUES. */
    private boolean defaultValues(int on) {
        return on >= 2 && t.is(on - 2, "DEFAULT") && t.is(on - 1, "VALUES");
    }

    /**
     * ON CONFLICT (cols) needs a unique index over exactly those columns to arbitrate, as in
     * PostgreSQL (42P10 otherwise); without it the statement would upsert on columns that are not a
     * key. A partial unique index is inferred only with a WHERE (whose implication of the index's
     * predicate is not checked here). Targets with expressions are left to the engine.
     */
    private void arbiterExists(List<String> target, boolean withWhere, int on) {
        if (target.isEmpty() || lookup == null || t.get(on + 2) == null || !t.get(on + 2).isOpen()) {
            return;
        }
        int close = t.closing(on + 2);
        java.util.Set<String> wanted = new java.util.HashSet<>();
        for (int k = on + 3; k < close; k++) {
            Tok tok = t.get(k);
            if (tok.isOpen() || tok.isName() && !(t.get(k - 1).isOpen() || t.get(k - 1).isComma())) {
                return; // an expression, an opclass or a collation: not checked
            }
            if (tok.isName()) {
                wanted.add(tok.name());
            }
        }
        String table = insertTarget();
        List<java.util.Set<String>> keys = table == null ? null : lookup.uniqueKeys(table);
        usedLookup = true;
        if (keys == null) {
            return;
        }
        for (java.util.Set<String> key : keys) {
            if (key.equals(wanted) || key == ColumnLookup.PARTIAL_KEY && withWhere) {
                return;
            }
        }
        throw new PgException(PgError.error("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification"));
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
