package borealis.engine.pg.catalog;

import borealis.engine.pg.types.ArrayLiterals;
import borealis.engine.pg.types.DateOrder;
import borealis.engine.pg.types.DateTimeInput;
import borealis.engine.pg.types.PgType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.h2.engine.SessionLocal;
import org.h2.schema.Domain;
import org.h2.schema.Schema;
import org.h2.value.ExtTypeInfoRow;
import org.h2.value.TypeInfo;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueJson;
import org.h2.value.ValueNull;
import org.h2.value.ValueRow;
import org.h2.value.ValueToObjectConverter;
import org.h2.value.ValueVarchar;

/**
 * json(b)_populate_record(set) and json(b)_to_record(set), installed by {@link PgCatalog}. A
 * composite type is an H2 domain over ROW (CREATE TYPE ... AS (...)); the functions build a row of
 * it from a JSON object as PostgreSQL's populate_record does: a key names a field, a missing key
 * keeps the base row's field (or NULL), a JSON string is the field type's text input, a number or
 * boolean its JSON text, an array fills an array field (or a JSON string its array literal), an
 * object fills a composite field, and a json or jsonb field takes the JSON value itself. The
 * translator wraps each call in a CAST to the type, which gives the result its static type.
 */
public final class JsonRecordFunctions {

    private JsonRecordFunctions() {}

    /** json(b)_populate_record(base, doc) with the base's type named {@code typeName} (null: the base row's own type). */
    public static Value json_populate_record(Connection c, String typeName, Value base, Value doc, Boolean binary) throws SQLException {
        TypeInfo type = rowType(c, typeName, base);
        Object tree = JsonTree.parse(doc);
        if (tree == null) {
            return base == null ? ValueNull.INSTANCE : base;
        }
        if (!(tree instanceof Map<?, ?> object)) {
            throw new SQLException("cannot call json_populate_record on " + (tree instanceof List ? "an array" : "a scalar"), "22023");
        }
        return populate(c, type, object, base instanceof ValueRow r ? r : null, Boolean.TRUE.equals(binary));
    }

