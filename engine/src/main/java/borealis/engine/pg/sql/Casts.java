package borealis.engine.pg.sql;

import borealis.engine.pg.types.IntervalInput;
import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.ArrayLiterals;
import borealis.engine.pg.types.PgType;
import java.util.Locale;

/**
 * Casts and typed literals as H2 reads them: {@code type 'literal'}, {@code expr::type} and
 * {@code CAST(x AS type)} of intervals, booleans, json and jsonb, date/time and float literals
 * PostgreSQL reads differently, text; and PostgreSQL array literals ({@code '{1,2}'}) as H2
 * {@code ARRAY[...]} constructors (also for {@link AssignedLiterals}).
 */
final class Casts {

    private static final String CAT = CatalogNames.SCHEMA;

    private final TokenList t;
    private final DateTimeLiterals dates;

    Casts(TokenList t, DateTimeLiterals dates) {
        this.t = t;
        this.dates = dates;
    }

    /** type 'literal' forms: interval '1 day', timestamptz '...', text '...', bool 'on'. */
    void typedLiterals() {
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            Tok lit = t.get(i + 1);
            if ((k.is("TIMESTAMP") || k.is("TIME")) && (t.is(i + 1, "WITH") || t.is(i + 1, "WITHOUT")) && t.is(i + 2, "TIME")
                    && t.is(i + 3, "ZONE") && t.get(i + 4) != null && t.get(i + 4).isString() && !(i > 0 && t.get(i - 1).isOp("::"))) {
                // timestamp with time zone 'today': the special words as for timestamptz 'today'
                boolean with = t.is(i + 1, "WITH");
                String spelled = k.is("TIMESTAMP") ? (with ? "timestamptz" : "timestamp") : (with ? "timetz" : "time");
                String dateTime = dateTimeLiteral(spelled, t.get(i + 4));
                if (dateTime != null) {
                    t.replace(i, i + 5, dateTime);
                }
                continue;
            }
            if (k.is("INTERVAL") && lit.isOpen() && t.get(i + 2) != null && t.get(i + 2).kind == SqlLexer.Kind.NUMBER
                    && t.get(i + 3) != null && t.get(i + 3).isClose() && t.get(i + 4) != null && t.get(i + 4).isString()
                    && !(i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::")))) {
                // interval(2) '1.234 seconds': the seconds rounded to the precision
                IntervalInput.Qualifier q = new IntervalInput.Qualifier(IntervalInput.Field.YEAR, IntervalInput.Field.SECOND,
                        Integer.parseInt(t.get(i + 2).text));
                t.replace(i, i + 5, IntervalLiteral.toH2(t.get(i + 4).stringValue(), q));
                continue;
            }
            if (!k.isWord() || !lit.isString() || (i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::")))) {
                continue;
            }
            String type = k.text.toLowerCase(Locale.ROOT);
            String dateTime = dateTimeLiteral(type, lit);
            if (dateTime != null) {
                t.replace(i, i + 2, dateTime);
                continue;
            }
            switch (type) {
                case "interval" -> {
                    // interval '1 2:03' day to hour: PostgreSQL's reading and cut, not H2's SQL-standard one
                    int end = IntervalLiteral.qualifierEnd(t, i + 2);
                    t.replace(i, end, IntervalLiteral.toH2(lit.stringValue(), IntervalLiteral.qualifier(t, i + 2, end, -1)));
                }
                case "timestamptz" -> t.replace(i, i + 2, "TIMESTAMP WITH TIME ZONE " + lit.text);
                case "timetz" -> t.replace(i, i + 2, "TIME WITH TIME ZONE " + lit.text);
                // char 'ab' is bpchar without a length, as bpchar 'ab' is: 'ab' (not character(1) as 'ab'::char)
                case "text", "varchar", "name", "bpchar", "char", "character" -> t.replace(i, i + 2, java.util.List.of(lit));
                case "bool", "boolean" -> t.replace(i, i + 2, boolLiteral(lit.stringValue()));
                case "json" -> t.replace(i, i + 2, jsonText(lit));
                case "int", "int2", "int4", "int8", "integer", "bigint", "smallint", "numeric", "float4", "float8", "real",
                     "jsonb", "uuid", "bytea", "oid" -> t.replace(i, i + 2, "CAST(" + lit.text + " AS "
                        + (TypeNames.h2(type) != null ? TypeNames.h2(type) : type.toUpperCase(Locale.ROOT)) + ")");
                default -> { }
            }
        }
    }

    /** A json literal: checked as PostgreSQL's json input checks it, and kept as written. */
    static String jsonText(Tok literal) {
        try {
            org.h2.util.json.JSONStringSource.parse(literal.stringValue(), new org.h2.util.json.JSONValidationTargetWithoutUniqueKeys());
        } catch (RuntimeException e) {
            throw invalid("json", literal.stringValue());
        }
        return "CAST(" + literal.text + " AS " + PgType.JSON_TEXT_COLUMN + ")";
    }

    /** A date/time or float literal H2 cannot read as PostgreSQL does, in the form it reads, or null. */
    private String dateTimeLiteral(String pgType, Tok literal) {
        String special = FloatLiterals.literal(pgType, literal.stringValue());
        return special != null ? special : dates.literal(pgType, literal.stringValue());
    }


    private static String boolLiteral(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "y", "yes", "on", "1" -> "TRUE";
            case "f", "false", "n", "no", "off", "0" -> "FALSE";
            default -> throw invalid("boolean", v);
        };
    }

