package borealis.engine.pg.sql;

import borealis.engine.pg.PartialIndexNaming;
import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code CREATE [UNIQUE] INDEX ... WHERE predicate} and {@code DROP INDEX} of such an index, in
 * H2, which has no partial indexes ({@link PartialIndexNaming}). A plain partial index indexes every
 * row (the same query results); a unique one is a unique index on hidden generated columns that
 * are NULL where the predicate fails. Rows already duplicated among those the predicate selects
 * make the statement fail before any column is added. Each keeps its PostgreSQL definition in the
 * index's comment for the catalog.
 */
final class PartialIndexes {

    private static final String CAT = CatalogNames.SCHEMA;
    /** Key words of predicates, which PostgreSQL prints in upper case. */
    private static final Set<String> PRINTED_UPPER = Set.of("is", "not", "null", "and", "or", "true", "false", "in", "like", "ilike",
            "between", "any", "all", "some", "distinct", "from", "case", "when", "then", "else", "end", "asc", "desc", "nulls",
            "first", "last");

    private final TokenList t;
    private final ColumnLookup lookup;

    PartialIndexes(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    /**
     * The statement {@code CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (cols) WHERE pred}
     * (named, its other clauses gone), WHERE at {@code where}: rewritten in place, with statements
     * to run after it added to {@code after}.
     */
    void create(int where, List<String> after) {
        while (t.size() > where + 1 && t.get(t.size() - 1).kind == SqlLexer.Kind.SEMICOLON) {
            t.remove(t.size() - 1, t.size()); // the predicate runs to the statement's end
        }
        boolean unique = t.is(1, "UNIQUE");
        int on = t.find(0, where, "ON");
        int nameAt = on - 1;
        boolean ifNotExists = t.is(nameAt - 1, "EXISTS");
        int open = on + 1;
        while (open < where && !t.get(open).isOpen()) {
            open++;
        }
        int close = t.closing(open);
        if (open >= where || close >= where || where + 1 >= t.size()) {
            throw new PgException(PgError.error("42601", "syntax error at or near \"WHERE\""));
        }
        String name = t.get(nameAt).name();
        String tableRef = t.text(on + 1, open);
        String schemaPrefix = on + 2 < open ? t.text(on + 1, open - 2) + "." : "";
        String predicate = t.text(where + 1, t.size());
        // sql-built: the index's PostgreSQL definition as a literal, quoted by SqlQuoting
        String comment = "COMMENT ON INDEX " + schemaPrefix + StatementRewriter.quoteIdent(name) + " IS "
                + SqlQuoting.literal(PartialIndexNaming.COMMENT_MARK + display(open, close + 1) + " WHERE (" + display(where + 1, t.size()) + ")");
        boolean exists = ifNotExists && lookup != null && lookup.nameTaken(tableRef, name);
        if (!unique || exists) {
            t.remove(where, t.size());
            if (!exists) {
                after.add(comment);
            }
            return;
        }
        if (lookup == null) {
            throw new PgException(PgError.error("0A000", "unique partial indexes are not supported by Borealis here"));
        }
        Set<String> taken = new HashSet<>(lookup.allColumnNames(tableRef));
        if (taken.isEmpty()) {
            throw new PgException(PgError.error("42P01", "relation \"" + t.get(open - 1).name() + "\" does not exist"));
        }
        List<String> columns = columns(open, close);
        List<String> statements = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (String column : columns) {
            String type = lookup.columnType(tableRef, column);
            if (type == null) {
                throw new PgException(PgError.error("42703", "column \"" + column + "\" does not exist"));
            }
            // a varchar's copy without its length: widening the column later must not make the copy too short
            type = type.replaceFirst("^CHARACTER VARYING\\(\\d+\\)$", "CHARACTER VARYING");
            int n = 1;
            while (taken.contains(PartialIndexNaming.hidden(column, n))) {
                n++;
            }
            String h = PartialIndexNaming.hidden(column, n);
            taken.add(h);
            hidden.add(StatementRewriter.quoteIdent(h));
            // sql-built: the client's own tokens (table, predicate), re-lexed and rewritten as the rest of the statement is
            statements.add("ALTER TABLE " + tableRef + " ADD COLUMN " + StatementRewriter.quoteIdent(h) + " " + type
                    + " INVISIBLE GENERATED ALWAYS AS (CASE WHEN (" + predicate + ") THEN " + StatementRewriter.quoteIdent(column) + " END)");
        }
        String quotedColumns = String.join(", ", columns.stream().map(StatementRewriter::quoteIdent).toList());
        String notNull = String.join(" AND ", columns.stream().map(c -> StatementRewriter.quoteIdent(c) + " IS NOT NULL").toList());
        String keyText = String.join(", ', ', ", columns.stream().map(c -> "CAST(" + StatementRewriter.quoteIdent(c) + " AS VARCHAR)").toList())
                + ", ''";
        // sql-built: the client's predicate and table as tokens; names quoted by quoteIdent, the index name by SqlQuoting
        String check = "SET @borealis_partial_check = " + CAT + ".unique_index_check(" + SqlQuoting.literal(name) + ", "
                + SqlQuoting.literal(String.join(", ", columns)) + ", (SELECT CONCAT(" + keyText + ") FROM " + tableRef + " WHERE ("
                + predicate + ") AND " + notNull + " GROUP BY " + quotedColumns + " HAVING COUNT(*) > 1 LIMIT 1))";
        statements.add(0, check);
        statements.add("CREATE UNIQUE INDEX " + (ifNotExists ? "IF NOT EXISTS " : "") + StatementRewriter.quoteIdent(name) + " ON "
                + tableRef + " (" + String.join(", ", hidden) + ")");
        t.replace(0, t.size(), String.join("; ", statements));
        after.add(comment);
    }

    /**
     * Tokens as PostgreSQL prints an index definition, as far as tokens tell: key words in upper
     * case, names quoted only where they must be ({@code WHERE (deleted_at IS NULL)}).
     */
    private String display(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to && i < t.size(); i++) {
            Tok k = t.get(i);
            if (sb.length() > 0 && k.spaceBefore) {
                sb.append(' ');
            }
            if (k.isWord() && PRINTED_UPPER.contains(k.name()) && !(i > from && t.get(i - 1).isDot())) {
                sb.append(k.text.toUpperCase(Locale.ROOT));
            } else if (k.isName() && !(t.get(i + 1) != null && t.get(i + 1).isOpen())) {
                sb.append(SqlQuoting.displayIdentifier(k.name()));
            } else {
                sb.append(k.text);
            }
        }
        return sb.toString();
    }

