package borealis.engine.pg.types;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.h2.jdbc.JdbcResultSet;
import org.h2.util.JSR310Utils;
import org.h2.value.TypeInfo;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;
import org.h2.value.ValueToObjectConverter;

/**
 * The elements of an H2 array value as java.time objects (nested arrays as Object[]). JDBC's
 * {@link Array#getArray()} hands over java.sql.Date, Time and Timestamp instead, which lose a
 * time's fraction and shift dates before 1582 to the Julian calendar; the values are read here from
 * H2's own. H2 (in PostgreSQL mode) pads char(n) only as a result column, never inside an array:
 * elements are padded here to the array's declared length, as PostgreSQL stores them.
 */
public final class ArrayValues {

    private ArrayValues() {}

    /** The array in result column {@code col}, or null for SQL NULL. */
    static Object[] read(ResultSet rs, int col) throws SQLException {
        if (rs.isWrapperFor(JdbcResultSet.class)) {
            Value v = rs.unwrap(JdbcResultSet.class).getInternal(col);
            if (v == null || v == ValueNull.INSTANCE) {
                return null;
            }
            if (v instanceof ValueArray a) {
                return elements(a);
            }
        }
        Array a = rs.getArray(col);
        return a == null ? null : (Object[]) a.getArray();
    }

    /** An H2 array's elements as Java objects of PostgreSQL's meaning. */
    public static Object[] elements(ValueArray a) {
        Value[] values = a.getList();
        TypeInfo component = a.getComponentType();
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = element(values[i], component);
        }
        return out;
    }

    static Object element(Value v, TypeInfo component) {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        if (v instanceof ValueArray inner) {
            return elements(inner);
        }
        if (v instanceof org.h2.value.ValueRow row) {
            return PgRecords.text(row); // an element of a composite type's array: its record text, quoted as text is
        }
        return switch (v.getValueType()) {
            case Value.CHAR -> pad(v.getString(), component);
            case Value.CLOB -> v.getString();
            case Value.BLOB -> v.getBytes();
            // java.time from H2's own fields: the default objects are java.sql types, whose dates
            // before 1582 are Julian (0001-01-01 came out two days early in binary)
            case Value.DATE -> JSR310Utils.valueToLocalDate(v, null);
            case Value.TIME -> JSR310Utils.valueToLocalTime(v, null);
            case Value.TIMESTAMP -> JSR310Utils.valueToLocalDateTime(v, null);
            case Value.TIME_TZ -> JSR310Utils.valueToOffsetTime(v, null);
            case Value.TIMESTAMP_TZ -> JSR310Utils.valueToOffsetDateTime(v, null);
            default -> ValueToObjectConverter.valueToDefaultObject(v, null, false);
        };
    }

    /** A char(n) element right-padded with spaces to n characters. */
    private static String pad(String s, TypeInfo component) {
        if (component == null || component.getValueType() != Value.CHAR) {
            return s;
        }
        long n = component.getPrecision();
        int have = s.codePointCount(0, s.length());
        if (n <= have || n > 10_485_760) {
            return s;
        }
        return s + " ".repeat((int) (n - have));
    }
}
