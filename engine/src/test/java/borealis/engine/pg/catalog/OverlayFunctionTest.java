package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.h2.value.ValueNull;
import org.h2.value.ValueVarbinary;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;

/** overlay() against PostgreSQL 15's answers (psql 15.18, 2026-12-06). */
class OverlayFunctionTest {

    private static String overlay(String s, String r, int from) throws SQLException {
        return ScalarFunctions.overlay(ValueVarchar.get(s), ValueVarchar.get(r), from);
    }

    private static String overlay(String s, String r, int from, int count) throws SQLException {
        return ScalarFunctions.overlay(ValueVarchar.get(s), ValueVarchar.get(r), from, count);
    }

    @Test
    void overlaysAsPostgreSqlDoes() throws SQLException {
        assertEquals("abc45f", overlay("abcdef", "45", 4));
        assertEquals("yabadaba", overlay("yabadoo", "daba", 5));
        assertEquals("yabadabadoo", overlay("yabadoo", "daba", 5, 0));
        assertEquals("bubba", overlay("babosa", "ubb", 2, 4));
        assertEquals("axyabc", overlay("abc", "xy", 2, -1));
        assertEquals("abcxy", overlay("abc", "xy", 10));
        assertEquals("axy", overlay("abc", "xy", 2, 10));
        assertNull(ScalarFunctions.overlay(ValueNull.INSTANCE, ValueVarchar.get("x"), 1));
        SQLException e = assertThrows(SQLException.class, () -> overlay("abc", "xy", 0));
        assertEquals("22011", e.getSQLState());
        assertEquals("negative substring length not allowed", e.getMessage());
        assertEquals("0A000", assertThrows(SQLException.class,
                () -> ScalarFunctions.overlay(ValueVarbinary.getNoCopy(new byte[] {1}), ValueVarbinary.getNoCopy(new byte[] {2}), 1)).getSQLState());
    }
}
