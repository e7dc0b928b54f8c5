package borealis.engine.pg.types;

import org.h2.value.TypeInfo;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;
import org.h2.value.ValueRow;

/**
 * A row value (H2's ROW, PostgreSQL's record or composite type) in PostgreSQL's text form:
 * {@code (1,"a b",,t)}: fields separated by commas, NULL as nothing, a field quoted when it is
 * empty or holds a quote, backslash, parenthesis, comma or space (record_out), each field in its
 * own type's text form.
 */
public final class PgRecords {

    private PgRecords() {}

    public static String text(ValueRow row) {
        StringBuilder sb = new StringBuilder("(");
        Value[] fields = row.getList();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Value v = fields[i];
            if (v == null || v == ValueNull.INSTANCE) {
                continue;
            }
            String s = field(v);
            if (needsQuotes(s)) {
                sb.append('"');
                for (int k = 0; k < s.length(); k++) {
                    char c = s.charAt(k);
                    if (c == '"' || c == '\\') {
                        sb.append(c);
                    }
                    sb.append(c);
                }
                sb.append('"');
            } else {
                sb.append(s);
            }
        }
        return sb.append(')').toString();
    }

    private static String field(Value v) {
        if (v instanceof ValueRow r) {
            return text(r);
        }
        TypeInfo type = v.getType();
        if (v instanceof ValueArray a) {
            return PgArrays.text(ArrayValues.elements(a), PgType.arrayElement(type.toString()));
        }
        Object o = ArrayValues.element(v, type);
        PgType t = PgType.arrayElement(type.toString() + " ARRAY");
        return o instanceof String s ? s : PgArrays.elementText(o, t);
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }
}
