package borealis.engine.pg.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import borealis.engine.pg.PgError;
import org.junit.jupiter.api.Test;

/** The token of a syntax error found in the client's text from the mark H2 puts in the translated one. */
class SyntaxErrorPositionTest {

    private static SyntaxErrorPosition.Located locate(String h2Statement, String clientSql) {
        return SyntaxErrorPosition.locate(PgError.error("42601", "syntax error: Syntax error in SQL statement \""
                + h2Statement.replace("\"", "\"\"") + "\"; expected \"FROM\""), clientSql);
    }

    @Test
    void theMarkedTokenIsFoundInTheClientsText() {
        SyntaxErrorPosition.Located at = locate("[*]selec 1", "selec 1");
        assertEquals(1, at.position());
        assertEquals("syntax error at or near \"selec\"", at.message());
        // the translation added aliases before the mark; the token is matched by its neighbours
        at = locate("select 1 AS \"x\", é AS \"é\" from [*]where", "select 1 x, é from where");
        assertEquals(20, at.position());
        assertEquals("syntax error at or near \"where\"", at.message());
    }

    @Test
    void aMarkPastTheClientsLastTokenIsTheEndOfInput() {
        SyntaxErrorPosition.Located at = locate("select 1 + [*]AS \"?column?\"", "select 1 +");
        assertEquals(11, at.position());
        assertEquals("syntax error at end of input", at.message());
    }

    @Test
    void errorsOfBorealisOwnPointAtTheirToken() {
        SyntaxErrorPosition.Located at = SyntaxErrorPosition.locate(PgError.error("42601", "syntax error at or near \"foo\""), "select foo bar");
        assertEquals(8, at.position());
        assertNull(SyntaxErrorPosition.locate(PgError.error("42P01", "relation \"x\" does not exist"), "select * from x"));
    }
}