    /** json(b)_populate_recordset(base, doc): one row per element of the array {@code doc}, as an array of rows. */
    public static Value json_populate_recordset(Connection c, String typeName, Value base, Value doc, Boolean binary) throws SQLException {
        TypeInfo type = rowType(c, typeName, base);
        Object tree = JsonTree.parse(doc);
        if (tree == null) {
            return ValueNull.INSTANCE;
        }
        if (!(tree instanceof List<?> list)) {
            throw new SQLException("cannot call json_populate_recordset on " + (tree instanceof Map ? "an object" : "a scalar"), "22023");
        }
        List<Value> rows = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> object)) {
                throw new SQLException("argument of json_populate_recordset must be an array of objects", "22023");
            }
            rows.add(populate(c, type, object, base instanceof ValueRow r ? r : null, Boolean.TRUE.equals(binary)));
        }
        return ValueArray.get(type, rows.toArray(new Value[0]), null);
    }

    /**
     * The text json(b)_to_record(set) gives the column {@code key} of the object {@code doc} (of its
     * element {@code n}, 1-based, for the set form): a string unquoted, anything else its JSON text;
     * NULL for a missing key or JSON null. The translator casts it to the column's declared type.
     */
    public static String json_record_field(Value doc, Integer n, String key, Boolean binary) throws SQLException {
        Map<?, ?> object = object(doc, n);
        Object item = object == null ? null : object.get(key);
        if (item == null || item instanceof JsonTree.Raw r && r.isNull()) {
            return null;
        }
        if (item instanceof JsonTree.Raw r) {
            return r.text();
        }
        return Boolean.TRUE.equals(binary) ? JsonTree.jsonb(item) : JsonTree.compact(item);
    }

    /** An array column of json(b)_to_record(set): the JSON array's (or array literal's) elements as text, nested per dimension. */
    public static Value json_record_array(Value doc, Integer n, String key, Boolean binary) throws SQLException {
        Map<?, ?> object = object(doc, n);
        Object item = object == null ? null : object.get(key);
        if (item == null || item instanceof JsonTree.Raw r && r.isNull()) {
            return ValueNull.INSTANCE;
        }
        if (item instanceof JsonTree.Raw r && r.json().startsWith("\"")) {
            return textArray(ArrayLiterals.parse(r.text()));
        }
        if (!(item instanceof List<?>)) {
            throw new SQLException("expected JSON array\nHINT: See the value of key \"" + key + "\".", "22P02");
        }
        return textArray(item, Boolean.TRUE.equals(binary));
    }

    private static Value textArray(Object[] literal) {
        Value[] out = new Value[literal.length];
        for (int i = 0; i < out.length; i++) {
            Object e = literal[i];
            out[i] = e == null ? ValueNull.INSTANCE : e instanceof Object[] inner ? textArray(inner) : ValueVarchar.get((String) e);
        }
        return ValueArray.get(TypeInfo.TYPE_VARCHAR, out, null);
    }

    private static Value textArray(Object item, boolean binary) {
        if (item instanceof List<?> list) {
            Value[] out = new Value[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = textArray(list.get(i), binary);
            }
            return ValueArray.get(TypeInfo.TYPE_VARCHAR, out, null);
        }
        if (item instanceof JsonTree.Raw r) {
            return r.isNull() ? ValueNull.INSTANCE : ValueVarchar.get(r.text());
        }
        return ValueVarchar.get(binary ? JsonTree.jsonb(item) : JsonTree.compact(item));
    }

    /** The object a to_record call reads: the document, or its element {@code n} (1-based) for the set form. */
    private static Map<?, ?> object(Value doc, Integer n) throws SQLException {
        Object tree = JsonTree.parse(doc);
        if (tree == null) {
            return null;
        }
        if (n == null) {
            if (!(tree instanceof Map<?, ?> object)) {
                throw new SQLException("cannot call json_to_record on " + (tree instanceof List ? "an array" : "a scalar"), "22023");
            }
            return object;
        }
        if (!(tree instanceof List<?> list) || n < 1 || n > list.size()) {
            return null;
        }
        if (!(list.get(n - 1) instanceof Map<?, ?> object)) {
            throw new SQLException("argument of json_to_recordset must be an array of objects", "22023");
        }
        return object;
    }

    /** The number of elements of the array json(b)_to_recordset reads. */
    public static Integer json_record_count(Value doc) throws SQLException {
        Object tree = JsonTree.parse(doc);
        if (tree == null) {
            return 0;
        }
        if (!(tree instanceof List<?> list)) {
            throw new SQLException("cannot call json_to_recordset on " + (tree instanceof Map ? "an object" : "a scalar"), "22023");
        }
        return list.size();
    }

    private static TypeInfo rowType(Connection c, String typeName, Value base) throws SQLException {
        if (typeName != null) {
            Domain domain = domain(CatalogFunctions.session(c), typeName);
            if (domain == null) {
                throw new SQLException("type \"" + typeName + "\" does not exist", "42704");
            }
            TypeInfo type = domain.getDataType();
            if (type.getValueType() != Value.ROW) {
                throw new SQLException("first argument of json_populate_record must be a row type", "42804");
            }
            return type;
        }
        if (base instanceof ValueRow r) {
            return r.getType();
        }
        throw new SQLException("could not determine row type for result of json_populate_record", "42804");
    }

    private static Domain domain(SessionLocal session, String name) {
        int dot = name.lastIndexOf('.');
        String simple = (dot < 0 ? name : name.substring(dot + 1)).replace("\"", "");
        List<String> schemas = new ArrayList<>();
        if (dot >= 0) {
            schemas.add(name.substring(0, dot).replace("\"", ""));
        } else {
            schemas.add(session.getCurrentSchemaName());
            String[] path = session.getSchemaSearchPath();
            if (path != null) {
                schemas.addAll(List.of(path));
            }
            schemas.add("public");
        }
        for (String s : schemas) {
            Schema schema = session.getDatabase().findSchema(s);
            Domain d = schema == null ? null : schema.findDomain(simple);
            if (d == null && schema != null) {
                d = schema.findDomain(simple.toLowerCase(Locale.ROOT));
            }
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static ValueRow populate(Connection c, TypeInfo type, Map<?, ?> object, ValueRow base, boolean binary) throws SQLException {
        ExtTypeInfoRow row = (ExtTypeInfoRow) type.getExtTypeInfo();
        List<Map.Entry<String, TypeInfo>> fields = new ArrayList<>(row.getFields());
        Value[] values = new Value[fields.size()];
        for (int i = 0; i < values.length; i++) {
            String name = fields.get(i).getKey();
            if (object.containsKey(name)) {
                Value nestedBase = base == null ? null : base.getList()[i]; // a composite field's keys left out keep the base's
                values[i] = convert(c, object.get(name), fields.get(i).getValue(), name, binary, nestedBase);
            } else {
                values[i] = base == null ? ValueNull.INSTANCE : base.getList()[i];
            }
        }
        return ValueRow.get(type, values);
    }

    private static Value convert(Connection c, Object item, TypeInfo type, String key, boolean binary) throws SQLException {
        return convert(c, item, type, key, binary, null);
    }

    private static Value convert(Connection c, Object item, TypeInfo type, String key, boolean binary, Value base) throws SQLException {
        if (item == null || item instanceof JsonTree.Raw r && r.isNull()) {
            return ValueNull.INSTANCE;
        }
        switch (type.getValueType()) {
            case Value.ROW -> {
                if (item instanceof Map<?, ?> object) {
                    return populate(c, type, object, base instanceof ValueRow r ? r : null, binary);
                }
                if (item instanceof JsonTree.Raw r && r.json().startsWith("\"")) {
                    return fromText(c, r.text(), type);
                }
                throw new SQLException("cannot call populate_composite on " + (item instanceof List ? "an array" : "a scalar"), "22023");
            }
            case Value.ARRAY -> {
                TypeInfo component = (TypeInfo) type.getExtTypeInfo();
                TypeInfo innermost = component;
                while (innermost.getValueType() == Value.ARRAY) {
                    innermost = (TypeInfo) innermost.getExtTypeInfo();
                }
                if (item instanceof List<?> list && isJson(innermost)) {
                    // json[] and jsonb[]: a nested JSON array is an element, not a dimension
                    Value[] elements = new Value[list.size()];
                    for (int i = 0; i < elements.length; i++) {
                        elements[i] = convert(c, list.get(i), component, key, binary);
                    }
                    return ValueArray.get(component, elements, null);
                }
                if (item instanceof List<?> list) {
                    int dims = checkShape(list, key);
                    int depth = 1;
                    for (TypeInfo e = component; e.getValueType() == Value.ARRAY; e = (TypeInfo) e.getExtTypeInfo()) {
                        depth++;
                    }
                    if (dims > depth) {
                        throw new SQLException("a " + dims + "-dimensional array in a " + depth + "-dimensional array field is not supported by"
                                + " Borealis\nHINT: See the value of key \"" + key + "\".", "0A000");
                    }
                    Value[] elements = new Value[list.size()];
                    for (int i = 0; i < elements.length; i++) {
                        elements[i] = convert(c, list.get(i), component, key, binary);
                    }
                    return ValueArray.get(component, elements, null);
                }
                if (item instanceof JsonTree.Raw r && r.json().startsWith("\"")) {
                    return fromLiteral(c, ArrayLiterals.parse(r.text()), component);
                }
                throw new SQLException("expected JSON array\nHINT: See the value of key \"" + key + "\".", "22P02");
            }
            case Value.JSON -> {
                String json = item instanceof JsonTree.Raw r ? r.json() : JsonTree.compact(item);
                return ValueJson.fromJson(type.getPrecision() == PgType.JSONB_H2_LENGTH ? JsonTree.jsonb(JsonTree.parse(json)) : json);
            }
            default -> {
                String text;
                if (type.getValueType() == Value.VARCHAR && type.getPrecision() == PgType.JSON_TEXT_LENGTH) {
                    text = item instanceof JsonTree.Raw r ? r.json() : JsonTree.compact(item); // a json field: the JSON itself
                } else {
                    // json keeps a nested value's text (compact here), jsonb prints it canonically
                    text = item instanceof JsonTree.Raw r ? r.text() : binary ? JsonTree.jsonb(item) : JsonTree.compact(item);
                }
                return fromText(c, text, type);
            }
        }
    }

    /**
     * The number of dimensions of a JSON array, checked as PostgreSQL checks an array field's:
     * sub-arrays where the first element has one, scalars where it has none, all of one length.
     */
    private static int checkShape(List<?> list, String key) throws SQLException {
        List<Integer> sizes = new ArrayList<>();
        Object probe = list;
        while (probe instanceof List<?> l) {
            sizes.add(l.size());
            probe = l.isEmpty() ? null : l.get(0);
        }
        checkLevel(list, sizes, 0, key, "");
        return sizes.size();
    }

    private static void checkLevel(List<?> list, List<Integer> sizes, int level, String key, String path) throws SQLException {
        if (list.size() != sizes.get(level)) {
            throw new SQLException("malformed JSON array\nDETAIL: Multidimensional arrays must have sub-arrays with matching dimensions.",
                    "22P02");
        }
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            boolean deeper = level + 1 < sizes.size();
            if (deeper && !(e instanceof List)) {
                throw new SQLException("expected JSON array\nHINT: See the array element " + path + "[" + i + "] of key \"" + key + "\".",
                        "22P02");
            }
            if (!deeper && e instanceof List) {
                throw new SQLException("malformed JSON array\nDETAIL: Multidimensional arrays must have sub-arrays with matching dimensions.",
                        "22P02");
            }
            if (deeper) {
                checkLevel((List<?>) e, sizes, level + 1, key, path + "[" + i + "]");
            }
        }
    }

    private static Value fromLiteral(Connection c, Object[] elements, TypeInfo component) throws SQLException {
        Value[] values = new Value[elements.length];
        for (int i = 0; i < values.length; i++) {
            Object e = elements[i];
            if (e == null) {
                values[i] = ValueNull.INSTANCE;
            } else if (e instanceof Object[] inner) {
                values[i] = component.getValueType() == Value.ARRAY
                        ? fromLiteral(c, inner, (TypeInfo) component.getExtTypeInfo()) : fromLiteral(c, inner, component);
            } else {
                values[i] = fromText(c, (String) e, component);
            }
        }
        return ValueArray.get(component, values, null);
    }

    private static boolean isJson(TypeInfo type) {
        return type.getValueType() == Value.JSON || type.getValueType() == Value.VARCHAR && type.getPrecision() == PgType.JSON_TEXT_LENGTH;
    }

    /**
     * A record literal's fields ({@code (abc,42,"a b",)}) as record_in reads them: NULL for an
     * empty unquoted field, quotes and backslashes escaping within a field.
     */
    private static List<String> recordFields(String text) throws SQLException {
        String s = text.strip();
        if (!s.startsWith("(")) {
            throw new SQLException("malformed record literal: \"" + text + "\"\nDETAIL: Missing left parenthesis.", "22P02");
        }
        List<String> fields = new ArrayList<>();
        int i = 1;
        while (true) {
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            while (i < s.length() && (quoted || s.charAt(i) != ',' && s.charAt(i) != ')')) {
                char ch = s.charAt(i++);
                if (ch == '\\' && i < s.length()) {
                    f.append(s.charAt(i++));
                } else if (ch == '"') {
                    if (quoted && i < s.length() && s.charAt(i) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else {
                    f.append(ch);
                }
                any = true;
            }
            if (i >= s.length()) {
                throw new SQLException("malformed record literal: \"" + text + "\"\nDETAIL: Unexpected end of input.", "22P02");
            }
            fields.add(any ? f.toString() : null);
            if (s.charAt(i++) == ')') {
                break;
            }
        }
        if (i != s.length()) {
            throw new SQLException("malformed record literal: \"" + text + "\"\nDETAIL: Junk after right parenthesis.", "22P02");
        }
        return fields;
    }

    /** The type's input of {@code text}: PostgreSQL's date/time input for dates and times, H2's assignment otherwise. */
    private static Value fromText(Connection c, String text, TypeInfo type) throws SQLException {
        SessionLocal session = CatalogFunctions.session(c);
        if (type.getValueType() == Value.ROW) {
            List<Map.Entry<String, TypeInfo>> fields = new ArrayList<>(((ExtTypeInfoRow) type.getExtTypeInfo()).getFields());
            List<String> texts = recordFields(text);
            if (texts.size() != fields.size()) {
                throw new SQLException("malformed record literal: \"" + text + "\"\nDETAIL: "
                        + (texts.size() < fields.size() ? "Too few columns." : "Too many columns."), "22P02");
            }
            Value[] values = new Value[fields.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = texts.get(i) == null ? ValueNull.INSTANCE : fromText(c, texts.get(i), fields.get(i).getValue());
            }
            return ValueRow.get(type, values);
        }
        try {
            String dateTime = switch (type.getValueType()) {
                case Value.DATE -> "DATE";
                case Value.TIME -> "TIME";
                case Value.TIMESTAMP -> "TIMESTAMP";
                case Value.TIMESTAMP_TZ -> "TIMESTAMP WITH TIME ZONE";
                default -> null;
            };
            if (dateTime != null) {
                Object v = DateTimeInput.value(dateTime, text, DateOrder.MDY, ZonedDateTime.now(ZoneId.systemDefault()));
                return ValueToObjectConverter.objectToValue(session, v, Value.UNKNOWN).convertTo(type, session);
            }
            return ValueVarchar.get(text).convertForAssignTo(type, session, null);
        } catch (org.h2.message.DbException e) {
            throw e.getSQLException();
        }
    }
}
