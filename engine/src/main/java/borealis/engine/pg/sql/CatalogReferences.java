package borealis.engine.pg.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * References to the catalog and to functions H2 lacks: pg_catalog and information_schema
 * relations, session-scoped relations, functions served by the catalog schema or known to H2 under
 * another name, SQL value functions of the client's session (current_user...), and subscripts of
 * catalog arrays.
 */
final class CatalogReferences {

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
            "pg_notify", "pg_listening_channels", "pg_listening_channels_array", "to_char");

    /** Functions H2 has under another name. */
    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("uuid_generate_v4", "RANDOM_UUID"),
            Map.entry("transaction_timestamp", "CURRENT_TIMESTAMP"),
            Map.entry("char_length", "CHAR_LENGTH"));

    private final TokenList t;
    /** The statement reads the catalog (its relations or functions). */
    boolean readsCatalog;

    CatalogReferences(TokenList t) {
        this.t = t;
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
    void catalogAndFunctions() {
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
            if (!call && k.isWord() && (n.equals("localtime") || n.equals("current_time")) && !(i > 0 && t.get(i - 1).is("AS"))) {
                // H2's are to the second unless given a precision, PostgreSQL's to the microsecond
                t.replace(i, i + 1, n.toUpperCase(Locale.ROOT) + "(6)");
                continue;
            }
            if (!call || !k.isWord()) {
                continue;
            }
            if (n.equals("json_object") && !t.is(i + 2, "KEY")) {
                // PostgreSQL 15's json_object(text[] [, text[]]); H2 parses the name as its own
                // JSON_OBJECT(KEY ... VALUE ...), which RowValues writes
                t.replace(i, i + 1, CAT + ".json_object_text");
                i += 2;
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
                    // date_part('year', x) is EXTRACT(YEAR FROM x) as a double precision (25, not 25.000000)
                    String field = t.get(i + 2).stringValue().toUpperCase(Locale.ROOT);
                    int close = t.closing(i + 1);
                    t.insert(close + 1, " AS DOUBLE PRECISION)");
                    t.replace(i, i + 4, "CAST(EXTRACT(" + field + " FROM");
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

    void sqlValueFunctions() {
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

    /**
     * Subscripts of catalog arrays: int2vector columns (indkey, indoption...) count from 0 in
     * PostgreSQL and H2 arrays from 1; and PostgreSQL answers NULL for an index out of range (pgjdbc
     * probes conkey[1..32]) where H2 raises an error. Both go through a catalog function.
     */
    void vectorSubscripts() {
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
}
