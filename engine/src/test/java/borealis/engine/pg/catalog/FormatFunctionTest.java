package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueInteger;
import org.h2.value.ValueNull;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;

/** format() against PostgreSQL 15's answers (psql, 2026-12-05). */
class FormatFunctionTest {

    private static Value v(Object o) {
        return o == null ? ValueNull.INSTANCE : o instanceof Integer i ? ValueInteger.get(i) : ValueVarchar.get((String) o);
    }

    private static String format(String fmt, Object... args) throws SQLException {
        Value[] values = new Value[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = v(args[i]);
        }
        return FormatFunction.format(fmt, values);
    }

    private static void fails(String state, String message, String fmt, Object... args) {
        SQLException e = assertThrows(SQLException.class, () -> format(fmt, args));
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void formatsAsPostgreSqlDoes() throws SQLException {
        assertEquals("1 3", format("%1$s %3$s", 1, 2, 3));
        assertEquals("Hello World World Hello again", format("Hello %s %1$s %s", "World", "Hello again"));
        assertEquals("Hello World Hello again, Hello again Hello again", format("Hello %s %s, %2$s %2$s", "World", "Hello again"));
        assertEquals(">>     Hello<<", format(">>%10s<<", "Hello"));
        assertEquals(">>Hello     <<", format(">>%-10s<<", "Hello"));
        assertEquals(">>     Hello<<", format(">>%*s<<", 10, "Hello"));
        assertEquals(">>Hello     <<", format(">>%*s<<", -10, "Hello"));
        assertEquals(">>Hello     <<", format(">>%-*s<<", 10, "Hello"));
        assertEquals(">>     Hello<<", format(">>%*1$s<<", 10, "Hello"));
        assertEquals(">>          <<", format(">>%10s<<", (Object) null));
        assertEquals(">>      NULL<<", format(">>%10L<<", (Object) null));
        assertEquals("INSERT INTO mytab VALUES('10','Hello')", format("INSERT INTO %I VALUES(%L,%L)", "mytab", 10, "Hello"));
        assertEquals(">>   'Hello'<<", format(">>%2$*1$L<<", 10, "Hello"));
        assertEquals("x", format("%-s", "x"));
        assertEquals("a b", format("%1$s %s", "a", "b"));
        assertEquals("x", format("%*s", null, "x"));
        assertEquals("100%", format("%s%%", 100));
    }

    @Test
    void refusesWhatPostgreSqlRefuses() {
        fails("22023", "too few arguments for format()", "Hello %s %s", "World");
        fails("22023", "format specifies argument 0, but arguments are numbered from 1", "%0$s", "Hello");
        fails("22023", "format specifies argument 0, but arguments are numbered from 1", "%*0$s", "Hello");
        fails("22023", "unterminated format() type specifier", "%1$", 1);
        fails("22023", "unterminated format() type specifier", "%1$1", 1);
        fails("22023", "unrecognized format() type specifier \"x\"", "%x", 1);
        fails("22004", "null values cannot be formatted as an SQL identifier", "%I", (Object) null);
    }
}
