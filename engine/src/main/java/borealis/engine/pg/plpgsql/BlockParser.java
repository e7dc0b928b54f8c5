package borealis.engine.pg.plpgsql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of an anonymous code block into {@link PlStatement}s. The whole body is read
 * before anything runs, as PostgreSQL compiles it first: a syntax error, an unknown condition name
 * or a construct outside the subset fails the DO with nothing executed.
 *
 * <p>The subset: {@code [DECLARE] BEGIN stmt; ... [EXCEPTION WHEN cond [OR cond] THEN stmt; ...]
 * END}, where a statement is {@code NULL}, a nested block, or any SQL statement (its text up to the
 * next semicolon outside parentheses, as PL/pgSQL delimits it). Every other PL/pgSQL statement
 * (IF, LOOP, RAISE, PERFORM, EXECUTE, assignments...) and variables are refused with 0A000 naming
 * the construct: accepting them without running them would silently do the wrong thing.
 */
final class BlockParser {

    /** PL/pgSQL statements outside the subset, recognised by their first word. */
    private static final Set<String> UNSUPPORTED = Set.of("IF", "ELSIF", "ELSEIF", "CASE", "LOOP", "WHILE", "FOR", "FOREACH",
            "EXIT", "CONTINUE", "RETURN", "RAISE", "ASSERT", "PERFORM", "EXECUTE", "GET", "OPEN", "FETCH", "MOVE", "CLOSE",
            "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE");

    private final String body;
    private final List<SqlLexer.Token> t;
    private int i;

    private BlockParser(String body) {
        this.body = body;
        this.t = SqlLexer.code(body);
    }

    /** The block a DO's code holds: one block, optionally followed by a semicolon. */
    static PlStatement.Block parse(String body) {
        BlockParser p = new BlockParser(body);
        PlStatement.Block block = p.block();
        if (p.peekIs(";")) {
            p.i++;
        }
        if (p.i < p.t.size()) {
            throw p.syntaxError();
        }
        return block;
    }

    private PlStatement.Block block() {
        if (peek() != null && peek().text().equals("<<")) {
            throw unsupported("block labels (<<label>>) are");
        }
        if (take("DECLARE")) {
            if (!peekIs("BEGIN")) {
                throw unsupported("variables (declarations after DECLARE) are");
            }
        }
        expect("BEGIN");
        List<PlStatement> body = statements(false);
        List<PlStatement.Handler> handlers = new ArrayList<>();
        if (take("EXCEPTION")) {
            if (!peekIs("WHEN")) {
                throw syntaxError();
            }
            while (take("WHEN")) {
                List<String> conditions = new ArrayList<>();
                do {
                    conditions.add(condition());
                } while (take("OR"));
                expect("THEN");
                handlers.add(new PlStatement.Handler(List.copyOf(conditions), statements(true)));
            }
        }
        expect("END");
        SqlLexer.Token label = peek();
        if (label != null && (label.kind() == SqlLexer.Kind.WORD || label.kind() == SqlLexer.Kind.QUOTED_IDENT)) {
            throw new PgException(PgError.error("42601", "end label \"" + label.text() + "\" specified for unlabeled block"));
        }
        return new PlStatement.Block(List.copyOf(body), List.copyOf(handlers));
    }

    /** Statements up to END, EXCEPTION (a block's body) or WHEN (a handler's body). */
    private List<PlStatement> statements(boolean inHandler) {
        List<PlStatement> out = new ArrayList<>();
        while (true) {
            SqlLexer.Token k = peek();
            if (k == null) {
                throw syntaxError();
            }
            if (k.is("END") || k.is("EXCEPTION") && !inHandler || k.is("WHEN") && inHandler) {
                return out;
            }
            if (k.is("EXCEPTION") || k.is("WHEN")) {
                throw syntaxError(); // a handler's body has no EXCEPTION section; WHEN starts a handler only there
            }
            out.add(statement());
        }
    }

