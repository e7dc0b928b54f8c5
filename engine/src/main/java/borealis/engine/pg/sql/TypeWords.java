package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;

/**
 * PostgreSQL type names where a type is expected (after {@code ::}, after AS in CAST, and in
 * column definitions of DDL) as H2 names the type: {@code int[]} as {@code INT ARRAY}, and the
 * names H2 lacks or reads otherwise ({@link TypeNames}).
 */
final class TypeWords {

    private final TokenList t;
    /** The statement defines columns (CREATE TABLE, ALTER TABLE ADD), where type names follow column names. */
    private final boolean ddl;

    TypeWords(TokenList t, boolean ddl) {
        this.t = t;
        this.ddl = ddl;
    }

    /** int[] becomes INT ARRAY. */
    void arrayTypeSuffixes() {
        for (int i = 1; i + 1 < t.size(); i++) {
            // int[][] is INT ARRAY ARRAY; but ARRAY[] after "(", ",", "=" or DEFAULT is the empty
            // array constructor that '{}'::t[] and '{}' assigned to an array column become
            boolean constructor = t.get(i - 1).is("ARRAY") && !(i >= 2 && (t.get(i - 2).isName() && !t.get(i - 2).is("DEFAULT")
                    || t.get(i - 2).isClose()));
            if (t.get(i).isOp("[") && t.get(i + 1).isOp("]") && (t.get(i - 1).isName() && !constructor || t.get(i - 1).isClose())) {
                t.replace(i, i + 2, java.util.List.of(Tok.word("ARRAY")));
            }
        }
    }

    /** PostgreSQL type names H2 does not know, where a type is expected (after :: or AS in CAST, and in DDL). */
    void typeWords() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord()) {
                continue;
            }
            boolean intervalArray = t.get(i + 1) != null && t.get(i + 1).is("ARRAY");
            if (k.is("INTERVAL") && (ddl && isColumnDefinition(i) && !(t.get(i + 1) != null && t.get(i + 1).isWord() && !intervalArray)
                    || intervalArray && i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)))) {
                k.text = "INTERVAL DAY TO SECOND";
                continue;
            }
            if (k.is("TIME") && !(t.get(i + 1) != null && t.get(i + 1).isOpen())
                    && (ddl && isColumnDefinition(i) || i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)))) {
                // PostgreSQL's time keeps microseconds; H2's defaults to whole seconds (a cast to it too)
                k.text = "TIME(6)";
                continue;
            }
            if (k.is("text") && i > 0 && t.get(i - 1).is("AS") && insideCast(i) && t.get(i + 1) != null && t.get(i + 1).isClose()) {
                k.text = PgType.TEXT_COLUMN; // CAST(x AS text) is described as text, as x::text is
                continue;
            }
            String h2 = TypeNames.h2(k.text);
            if (h2 == null || (i > 0 && t.get(i - 1).isDot()) || (t.get(i + 1) != null && (t.get(i + 1).isDot() || t.get(i + 1).isOpen()
                    && !k.is("timestamptz") && !k.is("timetz")))) {
                continue;
            }
            boolean typePosition = i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)
                    || ddl && (t.get(i - 1).is("TYPE") || isColumnDefinition(i)));
            if (!typePosition) {
                continue;
            }
            if ((k.is("timestamptz") || k.is("timetz")) && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                int close = t.closing(i + 1);
                String precision = t.text(i + 1, close + 1);
                t.replace(i, close + 1, (k.is("timestamptz") ? "TIMESTAMP" : "TIME") + precision + " WITH TIME ZONE");
            } else {
                t.replace(i, i + 1, k.is("timetz") ? "TIME(6) WITH TIME ZONE" : h2);
            }
        }
    }

    /** Whether token i is inside CAST( ... ). */
    private boolean insideCast(int i) {
        int depth = 0;
        for (int j = i - 1; j >= 0; j--) {
            if (t.get(j).isClose()) {
                depth++;
            } else if (t.get(j).isOpen()) {
                if (depth == 0) {
                    return j > 0 && t.get(j - 1).is("CAST");
                }
                depth--;
            }
        }
        return false;
    }

    /** Whether token i follows a column name inside CREATE TABLE (...) or ADD [COLUMN] name. */
    private boolean isColumnDefinition(int i) {
        Tok prev = t.get(i - 1);
        Tok prev2 = t.get(i - 2);
        if (prev == null || !prev.isName() || prev2 == null) {
            return false;
        }
        return prev2.isOpen() || prev2.isComma() || prev2.is("COLUMN") || prev2.is("ADD");
    }
}