    /**
     * {@code AND (pred) AND (pred)}: the arbiter index's predicate (tokens [from, to) of {@code ON
     * CONFLICT (cols) WHERE pred}) on the existing row ({@code target}) and on the proposed one
     * ({@code proposed}, which has the {@code inserted} columns), its bare column names qualified by
     * each. The proposed row's test needs every column it reads among the inserted ones; where one
     * is left to its default, the proposed row is taken to match (as a live row inserted under a
     * soft-delete index does: deleted_at left NULL).
     */
    static String arbiterCondition(TokenList t, int from, int to, String target, String proposed, List<String> inserted) {
        Set<String> names = new HashSet<>();
        for (String c : inserted) {
            names.add(c.startsWith("\"") ? c.substring(1, c.length() - 1).replace("\"\"", "\"") : c.toLowerCase(Locale.ROOT));
        }
        boolean proposedKnown = true;
        for (int i = from; i < to; i++) {
            proposedKnown &= !isColumn(t, from, i) || names.contains(t.get(i).name());
        }
        return " AND (" + qualified(t, from, to, target) + ")" + (proposedKnown ? " AND (" + qualified(t, from, to, proposed) + ")" : "");
    }

    private static boolean isColumn(TokenList t, int from, int i) {
        Tok k = t.get(i);
        return k.isName() && !PRINTED_UPPER.contains(k.name()) && !(t.get(i + 1) != null && (t.get(i + 1).isOpen()
                || t.get(i + 1).isDot())) && !(i > from && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::")));
    }

    private static String qualified(TokenList t, int from, int to, String qualifier) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (sb.length() > 0 && k.spaceBefore) {
                sb.append(' ');
            }
            sb.append(isColumn(t, from, i) ? qualifier + "." + k.text : k.text);
        }
        return sb.toString();
    }

    /** The plain column names of a unique partial index's key; an expression or an operator class is refused. */
    private List<String> columns(int open, int close) {
        List<String> out = new ArrayList<>();
        List<Integer> starts = t.splitCommas(open + 1, close);
        for (int k = 0; k + 1 < starts.size(); k++) {
            int s = starts.get(k);
            int e = starts.get(k + 1) - 1;
            int end = s + 1;
            if (t.is(end, "ASC") || t.is(end, "DESC")) {
                end++;
            }
            if (t.is(end, "NULLS") && (t.is(end + 1, "FIRST") || t.is(end + 1, "LAST"))) {
                end += 2;
            }
            if (!t.get(s).isName() || end != e) {
                throw new PgException(PgError.error("0A000",
                        "unique partial indexes on expressions are not supported by Borealis (index columns only)"));
            }
            out.add(t.get(s).name());
        }
        return out;
    }

    /**
     * {@code DROP INDEX [IF EXISTS] name [CASCADE | RESTRICT]} of a unique partial index: its hidden
     * columns go (and the index with them). Returns the statements to run instead, or null.
     */
    List<String> drop() {
        while (t.size() > 3 && t.get(t.size() - 1).kind == SqlLexer.Kind.SEMICOLON) {
            t.remove(t.size() - 1, t.size());
        }
        int i = 2;
        if (t.is(i, "CONCURRENTLY")) {
            i++;
        }
        if (t.is(i, "IF") && t.is(i + 1, "EXISTS")) {
            i += 2;
        }
        int end = i + 1;
        while (t.get(end) != null && t.get(end).isDot()) {
            end += 2;
        }
        boolean single = end == t.size() || end + 1 == t.size() && (t.is(end, "CASCADE") || t.is(end, "RESTRICT"));
        if (lookup == null || !single || t.get(end - 1) == null) {
            return null;
        }
        ColumnLookup.HiddenColumns hidden = lookup.partialIndexColumns(t.text(i, end));
        if (hidden == null) {
            return null;
        }
        List<String> drops = new ArrayList<>();
        drops.add("DROP INDEX " + SqlQuoting.qualified(hidden.schema(), t.get(end - 1).name()));
        for (String c : hidden.columns()) {
            drops.add("ALTER TABLE " + SqlQuoting.qualified(hidden.schema(), hidden.table()) + " DROP COLUMN " + SqlQuoting.identifier(c));
        }
        return drops;
    }

    /** The statements that drop the unique partial indexes reading {@code column} (its key or its predicate), with their hidden columns. */
    static List<String> dropReading(ColumnLookup lookup, String tableRef, String column) {
        List<String> out = new ArrayList<>();
        if (lookup == null) {
            return out;
        }
        for (String index : lookup.partialIndexesReading(tableRef, column)) {
            ColumnLookup.HiddenColumns hidden = lookup.partialIndexColumns(index);
            if (hidden == null) {
                continue;
            }
            out.add("DROP INDEX " + index); // sql-built: quoted by SqlQuoting in the lookup
            for (String c : hidden.columns()) {
                out.add("ALTER TABLE " + SqlQuoting.qualified(hidden.schema(), hidden.table()) + " DROP COLUMN " + SqlQuoting.identifier(c));
            }
        }
        return out;
    }

    /** A renamed column's hidden columns follow its name (they name the column they stand for). */
    static List<String> renameHidden(ColumnLookup lookup, String tableRef, String from, String to) {
        List<String> out = new ArrayList<>();
        if (lookup == null) {
            return out;
        }
        for (String c : lookup.allColumnNames(tableRef)) {
            String base = PartialIndexNaming.base(c);
            if (from.equals(base)) {
                String n = c.substring(base.length()); // _borealis_partial<n>
                out.add("ALTER TABLE " + tableRef + " ALTER COLUMN " + StatementRewriter.quoteIdent(c) + " RENAME TO "
                        + StatementRewriter.quoteIdent(to + n));
            }
        }
        return out;
    }

    static boolean isDropIndex(TokenList t) {
        return t.is(0, "DROP") && t.is(1, "INDEX") && t.size() > 2 && !t.get(2).text.toUpperCase(Locale.ROOT).equals("(");
    }
}