    private PlStatement statement() {
        SqlLexer.Token k = peek();
        if (k.is("BEGIN") || k.is("DECLARE") || k.text().equals("<<")) {
            PlStatement.Block nested = block();
            expect(";");
            return nested;
        }
        if (k.is("NULL") && peekIs(1, ";")) {
            i += 2;
            return new PlStatement.Null();
        }
        if (k.kind() == SqlLexer.Kind.SEMICOLON) {
            throw syntaxError();
        }
        if (UNSUPPORTED.contains(k.keyword())) {
            throw unsupported("statement " + k.keyword() + " is");
        }
        SqlLexer.Token next = i + 1 < t.size() ? t.get(i + 1) : null;
        if ((k.kind() == SqlLexer.Kind.WORD || k.kind() == SqlLexer.Kind.QUOTED_IDENT) && next != null
                && (next.text().equals(":=") || next.text().equals("=") || next.text().equals("[") || next.text().equals("."))
                && !k.is("SELECT") && !k.is("WITH")) {
            throw unsupported("assignment to a variable is");
        }
        return sql();
    }

    /** An SQL statement: its text up to the semicolon that ends it (outside parentheses). */
    private PlStatement.Sql sql() {
        int start = i;
        int depth = 0;
        String first = t.get(i).keyword();
        for (; i < t.size(); i++) {
            SqlLexer.Token k = t.get(i);
            if (k.kind() == SqlLexer.Kind.LPAREN) {
                depth++;
            } else if (k.kind() == SqlLexer.Kind.RPAREN) {
                depth--;
            } else if (k.kind() == SqlLexer.Kind.SEMICOLON && depth <= 0) {
                break;
            } else if (k.is("INTO") && depth == 0 && i > start && !t.get(i - 1).is("INSERT") && !t.get(i - 1).is("MERGE")) {
                // SELECT ... INTO x, INSERT ... RETURNING ... INTO x: results into variables.
                throw unsupported(first + " ... into a variable is");
            }
        }
        if (i >= t.size()) {
            throw syntaxError();
        }
        String text = body.substring(t.get(start).start(), t.get(i).start()).trim();
        i++; // the semicolon
        return new PlStatement.Sql(text);
    }

    /** A condition: a name from {@link Conditions}, OTHERS, or SQLSTATE 'xxxxx'. */
    private String condition() {
        SqlLexer.Token k = peek();
        if (k == null) {
            throw syntaxError();
        }
        if (k.is("SQLSTATE") && peekIs(1, null) && t.get(i + 1).kind() == SqlLexer.Kind.STRING) {
            i += 2;
            return Conditions.sqlState(SqlLexer.stringValue(t.get(i - 1).text()));
        }
        if (k.kind() != SqlLexer.Kind.WORD) {
            throw syntaxError();
        }
        i++;
        return Conditions.code(k.text());
    }

    private SqlLexer.Token peek() {
        return i < t.size() ? t.get(i) : null;
    }

    private boolean peekIs(String word) {
        return peekIs(0, word);
    }

    /** Whether token {@code i + ahead} exists and is {@code word} (a keyword, or the exact text); any token when null. */
    private boolean peekIs(int ahead, String word) {
        if (i + ahead >= t.size()) {
            return false;
        }
        SqlLexer.Token k = t.get(i + ahead);
        return word == null || k.is(word) || k.text().equals(word);
    }

    private boolean take(String word) {
        if (peekIs(word)) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(String word) {
        if (!take(word)) {
            throw syntaxError();
        }
    }

    /** What PostgreSQL says of a token it did not expect there (or of a body that ended too soon). */
    private PgException syntaxError() {
        SqlLexer.Token k = peek();
        return new PgException(PgError.error("42601", k == null ? "syntax error at end of input"
                : "syntax error at or near \"" + k.text() + "\""));
    }

    /** 0A000 for a construct outside the subset; {@code what} ends with its verb ("... is", "... are"). */
    private static PgException unsupported(String what) {
        return new PgException(new PgError("ERROR", "0A000", "PL/pgSQL " + what + " not supported by Borealis", null,
                "A DO block may hold SQL statements, NULL, and nested BEGIN ... EXCEPTION WHEN ... THEN ... END blocks."));
    }
}
