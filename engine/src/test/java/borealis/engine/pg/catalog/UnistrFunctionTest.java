package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** unistr() against PostgreSQL 15's answers (psql, 2026-12-06); backslashes doubled for Java. */
class UnistrFunctionTest {

    private static void fails(String state, String message, String input) {
        SQLException e = assertThrows(SQLException.class, () -> UnistrFunction.unistr(input));
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void decodesAsPostgreSql() throws SQLException {
        assertEquals("data0", UnistrFunction.unistr("\\0064at\\+0000610"));
        assertEquals("data0", UnistrFunction.unistr("d\\u0061t\\U000000610"));
        assertEquals("a\\b", UnistrFunction.unistr("a\\\\b"));
        assertEquals(new String(Character.toChars(0x1F600)), UnistrFunction.unistr("\\d83d\\de00"));
        assertNull(UnistrFunction.unistr(null));
    }

    @Test
    void refusesAsPostgreSql() {
        fails("42601", "invalid Unicode surrogate pair", "wrong: \\db99");
        fails("42601", "invalid Unicode surrogate pair", "wrong: \\db99\\0061");
        fails("42601", "invalid Unicode surrogate pair", "a\\dc00");
        fails("22023", "invalid Unicode code point: 2FFFFF", "wrong: \\+2FFFFF");
        fails("42601", "invalid Unicode escape", "wrong: \\xyz");
        fails("42601", "invalid Unicode escape", "x\\");
    }
}
