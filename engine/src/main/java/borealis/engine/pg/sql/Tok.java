package borealis.engine.pg.sql;

import java.util.Locale;

/** A token being rewritten: its kind, its text, and whether whitespace came before it. */
final class Tok {

    final SqlLexer.Kind kind;
    String text;
    boolean spaceBefore;

    Tok(SqlLexer.Kind kind, String text, boolean spaceBefore) {
        this.kind = kind;
        this.text = text;
        this.spaceBefore = spaceBefore;
    }

    static Tok word(String text) {
        return new Tok(SqlLexer.Kind.WORD, text, true);
    }

    static Tok op(String text) {
        return new Tok(SqlLexer.Kind.OPERATOR, text, true);
    }

    static Tok string(String value) {
        return new Tok(SqlLexer.Kind.STRING, "'" + value.replace("'", "''") + "'", true);
    }

    boolean is(String keyword) {
        return kind == SqlLexer.Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isWord() {
        return kind == SqlLexer.Kind.WORD;
    }

    boolean isName() {
        return kind == SqlLexer.Kind.WORD || kind == SqlLexer.Kind.QUOTED_IDENT;
    }

    boolean isOp(String op) {
        return kind == SqlLexer.Kind.OPERATOR && text.equals(op);
    }

    boolean isDot() {
        return isOp(".");
    }

    boolean isOpen() {
        return kind == SqlLexer.Kind.LPAREN;
    }

    boolean isClose() {
        return kind == SqlLexer.Kind.RPAREN;
    }

    boolean isComma() {
        return kind == SqlLexer.Kind.COMMA;
    }

    boolean isString() {
        return kind == SqlLexer.Kind.STRING;
    }

    /** The identifier this token names, folded as PostgreSQL folds it. */
    String name() {
        // Remembered for the text it was folded from (rewrites may change the text): the rewriters ask
        // each token many times, and folding took 1.6% of a select-only run's SQL CPU.
        if (nameOf != text) {
            name = kind == SqlLexer.Kind.QUOTED_IDENT ? text.substring(1, text.length() - 1).replace("\"\"", "\"")
                    : text.toLowerCase(Locale.ROOT);
            nameOf = text;
        }
        return name;
    }

    private String nameOf;
    private String name;

    /** The value of a string literal ('...', E'...', $$...$$). */
    String stringValue() {
        return StringLiterals.value(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