    /** A bytea literal as PostgreSQL reads its text (hex or escape format), as H2's X'...'. */
    static String byteaLiteral(String text) {
        try {
            return "X'" + java.util.HexFormat.of().formatHex(borealis.engine.pg.types.PgTextForms.parseByteaText(text)) + "'";
        } catch (java.sql.SQLException e) {
            throw new PgException(PgError.error(e.getSQLState(), e.getMessage()));
        }
    }

    static PgException invalid(String type, String value) {
        return new PgException(PgError.error("22P02", "invalid input syntax for type " + type + ": \"" + value + "\""));
    }

    /** expr::type: interval and boolean literals, and PostgreSQL-only type names (reg* types: {@link RegCasts}). */
    void castOperators() {
        for (int i = 1; i < t.size(); i++) {
            if (!t.get(i).isOp("::")) {
                continue;
            }
            int typeStart = i + 1;
            int typeEnd = typeEnd(typeStart);
            if (typeEnd <= typeStart) {
                continue;
            }
            // Drop a pg_catalog. qualifier on the type.
            if (t.is(typeStart, "pg_catalog") && t.get(typeStart + 1) != null && t.get(typeStart + 1).isDot()) {
                t.remove(typeStart, typeStart + 2);
                typeEnd -= 2;
            }
            String type = t.get(typeStart).name();
            if (t.get(typeStart).isWord() && TypeNames.continuesType(type, t.get(typeStart + 1), t.get(typeStart + 2))) {
                type = type + " " + t.get(typeStart + 1).name();
            }
            int start = t.primaryStart(i);
            if (t.get(typeStart).kind == SqlLexer.Kind.QUOTED_IDENT && type.equals("char") && typeEnd == typeStart + 1) {
                // "char": one byte (the catalog's char_in), not character(1)
                t.replace(start, typeEnd, CAT + ".char_in(" + t.text(start, i) + ")");
                i = start;
                continue;
            }
            Tok operand = soleOperand(start, i);
            boolean literal = operand != null && operand.isString();
            boolean array = typeEnd - 1 > typeStart && t.get(typeEnd - 1).isOp("]");
            String replacement = null;
            if (array && literal && operand.stringValue().startsWith("{")) {
                // the literal's own dimensions count, not the declared ones (PostgreSQL ignores those)
                String element = t.text(typeStart, typeEnd - 2).replaceAll("(?i)(\\s*(ARRAY|\\[\\s*\\]))+$", "").trim();
                String value = operand.stringValue();
                replacement = "CAST(" + arrayLiteral(value, element) + " AS " + h2Type(element)
                        + " ARRAY".repeat(dimensions(value)) + ")";
            } else if (!array && type.equals("interval") && literal) {
                replacement = IntervalLiteral.toH2(operand.stringValue());
            } else if (!array && literal && dateTimeLiteral(t.text(typeStart, typeEnd), operand) != null) {
                replacement = dateTimeLiteral(t.text(typeStart, typeEnd), operand);
            } else if (!array && type.equals("interval")) {
                replacement = CAT + ".interval_of(" + t.text(start, i) + ")";
            } else if (!array && literal && isFloat(type) && !t.get(typeEnd - 1).isClose()) {
                // H2 reads Infinity and NaN, not PostgreSQL's other spellings of them (inf, -inf, nan)
                replacement = "CAST(" + elementLiteral(operand.stringValue(), TypeNames.canonical(type)) + " AS "
                        + t.text(typeStart, typeEnd) + ")";
            } else if (!array && (type.equals("bool") || type.equals("boolean")) && literal) {
                replacement = boolLiteral(operand.stringValue());
            } else if (!array && type.equals("bytea") && literal) {
                replacement = byteaLiteral(operand.stringValue());
            } else if (!array && type.equals("json") && literal) {
                replacement = jsonText(operand);
            } else if (!array && type.equals("json")) {
                // json keeps the text it is given; a jsonb or H2 JSON value gives its JSON text
                replacement = "CAST(" + t.text(start, i) + " AS " + PgType.JSON_TEXT_COLUMN + ")";
            } else if (!array && type.equals("jsonb") && literal) {
                replacement = jsonTyped("(" + operand.text + " FORMAT JSON)", type);
            } else if (!array && type.equals("jsonb")) {
                replacement = jsonTyped("(CAST(" + t.text(start, i) + " AS VARCHAR) FORMAT JSON)", type);
            } else if (!array && (type.equals("text") || type.equals("varchar")) && typeEnd == typeStart + 1) {
                if (operand != null && (operand.isString() || operand.kind == SqlLexer.Kind.PARAM)) {
                    // H2 casts a literal or a parameter to VARCHAR for ::text as PostgreSQL does (text marked as such)
                    if (type.equals("text")) {
                        t.get(typeStart).text = PgType.TEXT_COLUMN;
                    }
                    i = typeEnd - 1;
                    continue;
                }
                // an array's text is its literal ({1,2}), not H2's [1, 2]; text is described as text (PgType.TEXT_LENGTH)
                replacement = type.equals("text") ? "CAST(" + CAT + ".text_of(" + t.text(start, i) + ") AS " + PgType.TEXT_COLUMN + ")"
                        : CAT + ".text_of(" + t.text(start, i) + ")";
            }
            if (replacement != null) {
                t.replace(start, typeEnd, replacement);
                i = start;
            } else {
                i = typeEnd - 1;
            }
        }
    }

