package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.ArrayLiterals;
import borealis.engine.pg.types.PgType;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites inside expressions, anywhere in a statement: parameters, string literals, casts and
 * typed literals, operators H2 lacks, catalog relations and functions. Each rule works on tokens
 * and the structure they imply (parentheses, primary expressions), never on raw text.
 */
final class ExpressionRewriter {

    private static final String CAT = CatalogNames.SCHEMA;

    /** Functions served by Java functions in the catalog schema. */
    static final Set<String> CATALOG_FUNCTIONS = Set.of(
            "version", "current_schemas", "pg_backend_pid", "txid_current", "pg_current_xact_id", "pg_sleep", "pg_typeof",
            "clock_timestamp", "statement_timestamp", "timeofday", "age", "md5", "split_part", "strpos", "reverse", "format",
            "array_length", "array_upper", "array_lower", "array_position", "string_to_array", "array_ndims", "array_dims",
            "pg_encoding_to_char", "pg_get_userbyid", "format_type", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef",
            "pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible", "pg_collation_is_visible", "pg_get_function_result",
            "pg_get_function_arguments", "pg_get_function_identity_arguments", "pg_get_triggerdef", "pg_relation_is_publishable",
            "pg_get_statisticsobjdef_columns", "pg_partition_ancestors", "obj_description", "col_description",
            "shobj_description", "has_table_privilege", "has_schema_privilege", "has_database_privilege",
            "has_column_privilege", "has_sequence_privilege", "has_function_privilege", "pg_total_relation_size",
            "pg_relation_size", "pg_table_size", "pg_indexes_size", "pg_database_size", "pg_size_pretty", "pg_is_in_recovery",
            "to_regclass", "to_regtype", "quote_ident", "quote_literal", "quote_nullable", "pg_get_serial_sequence",
            "pg_get_viewdef", "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json",
            "to_jsonb", "json_typeof", "jsonb_typeof", "json_array_length", "jsonb_array_length", "setval", "lastval",
            "pg_advisory_lock", "pg_advisory_unlock", "pg_try_advisory_lock", "pg_advisory_xact_lock",
            "pg_try_advisory_xact_lock", "pg_advisory_unlock_all", "pg_advisory_lock_shared", "pg_advisory_xact_lock_shared",
            "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock_shared", "pg_advisory_unlock_shared", "pg_postmaster_start_time", "pg_conf_load_time",
            "inet_server_addr", "inet_server_port", "inet_client_addr", "inet_client_port", "current_setting", "set_config",
            "pg_get_keywords", "pg_tablespace_location", "pg_is_other_temp_schema", "pg_my_temp_schema", "to_timestamp",
            "pg_column_size", "div", "cbrt", "log10", "row_to_json", "num_nulls", "num_nonnulls", "pg_client_encoding",
            "array_to_json", "pg_relation_filenode", "pg_get_partkeydef", "pg_jit_available", "date_part",
            "regclass_oid", "regclass_name", "regtype_oid", "regtype_name", "regnamespace_oid", "regnamespace_name",
            "regproc_name", "regrole_name", "json_get", "json_get_text", "json_path", "json_path_text", "interval_of",
            "make_date", "to_hex", "starts_with", "encode", "decode", "array_get", "array_get_text", "initcap", "isfinite",
            "pg_notify", "pg_listening_channels", "pg_listening_channels_array");

