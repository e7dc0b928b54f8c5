package borealis.engine.pg.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Key words as names after AS. PostgreSQL takes any key word as a column label or alias after AS
 * ({@code ix.indisprimary AS primary, ix.indisunique AS unique}: Sequelize's index query); H2
 * refuses its reserved words there. Such a label is written as the quoted lower-case name, which
 * is the name PostgreSQL gives it (an unquoted name folds to lower case).
 */
final class KeywordLabels {

    /**
     * Words H2 reserves that PostgreSQL reads as a plain label after AS. Words that may follow AS
     * in other constructs stay out: SELECT, TABLE, VALUES, WITH (CREATE ... AS query), INTERVAL and
     * ARRAY (CAST types), NOT (WITH x AS NOT MATERIALIZED), ROW.
     */
    private static final Set<String> LABELS = Set.of("ALL", "AND", "ANY", "ASYMMETRIC", "AUTHORIZATION", "BETWEEN", "BOTH", "CASE",
            "CAST", "CHECK", "CONSTRAINT", "CROSS", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_PATH", "CURRENT_ROLE",
            "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DISTINCT", "ELSE", "END", "EXCEPT",
            "EXISTS", "FALSE", "FETCH", "FOR", "FOREIGN", "FROM", "FULL", "GROUP", "HAVING", "IF", "ILIKE", "IN", "INNER", "INTERSECT",
            "IS", "JOIN", "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NATURAL", "NULL", "OFFSET", "ON", "OR",
            "ORDER", "OVER", "PRIMARY", "RIGHT", "SESSION_USER", "SET", "SOME", "SYMMETRIC", "SYSTEM_USER", "TO", "TRAILING", "TRUE",
            "UNION", "UNIQUE", "USER", "USING", "WHEN", "WHERE", "WINDOW");

    private KeywordLabels() {}

    static void apply(TokenList t) {
        // QUALIFY is no key word in PostgreSQL, so every one is a name. H2 may not be told it is a
        // non-key word: it writes the conditions it pushes into a derived table with window
        // functions as a QUALIFY clause and parses that again (a join of such a table failed, 42001).
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isWord() && t.get(i).text.equalsIgnoreCase("QUALIFY")) {
                boolean space = t.get(i).spaceBefore;
                t.replace(i, i + 1, SqlQuoting.identifier("qualify"));
                t.get(i).spaceBefore = space;
            }
        }
        // INTERVAL names a column where no literal, precision or qualifier follows (date_bin's tests
        // select from VALUES ... AS t(str, interval)): H2 reads a type there, so the name is quoted.
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            Tok after = t.get(i + 1);
            Tok before = i > 0 ? t.get(i - 1) : null;
            // (after a name it is a column's type: f1 interval)
            if (k.isWord() && k.text.equalsIgnoreCase("INTERVAL") && (before == null || before.isComma() || before.isOpen()
                    || before.is("SELECT") || before.is("BY") || before.kind == SqlLexer.Kind.OPERATOR && !before.isOp("::"))
                    && (after == null || after.isComma() || after.isClose() || after.isOp("::") || after.kind == SqlLexer.Kind.SEMICOLON
                    || after.is("FROM"))) {
                boolean space = k.spaceBefore;
                t.replace(i, i + 1, SqlQuoting.identifier("interval"));
                t.get(i).spaceBefore = space;
            }
        }
        for (int i = 0; i + 1 < t.size(); i++) {
            if (!t.is(i, "AS")) {
                continue;
            }
            Tok label = t.get(i + 1);
            Tok after = t.get(i + 2);
            if (label.isWord() && LABELS.contains(label.text.toUpperCase(Locale.ROOT))
                    && (after == null || !(after.isDot() || after.kind == SqlLexer.Kind.OPERATOR))) {
                t.replace(i + 1, i + 2, SqlQuoting.identifier(label.text.toLowerCase(Locale.ROOT)));
                t.get(i + 1).spaceBefore = true;
            }
        }
    }
}