    static final String JSONB_H2 = "JSON(" + borealis.engine.pg.types.PgType.JSONB_H2_LENGTH + ")";

    /** A JSON value as jsonb when {@code type} is jsonb: H2's JSON of the length that marks a jsonb column. */
    private static String jsonTyped(String json, String type) {
        return type.equals("jsonb") ? "CAST(" + json + " AS " + JSONB_H2 + ")" : json;
    }

    /**
     * CAST('{a,b}' AS t[]) (also in parentheses): the literal's elements, as '{a,b}'::t[] gives them;
     * CAST of an infinity or a BC date to a date/time type.
     */
    void castArrayLiterals() {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (!t.get(i).is("CAST") || !t.get(i + 1).isOpen()) {
                continue;
            }
            int close = t.closing(i + 1);
            int as = i + 2;
            while (as < close && !t.is(as, "AS")) {
                as = t.get(as).isOpen() ? t.closing(as) + 1 : as + 1;
            }
            if (as < close && !t.get(close - 1).isOp("]")) {
                // CAST('infinity' AS date), CAST('0044-03-15 BC' AS timestamp): as the :: forms
                Tok literal = soleOperand(i + 2, as);
                String dateTime = literal != null && literal.isString() ? dateTimeLiteral(t.text(as + 1, close), literal) : null;
                if (dateTime != null) {
                    t.replace(i, close + 1, dateTime);
                }
                continue;
            }
            if (as >= close) {
                continue;
            }
            Tok operand = soleOperand(i + 2, as);
            if (operand != null && operand.isString() && operand.stringValue().startsWith("{")) {
                String element = t.text(as + 1, close).replaceAll("(?i)(\\s*(ARRAY|\\[\\s*\\]))+$", "").trim();
                t.replace(i + 2, as, arrayLiteral(operand.stringValue(), element));
            }
        }
    }

    /**
     * The one token an operand from {@code start} to {@code end} (exclusive) consists of, looking
     * through parentheses: ('{a,b}')::varchar[] is a literal cast as much as '{a,b}'::varchar[]
     * (Django's bulk insert through psycopg's client-side binding writes the former); else null.
     */
    private Tok soleOperand(int start, int end) {
        int a = start;
        int b = end - 1;
        while (b - a >= 2 && t.get(a).isOpen() && t.get(b).isClose() && t.closing(a) == b) {
            a++;
            b--;
        }
        return a == b ? t.get(a) : null;
    }

    private static String h2Type(String pgType) {
        if (pgType.trim().equalsIgnoreCase("interval")) {
            return "INTERVAL DAY TO SECOND"; // as an interval column is stored
        }
        String mapped = TypeNames.h2(pgType.trim());
        return mapped != null ? mapped : pgType;
    }

    /** A PostgreSQL array literal such as {1,2,"a b",NULL} as an H2 ARRAY[...] of strings (nested for more dimensions). */
    static String arrayLiteral(String text) {
        return arrayLiteral(text, null);
    }

    /**
     * A PostgreSQL array literal as an H2 ARRAY[...] whose elements H2 reads as PostgreSQL reads
     * them for elements of {@code elementType} (a PostgreSQL type name, or null when unknown):
     * strings H2 casts, except floats' Infinity and NaN spellings, intervals and hex bytea.
     */
    static String arrayLiteral(String text, String elementType) {
        Object[] items;
        try {
            items = ArrayLiterals.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid("array", text);
        }
        String type = elementType == null ? "" : TypeNames.canonical(elementType.replaceAll("\\(.*", "").trim());
        StringBuilder sb = new StringBuilder();
        arrayLiteral(items, type, sb);
        return sb.toString();
    }

    private static void arrayLiteral(Object[] items, String type, StringBuilder sb) {
        sb.append("ARRAY[");
        for (int i = 0; i < items.length; i++) {
            sb.append(i > 0 ? ", " : "");
            if (items[i] instanceof Object[] inner) {
                arrayLiteral(inner, type, sb);
            } else if (items[i] == null) {
                sb.append("NULL");
            } else {
                sb.append(elementLiteral((String) items[i], type));
            }
        }
        sb.append(']');
    }

    private static String elementLiteral(String v, String type) {
        switch (type) {
            case "float4", "float8" -> {
                try {
                    double d = borealis.engine.pg.types.PgTextForms.parseFloat(v, type.equals("float4") ? "real" : "double precision");
                    return Double.isNaN(d) || Double.isInfinite(d) ? StringLiterals.quote(Double.toString(d)) : StringLiterals.quote(v);
                } catch (java.sql.SQLException e) {
                    throw invalid(type.equals("float4") ? "real" : "double precision", v);
                }
            }
            case "interval" -> {
                return IntervalLiteral.toH2(v);
            }
            case "bytea" -> {
                return byteaLiteral(v);
            }
            default -> {
                return StringLiterals.quote(v);
            }
        }
    }

    private static boolean isFloat(String type) {
        String c = TypeNames.canonical(type);
        return c.equals("float4") || c.equals("float8");
    }

    /** How many dimensions an array literal has ({@code {{1},{2}}}: 2); 1 when it is not one. */
    static int dimensions(String text) {
        try {
            int n = 1;
            for (Object[] a = ArrayLiterals.parse(text); a.length > 0 && a[0] instanceof Object[] inner; a = inner) {
                n++;
            }
            return n;
        } catch (IllegalArgumentException e) {
            return 1;
        }
    }

    /** End (exclusive) of a type name starting at {@code i}: [schema.]name [words] [(n[,m])] [[]...]. */
    private int typeEnd(int i) {
        if (t.get(i) == null || !t.get(i).isName()) {
            return i;
        }
        int j = i + 1;
        if (t.get(j) != null && t.get(j).isDot() && t.get(j + 1) != null && t.get(j + 1).isName()) {
            j += 2;
        }
        String first = t.get(j - 1).name();
        if (TypeNames.continuesType(first, t.get(j), t.get(j + 1))) {
            j++;
        }
        if ((first.equals("timestamp") || first.equals("time")) && t.get(j) != null) {
            int k = j;
            if (t.get(k).isOpen()) {
                k = t.closing(k) + 1;
            }
            if ((t.is(k, "WITH") || t.is(k, "WITHOUT")) && t.is(k + 1, "TIME") && t.is(k + 2, "ZONE")) {
                j = k + 3;
            }
        }
        if (t.get(j) != null && t.get(j).isOpen()) {
            j = t.closing(j) + 1;
        }
        while (t.get(j) != null && t.get(j).isOp("[") && t.get(j + 1) != null && t.get(j + 1).isOp("]")) {
            j += 2;
        }
        return j;
    }
}
