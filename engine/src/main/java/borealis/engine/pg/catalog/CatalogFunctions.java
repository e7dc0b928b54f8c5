package borealis.engine.pg.catalog;

import borealis.engine.pg.SessionSettings;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.h2.api.Interval;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * The PostgreSQL functions H2 lacks, as Java functions H2 calls (installed with CREATE ALIAS in
 * {@link CatalogNames#SCHEMA} by the instance). Functions that read the catalog take the caller's
 * connection, so they see the same catalog rows as the query that calls them.
 */
public final class CatalogFunctions {

    private static final OffsetDateTime STARTED = OffsetDateTime.now(ZoneOffset.UTC);

    private CatalogFunctions() {}

    // ---- system information ----

    public static String version() {
        return "PostgreSQL " + SessionSettings.SERVER_VERSION + " (Borealis) on x86_64-pc-linux-gnu, compiled by javac, 64-bit";
    }

    public static String[] current_schemas(Boolean implicit) {
        return Boolean.TRUE.equals(implicit) ? new String[] {"pg_catalog", "public"} : new String[] {"public"};
    }

    public static int pg_backend_pid(Connection c) throws SQLException {
        return session(c).getId();
    }

    public static long txid_current(Connection c) throws SQLException {
        return session(c).getTransaction().getSequenceNum();
    }

    public static long pg_current_xact_id(Connection c) throws SQLException {
        return txid_current(c);
    }

    public static String pg_sleep(Connection c, Double seconds) throws SQLException, InterruptedException {
        if (seconds == null) {
            return null;
        }
        long until = System.nanoTime() + (long) (seconds * 1e9);
        SessionLocal s = session(c);
        while (System.nanoTime() < until) {
            s.checkCanceled();
            Thread.sleep(Math.max(1, Math.min(20, (until - System.nanoTime()) / 1_000_000)));
        }
        return "";
    }

    public static String pg_typeof(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return "unknown";
        }
        return TypeMapping.formatType(TypeMapping.oid(v.getType()), -1);
    }

    public static OffsetDateTime clock_timestamp() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    public static OffsetDateTime statement_timestamp() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    public static String timeofday() {
        return OffsetDateTime.now(ZoneOffset.UTC).toString();
    }

    public static OffsetDateTime pg_postmaster_start_time() {
        return STARTED;
    }

    public static OffsetDateTime pg_conf_load_time() {
        return STARTED;
    }

    public static boolean pg_is_in_recovery() {
        return false;
    }

    public static boolean pg_jit_available() {
        return false;
    }

    public static String inet_server_addr() {
        return null;
    }

    public static Integer inet_server_port() {
        return null;
    }

    public static String inet_client_addr() {
        return null;
    }

    public static Integer inet_client_port() {
        return null;
    }

    public static String pg_client_encoding() {
        return "UTF8";
    }

    public static String current_setting(String name) {
        String v = SessionSettings.defaults().get(SessionSettings.canonical(name));
        return v;
    }

    public static String current_setting(String name, Boolean missingOk) {
        return current_setting(name);
    }

    public static String[] pg_get_keywords() {
        return new String[0];
    }

    // ---- strings, numbers, dates ----

    public static String md5(String s) throws NoSuchAlgorithmException {
        if (s == null) {
            return null;
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String split_part(String s, String delimiter, Integer n) {
        if (s == null || delimiter == null || n == null) {
            return null;
        }
        if (n == 0) {
            throw new IllegalArgumentException("field position must not be zero");
        }
        List<String> parts = new ArrayList<>();
        if (delimiter.isEmpty()) {
            parts.add(s);
        } else {
            int start = 0;
            int at;
            while ((at = s.indexOf(delimiter, start)) >= 0) {
                parts.add(s.substring(start, at));
                start = at + delimiter.length();
            }
            parts.add(s.substring(start));
        }
        int idx = n > 0 ? n - 1 : parts.size() + n;
        return idx >= 0 && idx < parts.size() ? parts.get(idx) : "";
    }

    public static Integer strpos(String s, String sub) {
        if (s == null || sub == null) {
            return null;
        }
        return s.indexOf(sub) + 1;
    }

    public static String reverse(String s) {
        return s == null ? null : new StringBuilder(s).reverse().toString();
    }

    public static String quote_ident(String s) {
        return s == null ? null : CatalogBuilder.quoteIdent(s);
    }

    public static String quote_literal(String s) {
        if (s == null) {
            return null;
        }
        if (s.contains("\\")) {
            return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
        }
        return "'" + s.replace("'", "''") + "'";
    }

    public static String quote_nullable(String s) {
        return s == null ? "NULL" : quote_literal(s);
    }

    /** format(fmt, args...): %s, %I, %L and %% as PostgreSQL does. */
    public static String format(String fmt, Value... args) {
        if (fmt == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int arg = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char k = fmt.charAt(++i);
            if (k == '%') {
                sb.append('%');
                continue;
            }
            Value v = arg < args.length ? args[arg++] : null;
            String text = v == null || v == ValueNull.INSTANCE ? null : v.getString();
            switch (k) {
                case 's' -> sb.append(text == null ? "" : text);
                case 'I' -> sb.append(quote_ident(text));
                case 'L' -> sb.append(quote_nullable(text));
                default -> throw new IllegalArgumentException("unrecognized format() type specifier \"" + k + "\"");
            }
        }
        return sb.toString();
    }

    private static String arrayText(Object[] a) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < a.length; i++) {
            sb.append(i > 0 ? "," : "").append(a[i] == null ? "NULL" : a[i].toString());
        }
        return sb.append('}').toString();
    }

    public static Long div(BigDecimal a, BigDecimal b) {
        return a == null || b == null ? null : a.divideToIntegralValue(b).longValue();
    }

    public static Double cbrt(Double x) {
        return x == null ? null : Math.cbrt(x);
    }

    public static Double log10(Double x) {
        return x == null ? null : Math.log10(x);
    }

    public static int num_nulls(Value... args) {
        int n = 0;
        for (Value a : args) {
            n += a == null || a == ValueNull.INSTANCE ? 1 : 0;
        }
        return n;
    }

    public static int num_nonnulls(Value... args) {
        return args.length - num_nulls(args);
    }

    public static Integer pg_column_size(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        int len = TypeMapping.length(TypeMapping.oid(v.getType()));
        return len > 0 ? len : v.getString().getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private static LocalDateTime dateTime(Value v) {
        if (v.getValueType() == Value.TIMESTAMP_TZ) {
            return org.h2.util.JSR310Utils.valueToOffsetDateTime(v, null).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        return org.h2.util.JSR310Utils.valueToLocalDateTime(v, null);
    }

    public static String initcap(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return sb.toString();
    }

    /** age() as PostgreSQL prints it ('1 mon 2 days'); H2 cannot return a mixed interval from Java. */
    public static String age(Value a, Value b) {
        if (a == null || b == null || a == ValueNull.INSTANCE || b == ValueNull.INSTANCE) {
            return null;
        }
        return between(dateTime(b), dateTime(a));
    }

    public static String age(Value a) {
        if (a == null || a == ValueNull.INSTANCE) {
            return null;
        }
        LocalDateTime midnight = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return between(dateTime(a), midnight);
    }

    public static java.time.LocalDate make_date(Integer y, Integer m, Integer d) {
        return y == null || m == null || d == null ? null : java.time.LocalDate.of(y, m, d);
    }

    public static String to_hex(Long v) {
        return v == null ? null : Long.toHexString(v);
    }

    public static Boolean starts_with(String s, String prefix) {
        return s == null || prefix == null ? null : s.startsWith(prefix);
    }

    public static String encode(byte[] data, String format) {
        if (data == null || format == null) {
            return null;
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().formatHex(data);
            case "base64" -> java.util.Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(data);
            default -> new String(data, StandardCharsets.ISO_8859_1);
        };
    }

    public static byte[] decode(String text, String format) {
        if (text == null || format == null) {
            return null;
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().parseHex(text);
            case "base64" -> java.util.Base64.getMimeDecoder().decode(text);
            default -> text.getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    private static String between(LocalDateTime from, LocalDateTime to) {
        boolean negative = to.isBefore(from);
        LocalDateTime lo = negative ? to : from;
        LocalDateTime hi = negative ? from : to;
        Period p = Period.between(lo.toLocalDate(), hi.toLocalDate());
        LocalDateTime mid = lo.plus(p);
        if (mid.isAfter(hi)) {
            p = p.minusDays(1);
            mid = lo.plus(p);
        }
        long nanos = ChronoUnit.NANOS.between(mid, hi);
        long months = p.toTotalMonths();
        int sign = negative ? -1 : 1;
        return borealis.engine.pg.PgIntervals.text(sign * months, sign * p.getDays(), sign * nanos / 1000);
    }

    public static OffsetDateTime to_timestamp(Double epochSeconds) {
        if (epochSeconds == null) {
            return null;
        }
        long micros = (long) Math.floor(epochSeconds * 1_000_000d);
        return OffsetDateTime.ofInstant(java.time.Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** x::interval for a non-literal x (text such as '1 day'); months count as 30 days. */
    public static java.time.Duration interval_of(String text) {
        if (text == null) {
            return null;
        }
        Interval i = IntervalParser.parse(text);
        long months = i.getYears() * 12 + i.getMonths();
        java.time.Duration d = java.time.Duration.ofDays(i.getDays() + months * 30).plusHours(i.getHours()).plusMinutes(i.getMinutes())
                .plusSeconds(i.getSeconds()).plusNanos(i.getNanosOfSecond());
        return i.isNegative() ? d.negated() : d;
    }

    // ---- arrays ----

    private static Value[] elements(Value a) {
        if (a instanceof org.h2.value.ValueArray array) {
            return array.getList();
        }
        return null;
    }

    /** a[i] of a catalog integer array as PostgreSQL evaluates it: NULL outside the array. */
    public static Integer array_get(Value a, Integer i) {
        String v = array_get_text(a, i);
        return v == null ? null : Integer.valueOf(v.trim());
    }

    /** a[i] of a catalog text array: NULL outside the array. */
    public static String array_get_text(Value a, Integer i) {
        Value[] e = elements(a);
        if (e == null || i == null || i < 1 || i > e.length || e[i - 1] == ValueNull.INSTANCE) {
            return null;
        }
        return e[i - 1].getString();
    }

    public static Integer array_length(Value a, Integer dim) {
        Value[] e = elements(a);
        return e == null || dim == null || dim != 1 || e.length == 0 ? null : e.length;
    }

    public static Integer array_upper(Value a, Integer dim) {
        return array_length(a, dim);
    }

    public static Integer array_lower(Value a, Integer dim) {
        return array_length(a, dim) == null ? null : 1;
    }

    public static Integer array_ndims(Value a) {
        return array_length(a, 1) == null ? null : 1;
    }

    public static String array_dims(Value a) {
        Integer n = array_length(a, 1);
        return n == null ? null : "[1:" + n + "]";
    }

    public static Integer array_position(Value a, Value value) {
        Value[] e = elements(a);
        if (e == null) {
            return null;
        }
        boolean nullValue = value == null || value == ValueNull.INSTANCE;
        for (int i = 0; i < e.length; i++) {
            boolean elementNull = e[i] == ValueNull.INSTANCE;
            if (elementNull ? nullValue : !nullValue && e[i].getString().equals(value.getString())) {
                return i + 1;
            }
        }
        return null;
    }

    public static String[] string_to_array(String s, String delimiter) {
        if (s == null) {
            return null;
        }
        if (s.isEmpty()) {
            return new String[0];
        }
        if (delimiter == null) {
            return s.codePoints().mapToObj(Character::toString).toArray(String[]::new);
        }
        if (delimiter.isEmpty()) {
            return new String[] {s};
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        int at;
        while ((at = s.indexOf(delimiter, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + delimiter.length();
        }
        parts.add(s.substring(start));
        return parts.toArray(new String[0]);
    }

    // ---- JSON ----

    private static JSONValue parseJson(String json) {
        return JSONStringSource.parse(borealis.engine.pg.PgValues.unwrapJson(json), new JSONValueTarget());
    }

    private static JSONValue member(JSONValue v, String key) {
        if (v instanceof JSONObject o) {
            return o.getFirst(key);
        }
        if (v instanceof JSONArray a) {
            try {
                int i = Integer.parseInt(key.trim());
                JSONValue[] items = a.getArray();
                if (i < 0) {
                    i += items.length;
                }
                return i >= 0 && i < items.length ? items[i] : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public static String json_get(String json, String key) {
        if (json == null || key == null) {
            return null;
        }
        JSONValue v = member(parseJson(json), key);
        return v == null ? null : v.toString();
    }

    public static String json_get_text(String json, String key) {
        if (json == null || key == null) {
            return null;
        }
        return text(member(parseJson(json), key));
    }

    private static String text(JSONValue v) {
        if (v == null || v == org.h2.util.json.JSONNull.NULL) {
            return null;
        }
        if (v instanceof JSONString s) {
            return s.getString();
        }
        return v.toString();
    }

    private static JSONValue path(String json, String path) {
        JSONValue v = parseJson(json);
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.isEmpty()) {
            return v;
        }
        for (String k : p.split(",")) {
            v = member(v, k.trim().replace("\"", ""));
            if (v == null) {
                return null;
            }
        }
        return v;
    }

    public static String json_path(String json, String path) {
        if (json == null || path == null) {
            return null;
        }
        JSONValue v = path(json, path);
        return v == null ? null : v.toString();
    }

    public static String json_path_text(String json, String path) {
        if (json == null || path == null) {
            return null;
        }
        return text(path(json, path));
    }

    public static String json_typeof(String json) {
        if (json == null) {
            return null;
        }
        JSONValue v = parseJson(json);
        if (v instanceof JSONObject) {
            return "object";
        }
        if (v instanceof JSONArray) {
            return "array";
        }
        if (v instanceof JSONString) {
            return "string";
        }
        if (v == org.h2.util.json.JSONNull.NULL) {
            return "null";
        }
        if (v instanceof org.h2.util.json.JSONBoolean) {
            return "boolean";
        }
        return "number";
    }

    public static String jsonb_typeof(String json) {
        return json_typeof(json);
    }

    public static Integer json_array_length(String json) {
        if (json == null) {
            return null;
        }
        JSONValue v = parseJson(json);
        if (!(v instanceof JSONArray a)) {
            throw new IllegalArgumentException("cannot get array length of a non-array");
        }
        return a.getArray().length;
    }

    public static Integer jsonb_array_length(String json) {
        return json_array_length(json);
    }

    public static String json_build_object(Value... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            sb.append(i > 0 ? ", " : "").append(jsonString(kv[i].getString())).append(" : ").append(toJsonText(kv[i + 1]));
        }
        return sb.append('}').toString();
    }

    public static String jsonb_build_object(Value... kv) {
        return json_build_object(kv).replace(" : ", ": ");
    }

    public static String json_build_array(Value... values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(toJsonText(values[i]));
        }
        return sb.append(']').toString();
    }

    public static String jsonb_build_array(Value... values) {
        return json_build_array(values);
    }

    public static String to_json(Value v) {
        return v == null || v == ValueNull.INSTANCE ? null : toJsonText(v);
    }

    public static String to_jsonb(Value v) {
        return to_json(v);
    }

    public static String array_to_json(Value v) {
        return to_json(v);
    }

    public static String row_to_json(Value v) {
        return to_json(v);
    }

    static String toJsonText(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return "null";
        }
        int t = v.getValueType();
        if (t == Value.BOOLEAN || t == Value.INTEGER || t == Value.BIGINT || t == Value.SMALLINT || t == Value.TINYINT
                || t == Value.NUMERIC || t == Value.DOUBLE || t == Value.REAL || t == Value.DECFLOAT || t == Value.JSON) {
            return t == Value.BOOLEAN ? (v.getBoolean() ? "true" : "false") : v.getString();
        }
        if (v instanceof org.h2.value.ValueArray a) {
            StringBuilder sb = new StringBuilder("[");
            Value[] items = a.getList();
            for (int i = 0; i < items.length; i++) {
                sb.append(i > 0 ? "," : "").append(toJsonText(items[i]));
            }
            return sb.append(']').toString();
        }
        if (t == Value.TIMESTAMP_TZ || t == Value.TIMESTAMP) {
            return jsonString(v.getString().replace(' ', 'T'));
        }
        return jsonString(v.getString());
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---- sequences and locks ----

    public static Long setval(Connection c, String sequence, Long value) throws SQLException {
        return setval(c, sequence, value, true);
    }

    public static Long setval(Connection c, String sequence, Long value, Boolean isCalled) throws SQLException {
        if (sequence == null || value == null) {
            return null;
        }
        long next = Boolean.FALSE.equals(isCalled) ? value : value + 1;
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER SEQUENCE " + sequence + " RESTART WITH " + next);
        }
        return value;
    }

    public static Boolean pg_advisory_lock(Long key) {
        return true;
    }

    public static Boolean pg_try_advisory_lock(Long key) {
        return true;
    }

    public static Boolean pg_advisory_xact_lock(Long key) {
        return true;
    }

    public static Boolean pg_try_advisory_xact_lock(Long key) {
        return true;
    }

    public static Boolean pg_advisory_unlock(Long key) {
        return true;
    }

    public static String pg_advisory_unlock_all() {
        return "";
    }

    // ---- catalog functions ----

    public static String pg_encoding_to_char(Integer encoding) {
        return encoding == null ? null : encoding == 6 ? "UTF8" : "SQL_ASCII";
    }

    public static String pg_get_userbyid(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String name = scalar(c, "SELECT rolname FROM " + CatalogNames.SCHEMA + ".pg_roles WHERE oid = ?", oid);
        return name != null ? name : "unknown (OID=" + oid + ")";
    }

    public static String format_type(Integer oid, Integer typmod) {
        return oid == null ? null : TypeMapping.formatType(oid, typmod);
    }

    public static String pg_get_expr(String expr, Integer relation) {
        return expr;
    }

    public static String pg_get_expr(String expr, Integer relation, Boolean pretty) {
        return expr;
    }

    public static String pg_get_indexdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT borealis_def FROM " + CatalogNames.SCHEMA + ".pg_index WHERE indexrelid = ?", oid);
    }

    public static String pg_get_indexdef(Connection c, Integer oid, Integer column, Boolean pretty) throws SQLException {
        if (column == null || column == 0) {
            return pg_get_indexdef(c, oid);
        }
        return scalar(c, "SELECT a.attname FROM " + CatalogNames.SCHEMA + ".pg_index i JOIN " + CatalogNames.SCHEMA
                + ".pg_index_keys k ON k.indexrelid = i.indexrelid JOIN " + CatalogNames.SCHEMA
                + ".pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.x WHERE i.indexrelid = ? AND k.n = " + column, oid);
    }

    public static String pg_get_constraintdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT borealis_def FROM " + CatalogNames.SCHEMA + ".pg_constraint WHERE oid = ?", oid);
    }

    public static String pg_get_constraintdef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return pg_get_constraintdef(c, oid);
    }

    public static String pg_get_viewdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT v.definition FROM " + CatalogNames.SCHEMA + ".pg_views v JOIN " + CatalogNames.SCHEMA
                + ".pg_class c ON c.relname = v.viewname WHERE c.oid = ?", oid);
    }

    public static String pg_get_viewdef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return pg_get_viewdef(c, oid);
    }

    public static Boolean pg_table_is_visible(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String ns = scalar(c, "SELECT relnamespace FROM " + CatalogNames.SCHEMA + ".pg_class WHERE oid = ?", oid);
        return ns != null && (Integer.parseInt(ns) == CatalogBuilder.PUBLIC_NS || Integer.parseInt(ns) == CatalogBuilder.PG_CATALOG_NS);
    }

    public static Boolean pg_type_is_visible(Integer oid) {
        return oid == null ? null : true;
    }

    public static Boolean pg_function_is_visible(Integer oid) {
        return oid == null ? null : true;
    }

    public static String pg_get_function_result(Integer oid) {
        return null;
    }

    public static String pg_get_function_arguments(Integer oid) {
        return null;
    }

    public static String pg_get_function_identity_arguments(Integer oid) {
        return null;
    }

    public static String pg_get_triggerdef(Integer oid) {
        return null;
    }

    public static String pg_get_triggerdef(Integer oid, Boolean pretty) {
        return null;
    }

    public static Boolean pg_relation_is_publishable(Value oid) {
        return false;
    }

    public static String pg_get_statisticsobjdef_columns(Integer oid) {
        return null;
    }

    public static String pg_get_partkeydef(Integer oid) {
        return null;
    }

    /** A relation is its own (only) ancestor: Borealis has no partitions. */
    public static Integer pg_partition_ancestors(Value oid) {
        return oid == null || oid == ValueNull.INSTANCE ? null : Integer.valueOf(oid.getString().trim());
    }

    public static String obj_description(Connection c, Integer oid, String catalog) throws SQLException {
        return scalar(c, "SELECT description FROM " + CatalogNames.SCHEMA + ".pg_description WHERE objoid = ? AND objsubid = 0", oid);
    }

    public static String obj_description(Connection c, Integer oid) throws SQLException {
        return obj_description(c, oid, null);
    }

    public static String col_description(Connection c, Integer oid, Integer column) throws SQLException {
        return scalar(c, "SELECT description FROM " + CatalogNames.SCHEMA + ".pg_description WHERE objoid = ? AND objsubid = "
                + (column == null ? -1 : column), oid);
    }

    public static String shobj_description(Integer oid, String catalog) {
        return null;
    }

    public static Boolean has_table_privilege(Value... args) {
        return true;
    }

    public static Boolean has_schema_privilege(Value... args) {
        return true;
    }

    public static Boolean has_database_privilege(Value... args) {
        return true;
    }

    public static Boolean has_column_privilege(Value... args) {
        return true;
    }

    public static Boolean has_sequence_privilege(Value... args) {
        return true;
    }

    public static Boolean has_function_privilege(Value... args) {
        return true;
    }

    public static long pg_total_relation_size(Value oid) {
        return 8192;
    }

    public static long pg_relation_size(Value oid) {
        return 8192;
    }

    public static long pg_table_size(Value oid) {
        return 8192;
    }

    public static long pg_indexes_size(Value oid) {
        return 8192;
    }

    public static long pg_database_size(Value db) {
        return 8192;
    }

    public static Integer pg_relation_filenode(Integer oid) {
        return oid;
    }

    public static String pg_size_pretty(Long bytes) {
        if (bytes == null) {
            return null;
        }
        long b = bytes;
        String[] units = {"bytes", "kB", "MB", "GB", "TB"};
        int u = 0;
        while (Math.abs(b) >= 10 * 1024 && u < units.length - 1) {
            b = (b + 512) / 1024;
            u++;
        }
        return b + " " + units[u];
    }

    public static String pg_tablespace_location(Integer oid) {
        return "";
    }

    public static Boolean pg_is_other_temp_schema(Integer oid) {
        return false;
    }

    public static int pg_my_temp_schema() {
        return 0;
    }

    public static String pg_get_serial_sequence(String table, String column) {
        return null;
    }

    public static Integer to_regclass(Connection c, String name) throws SQLException {
        return regclass_lookup(c, name);
    }

    public static Integer to_regtype(String name) {
        return regtype_oid(name);
    }

    public static Long lastval(Connection c) throws SQLException {
        throw new SQLException("lastval is not yet defined in this session", "55000");
    }

    // ---- reg* types: 'name'::regclass is an OID, oid::regclass prints a name ----

    public static Integer regclass_oid(Connection c, String name) throws SQLException {
        Integer oid = regclass_lookup(c, name);
        if (oid == null) {
            throw new SQLException("relation \"" + name + "\" does not exist", "42P01");
        }
        return oid;
    }

    private static Integer regclass_lookup(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        String schema = null;
        int dot = n.lastIndexOf('.');
        if (dot > 0 && !n.endsWith("\"")) {
            schema = unquote(n.substring(0, dot));
            n = n.substring(dot + 1);
        }
        n = unquote(n);
        if ((schema == null || schema.equals("pg_catalog")) && CatalogNames.RELATIONS.contains(n)) {
            return builtinRelationOid(n);
        }
        String sql = "SELECT c.oid FROM " + CatalogNames.SCHEMA + ".pg_class c JOIN " + CatalogNames.SCHEMA
                + ".pg_namespace s ON s.oid = c.relnamespace WHERE c.relname = ?" + (schema == null ? " AND s.nspname = 'public'"
                : " AND s.nspname = '" + schema.replace("'", "''") + "'");
        String oid = scalar(c, sql, n);
        return oid == null ? null : Integer.valueOf(oid);
    }

    private static int builtinRelationOid(String name) {
        return switch (name) {
            case "pg_class" -> 1259;
            case "pg_type" -> 1247;
            case "pg_attribute" -> 1249;
            case "pg_proc" -> 1255;
            case "pg_namespace" -> 2615;
            case "pg_constraint" -> 2606;
            case "pg_index" -> 2610;
            case "pg_database" -> 1262;
            case "pg_description" -> 2609;
            default -> 1000 + Math.floorMod(name.hashCode(), 999);
        };
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    public static String regclass_name(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String name = scalar(c, "SELECT CASE WHEN s.nspname IN ('public', 'pg_catalog') THEN c.relname ELSE s.nspname || '.' || c.relname END"
                + " FROM " + CatalogNames.SCHEMA + ".pg_class c JOIN " + CatalogNames.SCHEMA
                + ".pg_namespace s ON s.oid = c.relnamespace WHERE c.oid = ?", oid);
        return name != null ? name : oid.toString();
    }

    public static Integer regtype_oid(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        for (borealis.engine.pg.PgType t : borealis.engine.pg.PgType.values()) {
            if (t.typname.equals(n) || TypeMapping.formatType(t.oid, -1).equals(n)) {
                return t.oid;
            }
        }
        return switch (n) {
            case "int" -> 23;
            case "character varying" -> 1043;
            case "timestamp" -> 1114;
            default -> null;
        };
    }

    public static String regtype_name(Integer oid) {
        return oid == null ? null : TypeMapping.formatType(oid, -1);
    }

    public static Integer regnamespace_oid(Connection c, String name) throws SQLException {
        String oid = scalar(c, "SELECT oid FROM " + CatalogNames.SCHEMA + ".pg_namespace WHERE nspname = ?", unquote(name));
        return oid == null ? null : Integer.valueOf(oid);
    }

    public static String regnamespace_name(Connection c, Integer oid) throws SQLException {
        String name = scalar(c, "SELECT nspname FROM " + CatalogNames.SCHEMA + ".pg_namespace WHERE oid = ?", oid);
        return name != null ? name : oid == null ? null : oid.toString();
    }

    public static Integer regproc_oid(String name) {
        return 0;
    }

    public static String regproc_name(Integer oid) {
        return oid == null ? null : oid == 0 ? "-" : oid.toString();
    }

    public static String regrole_name(Connection c, Integer oid) throws SQLException {
        return pg_get_userbyid(c, oid);
    }

    // ---- helpers ----

    private static SessionLocal session(Connection c) throws SQLException {
        return (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    }

    private static String scalar(Connection c, String sql, Object arg) throws SQLException {
        if (arg == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