    /** Functions H2 has under another name. */
    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("json_agg", "JSON_ARRAYAGG"),
            Map.entry("jsonb_agg", "JSON_ARRAYAGG"),
            Map.entry("uuid_generate_v4", "RANDOM_UUID"),
            Map.entry("transaction_timestamp", "CURRENT_TIMESTAMP"),
            Map.entry("char_length", "CHAR_LENGTH"));

    private final TokenList t;
    private final boolean ddl;
    private final DateTimeLiterals dates;
    boolean readsCatalog;

    ExpressionRewriter(TokenList t, boolean ddl, DateTimeLiterals dates) {
        this.t = t;
        this.ddl = ddl;
        this.dates = dates;
    }

    /** Runs every expression rule; returns the highest parameter number. */
    int rewrite() {
        int params = parametersAndLiterals();
        operatorsAndCollations();
        typedLiterals();
        new ArrayComparisons(t).rewrite();
        RegCasts reg = new RegCasts(t);
        reg.rewrite();
        readsCatalog |= reg.rewrote;
        casts();
        castArrayLiterals();
        arrayTypeSuffixes();
        typeWords();
        catalogAndFunctions();
        sqlValueFunctions();
        jsonOperators();
        powerOperator();
        bitwiseOperators();
        vectorSubscripts();
        new FunctionResultTypes(t).rewrite();
        new JsonbComparisons(t).rewrite();
        return params;
    }

    private int parametersAndLiterals() {
        int max = 0;
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind == SqlLexer.Kind.PARAM) {
                int n = Integer.parseInt(k.text.substring(1));
                max = Math.max(max, n);
                k.text = "?" + n;
            } else if (k.isString() && !k.text.startsWith("'")) {
                // E'...' and $$...$$: H2 wants a standard string
                k.text = StringLiterals.quote(k.stringValue());
            } else if (k.isString() && i > 0 && t.get(i - 1).isString() && !k.spaceBefore) {
                // adjacent literals never occur without whitespace; nothing to do
                continue;
            }
        }
        // 'a' 'b' separated by a newline are one literal in SQL; H2 does not accept that form
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).isString() && t.get(i - 1).isString() && t.get(i).text.startsWith("'") && t.get(i - 1).text.startsWith("'")) {
                String joined = t.get(i - 1).stringValue() + t.get(i).stringValue();
                t.get(i - 1).text = StringLiterals.quote(joined);
                t.remove(i, i + 1);
                i--;
            }
        }
        return max;
    }

    /** OPERATOR(pg_catalog.~) becomes ~; COLLATE clauses are dropped (H2 compares by its own collation). */
    private void operatorsAndCollations() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.is("OPERATOR") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                int close = t.closing(i + 1);
                if (close < t.size()) {
                    Tok op = t.get(close - 1);
                    t.replace(i, close + 1, java.util.List.of(Tok.op(op.text)));
                }
            } else if (k.is("COLLATE") && t.get(i + 1) != null && t.get(i + 1).isName()) {
                int end = i + 2;
                while (t.get(end) != null && t.get(end).isDot() && t.get(end + 1) != null && t.get(end + 1).isName()) {
                    end += 2;
                }
                t.remove(i, end);
                i--;
            }
        }
    }

    /** type 'literal' forms: interval '1 day', timestamptz '...', text '...', bool 'on'. */
    private void typedLiterals() {
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            Tok lit = t.get(i + 1);
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
                    Tok next = t.get(i + 2);
                    if (next != null && next.isWord() && isIntervalField(next.text)) {
                        continue; // H2 understands INTERVAL '1' DAY
                    }
                    String h2 = IntervalLiteral.toH2(lit.stringValue());
                    if (h2 == null) {
                        throw invalid("interval", lit.stringValue());
                    }
                    t.replace(i, i + 2, h2);
                }
                case "timestamptz" -> t.replace(i, i + 2, "TIMESTAMP WITH TIME ZONE " + lit.text);
                case "timetz" -> t.replace(i, i + 2, "TIME WITH TIME ZONE " + lit.text);
                case "text", "varchar", "name", "bpchar" -> t.replace(i, i + 2, java.util.List.of(lit));
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

    private static boolean isIntervalField(String w) {
        return switch (w.toUpperCase(Locale.ROOT)) {
            case "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND" -> true;
            default -> false;
        };
    }

    private static String boolLiteral(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "y", "yes", "on", "1" -> "TRUE";
            case "f", "false", "n", "no", "off", "0" -> "FALSE";
            default -> throw invalid("boolean", v);
        };
    }

    static PgException invalid(String type, String value) {
        return new PgException(PgError.error("22P02", "invalid input syntax for type " + type + ": \"" + value + "\""));
    }

    /** expr::type: interval and boolean literals, and PostgreSQL-only type names (reg* types: {@link RegCasts}). */
    private void casts() {
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
                String h2 = IntervalLiteral.toH2(operand.stringValue());
                if (h2 == null) {
                    throw invalid("interval", operand.stringValue());
                }
                replacement = h2;
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
            } else if (!array && type.equals("bytea") && literal && operand.stringValue().startsWith("\\x")) {
                replacement = "X'" + operand.stringValue().substring(2) + "'";
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

    private static final String JSONB_H2 = "JSON(" + borealis.engine.pg.types.PgType.JSONB_H2_LENGTH + ")";

    /** A JSON value as jsonb when {@code type} is jsonb: H2's JSON of the length that marks a jsonb column. */
    private static String jsonTyped(String json, String type) {
        return type.equals("jsonb") ? "CAST(" + json + " AS " + JSONB_H2 + ")" : json;
    }

    /**
     * CAST('{a,b}' AS t[]) (also in parentheses): the literal's elements, as '{a,b}'::t[] gives them;
     * CAST of an infinity or a BC date to a date/time type.
     */
    private void castArrayLiterals() {
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
                    double d = borealis.engine.pg.types.PgValues.parseFloat(v, type.equals("float4") ? "real" : "double precision");
                    return Double.isNaN(d) || Double.isInfinite(d) ? StringLiterals.quote(Double.toString(d)) : StringLiterals.quote(v);
                } catch (java.sql.SQLException e) {
                    throw invalid(type.equals("float4") ? "real" : "double precision", v);
                }
            }
            case "interval" -> {
                String h2 = IntervalLiteral.toH2(v);
                if (h2 == null) {
                    throw invalid("interval", v);
                }
                return h2;
            }
            case "bytea" -> {
                if (v.startsWith("\\x") && v.substring(2).matches("([0-9a-fA-F]{2})*")) {
                    return "X'" + v.substring(2) + "'";
                }
                return StringLiterals.quote(v);
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

    /** int[] becomes INT ARRAY. */
    private void arrayTypeSuffixes() {
        for (int i = 1; i + 1 < t.size(); i++) {
            // int[][] is INT ARRAY ARRAY; but ARRAY[] after "(", ",", "=" or DEFAULT is the empty
            // array constructor that '{}'::t[] and '{}' assigned to an array column become
            boolean constructor = t.get(i - 1).is("ARRAY") && !(i >= 2 && (t.get(i - 2).isName() && !t.get(i - 2).is("DEFAULT")
                    || t.get(i - 2).isClose()));
            if (t.get(i).isOp("[") && t.get(i + 1).isOp("]") && (t.get(i - 1).isName() && !constructor || t.get(i - 1).isClose())) {
                t.replace(i, i + 2, java.util.List.of(Tok.word("ARRAY")));
            }
        }
    }

    /** PostgreSQL type names H2 does not know, where a type is expected (after :: or AS in CAST, and in DDL). */
    private void typeWords() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord()) {
                continue;
            }
            boolean intervalArray = t.get(i + 1) != null && t.get(i + 1).is("ARRAY");
            if (k.is("INTERVAL") && (ddl && isColumnDefinition(i) && !(t.get(i + 1) != null && t.get(i + 1).isWord() && !intervalArray)
                    || intervalArray && i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)))) {
                k.text = "INTERVAL DAY TO SECOND";
                continue;
            }
            if (k.is("TIME") && !(t.get(i + 1) != null && t.get(i + 1).isOpen())
                    && (ddl && isColumnDefinition(i) || i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)))) {
                // PostgreSQL's time keeps microseconds; H2's defaults to whole seconds (a cast to it too)
                k.text = "TIME(6)";
                continue;
            }
            if (k.is("text") && i > 0 && t.get(i - 1).is("AS") && insideCast(i) && t.get(i + 1) != null && t.get(i + 1).isClose()) {
                k.text = PgType.TEXT_COLUMN; // CAST(x AS text) is described as text, as x::text is
                continue;
            }
            String h2 = TypeNames.h2(k.text);
            if (h2 == null || (i > 0 && t.get(i - 1).isDot()) || (t.get(i + 1) != null && (t.get(i + 1).isDot() || t.get(i + 1).isOpen()
                    && !k.is("timestamptz") && !k.is("timetz")))) {
                continue;
            }
            boolean typePosition = i > 0 && (t.get(i - 1).isOp("::") || t.get(i - 1).is("AS") && insideCast(i)
                    || ddl && (t.get(i - 1).is("TYPE") || isColumnDefinition(i)));
            if (!typePosition) {
                continue;
            }
            if ((k.is("timestamptz") || k.is("timetz")) && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                int close = t.closing(i + 1);
                String precision = t.text(i + 1, close + 1);
                t.replace(i, close + 1, (k.is("timestamptz") ? "TIMESTAMP" : "TIME") + precision + " WITH TIME ZONE");
            } else {
                t.replace(i, i + 1, k.is("timetz") ? "TIME(6) WITH TIME ZONE" : h2);
            }
        }
    }

    /** Whether token i is inside CAST( ... ). */
    private boolean insideCast(int i) {
        int depth = 0;
        for (int j = i - 1; j >= 0; j--) {
            if (t.get(j).isClose()) {
                depth++;
            } else if (t.get(j).isOpen()) {
                if (depth == 0) {
                    return j > 0 && t.get(j - 1).is("CAST");
                }
                depth--;
            }
        }
        return false;
    }

    /** Whether token i follows a column name inside CREATE TABLE (...) or ADD [COLUMN] name. */
    private boolean isColumnDefinition(int i) {
        Tok prev = t.get(i - 1);
        Tok prev2 = t.get(i - 2);
        if (prev == null || !prev.isName() || prev2 == null) {
            return false;
        }
        return prev2.isOpen() || prev2.isComma() || prev2.is("COLUMN") || prev2.is("ADD");
    }

    /**
     * A session-scoped relation as H2 reads it: a call of its table function, named after the
     * relation unless an alias follows at {@code next}.
     */
    private String sessionRelation(String name, int next) {
        Tok after = t.get(next);
        boolean aliased = after != null && (after.is("AS") || after.isName() && !Keywords.isReserved(after.name())
                && !after.is("WHERE") && !after.is("ORDER") && !after.is("GROUP") && !after.is("LIMIT") && !after.is("JOIN")
                && !after.is("LEFT") && !after.is("INNER") && !after.is("CROSS") && !after.is("OFFSET") && !after.is("FETCH"));
        return CAT + "." + name + "()" + (aliased ? "" : " AS " + name);
    }

    /** pg_catalog.x relations and functions, and functions H2 lacks. */
    private void catalogAndFunctions() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isName()) {
                continue;
            }
            boolean qualifiedPgCatalog = k.isWord() && k.name().equals("pg_catalog") && t.get(i + 1) != null && t.get(i + 1).isDot()
                    && t.get(i + 2) != null && t.get(i + 2).isName();
            if (qualifiedPgCatalog) {
                Tok name = t.get(i + 2);
                boolean call = t.get(i + 3) != null && t.get(i + 3).isOpen();
                if (call) {
                    t.remove(i, i + 2); // the function is resolved below, unqualified
                    i--;
                    continue;
                }
                k.text = CAT;
                readsCatalog = true;
                if (CatalogNames.SESSION_RELATIONS.contains(name.name())) {
                    t.replace(i, i + 3, sessionRelation(name.name(), i + 3));
                    continue;
                }
                i += 2;
                if (!CatalogNames.RELATIONS.contains(name.name()) && !name.isWord()) {
                    continue;
                }
                continue;
            }
            boolean infoSchema = k.isName() && k.name().equals("information_schema") && t.get(i + 1) != null && t.get(i + 1).isDot()
                    && t.get(i + 2) != null && t.get(i + 2).isName() && (t.get(i + 2).name().equals("_pg_expandarray")
                    || CatalogNames.INFORMATION_SCHEMA.contains(t.get(i + 2).name()) && !(t.get(i + 3) != null && t.get(i + 3).isOpen()));
            if (infoSchema) {
                t.get(i).text = CAT;
                readsCatalog = true;
                i += 2;
                continue;
            }
            if (i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            boolean call = t.get(i + 1) != null && t.get(i + 1).isOpen();
            String n = k.name();
            if (!call && k.isWord() && CatalogNames.SESSION_RELATIONS.contains(n) && !(t.get(i + 1) != null && t.get(i + 1).isDot())
                    && !(i > 0 && t.get(i - 1).is("AS"))) {
                t.replace(i, i + 1, sessionRelation(n, i + 1));
                readsCatalog = true;
                continue;
            }
            if (!call && k.isWord() && CatalogNames.RELATIONS.contains(n) && !(t.get(i + 1) != null && t.get(i + 1).isDot())
                    && !(i > 0 && t.get(i - 1).is("AS"))) {
                t.replace(i, i + 1, CAT + "." + n);
                readsCatalog = true;
                continue;
            }
            if (!call || !k.isWord()) {
                continue;
            }
            if (n.equals("now")) {
                int close = t.closing(i + 1);
                if (close == i + 2) {
                    t.replace(i, close + 1, "CURRENT_TIMESTAMP");
                }
            } else if (n.equals("current_database")) {
                int close = t.closing(i + 1);
                t.replace(i, close + 1, NAME_OF_DATABASE);
            } else if (RENAMED.containsKey(n)) {
                k.text = RENAMED.get(n);
            } else if (CATALOG_FUNCTIONS.contains(n)) {
                if (n.equals("date_part") && t.get(i + 2) != null && t.get(i + 2).isString() && t.get(i + 3) != null
                        && t.get(i + 3).isComma()) {
                    // date_part('year', x) is EXTRACT(YEAR FROM x)
                    String field = t.get(i + 2).stringValue().toUpperCase(Locale.ROOT);
                    t.replace(i, i + 4, "EXTRACT(" + field + " FROM");
                    continue;
                }
                t.replace(i, i + 1, CAT + "." + n);
                readsCatalog |= n.startsWith("pg_") || n.startsWith("reg") || n.endsWith("description") || n.equals("format_type");
                i += 2;
            }
        }
    }

    /** current_user, session_user, user, current_catalog: values of the client's session, not of H2's. */
    // Of type name, as in PostgreSQL (node-postgres and pgjdbc see OID 19): the declared length
    // marks it through H2's result metadata (PgType.NAME_LENGTH).
    private static final String NAME_OF_USER = "CAST(@borealis_user AS " + borealis.engine.pg.types.PgType.NAME_COLUMN + ")";
    private static final String NAME_OF_DATABASE = "CAST(@borealis_database AS " + borealis.engine.pg.types.PgType.NAME_COLUMN + ")";

    private void sqlValueFunctions() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord() || (i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).is("AS"))) || (t.get(i + 1) != null
                    && (t.get(i + 1).isOpen() || t.get(i + 1).isDot()))) {
                continue;
            }
            String n = k.name();
            if (n.equals("current_user") || n.equals("session_user") || (n.equals("user") && isExpressionPosition(i))
                    || n.equals("current_role")) {
                t.replace(i, i + 1, NAME_OF_USER);
            } else if (n.equals("current_catalog")) {
                t.replace(i, i + 1, NAME_OF_DATABASE);
            }
        }
    }

    private boolean isExpressionPosition(int i) {
        Tok prev = t.get(i - 1);
        return prev != null && (prev.is("SELECT") || prev.isComma() || prev.isOp("=") || prev.isOpen() || prev.is("THEN")
                || prev.is("ELSE"));
    }

    /** a->'k', a->>'k', a#>'{x,y}', a#>>'{x,y}', and containment a @> b, a <@ b (jsonb and arrays) become function calls. */
    private void jsonOperators() {
        for (int i = 1; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind != SqlLexer.Kind.OPERATOR) {
                continue;
            }
            String fn = switch (k.text) {
                case "->" -> "json_get";
                case "->>" -> "json_get_text";
                case "#>" -> "json_path";
                case "#>>" -> "json_path_text";
                case "@>" -> "jsonb_contains";
                case "<@" -> "jsonb_contained";
                case "?" -> "jsonb_exists";
                case "?|" -> "jsonb_exists_any";
                case "?&" -> "jsonb_exists_all";
                default -> null;
            };
            if (fn == null || i + 1 >= t.size()) {
                continue;
            }
            if (k.text.equals("?") && t.get(i + 1).kind == SqlLexer.Kind.NUMBER && !t.get(i + 1).spaceBefore) {
                continue; // ?1: a parameter as the engine writes it, not the jsonb operator
            }
            int start = t.primaryStart(i);
            int end = t.primaryEnd(i + 1);
            String left = t.text(start, i);
            String right = t.text(i + 1, end);
            // json_get and json_path return JSON text: read as JSON (FORMAT JSON, in parentheses, which
            // H2 also takes as an argument) so that (doc -> 'kind') = '"one"'::jsonb compares JSON values.
            String call = CAT + "." + fn + "(" + left + ", " + right + ")";
            if (fn.equals("json_get") || fn.equals("json_path")) {
                // typed as its operand (jsonb -> gives jsonb, json -> json): COALESCE takes the
                // wider of the two types, and NULLIF(x, x) is a NULL of x's type (json's length is jsonb's + 1)
                call = "COALESCE(CAST((" + call + " FORMAT JSON) AS " + JSONB_H2 + "), NULLIF(" + left + ", " + left + "))";
            }
            t.replace(start, end, call);
            i = start;
        }
    }

    /** a & b, a | b, a # b are BITAND, BITOR, BITXOR (H2 has no such operators). */
    private void bitwiseOperators() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            String fn = k.isOp("&") ? "BITAND" : k.isOp("|") ? "BITOR" : k.isOp("#") ? "BITXOR" : null;
            if (fn == null) {
                continue;
            }
            int start = t.primaryStart(i);
            int end = t.primaryEnd(i + 1);
            t.replace(start, end, fn + "(" + t.text(start, i) + ", " + t.text(i + 1, end) + ")");
            i = start;
        }
    }

    /**
     * Subscripts of catalog arrays: int2vector columns (indkey, indoption...) count from 0 in
     * PostgreSQL and H2 arrays from 1; and PostgreSQL answers NULL for an index out of range (pgjdbc
     * probes conkey[1..32]) where H2 raises an error. Both go through a catalog function.
     */
    private void vectorSubscripts() {
        for (int i = 1; i < t.size(); i++) {
            if (!t.get(i).isOp("[") || !t.get(i - 1).isName()) {
                continue;
            }
            String n = t.get(i - 1).name();
            boolean zeroBased = CatalogNames.ZERO_BASED_VECTORS.contains(n);
            boolean catalogArray = zeroBased || n.equals("conkey") || n.equals("confkey") || n.equals("proargtypes")
                    || n.equals("proallargtypes") || n.equals("proargmodes") || n.equals("proargnames");
            if (!catalogArray) {
                continue;
            }
            int close = t.closingBracket(i);
            if (close >= t.size()) {
                continue;
            }
            int start = t.primaryStart(i);
            String index = t.text(i + 1, close);
            String fn = n.equals("proargmodes") || n.equals("proargnames") ? ".array_get_text(" : ".array_get(";
            String call = CAT + fn + t.text(start, i) + ", " + (zeroBased ? "(" + index + ") + 1" : index) + ")";
            t.replace(start, close + 1, call);
            readsCatalog = true;
            i = start;
        }
    }

    /** a ^ b is POWER(a, b) (H2 has no ^ operator). */
    private void powerOperator() {
        for (int i = 1; i + 1 < t.size(); i++) {
            if (t.get(i).isOp("^")) {
                int start = t.primaryStart(i);
                int end = t.primaryEnd(i + 1);
                t.replace(start, end, "POWER(" + t.text(start, i) + ", " + t.text(i + 1, end) + ")");
                i = start;
            }
        }
    }
}
