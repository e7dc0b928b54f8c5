package borealis.engine.pg.plpgsql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlLexer;
import java.util.List;
import java.util.Locale;

/**
 * {@code DO [LANGUAGE lang] code}: an anonymous code block. Only PL/pgSQL is a language here (the
 * one PostgreSQL installs by default); its code, a string constant in any of PostgreSQL's forms
 * ('...', E'...', $$...$$), is read by {@link BlockParser} and run by {@link BlockRunner}.
 */
public final class DoStatement {

    private DoStatement() {}

    /** The block a DO statement holds; a PostgreSQL error if the statement or its code is not one Borealis can run. */
    public static PlStatement.Block parse(String sql) {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        if (t.isEmpty() || !t.get(0).is("DO")) {
            throw new IllegalArgumentException("not a DO statement");
        }
        String code = null;
        String language = "plpgsql";
        for (int i = 1; i < t.size(); i++) {
            SqlLexer.Token k = t.get(i);
            if (k.is("LANGUAGE") && i + 1 < t.size()) {
                language = name(t.get(++i));
            } else if (k.kind() == SqlLexer.Kind.STRING && code == null) {
                code = SqlLexer.stringValue(k.text());
            } else if (k.kind() != SqlLexer.Kind.SEMICOLON) {
                throw new PgException(PgError.error("42601", "syntax error at or near \"" + k.text() + "\""));
            }
        }
        if (code == null) {
            throw new PgException(PgError.error("42601", "no inline code specified"));
        }
        if (!language.equals("plpgsql")) {
            if (language.equals("sql") || language.equals("c") || language.equals("internal")) {
                throw new PgException(PgError.error("0A000", "language \"" + language + "\" does not support inline code execution"));
            }
            throw new PgException(new PgError("ERROR", "42704", "language \"" + language + "\" does not exist", null,
                    "Borealis runs anonymous code blocks in plpgsql only."));
        }
        return BlockParser.parse(code);
    }

    /** A language name: a word (folded to lower case), a quoted identifier, or a string. */
    private static String name(SqlLexer.Token k) {
        return switch (k.kind()) {
            case WORD -> k.text().toLowerCase(Locale.ROOT);
            case QUOTED_IDENT -> k.text().substring(1, k.text().length() - 1).replace("\"\"", "\"");
            case STRING -> SqlLexer.stringValue(k.text());
            default -> throw new PgException(PgError.error("42601", "syntax error at or near \"" + k.text() + "\""));
        };
    }
}
