package borealis.engine.pg.plpgsql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.Locale;
import java.util.Map;

/**
 * The condition names an exception handler may name ({@code WHEN unique_violation THEN}), with
 * their SQLSTATEs as PostgreSQL documents them (Appendix A, "PostgreSQL Error Codes"). The table
 * holds the classes and conditions that Borealis can raise or that clients commonly catch; a name
 * outside it is refused when the block is read, as PostgreSQL refuses a name it does not know, so
 * a handler never silently fails to match.
 */
public final class Conditions {

    /** Matches every error but a cancel and a failed ASSERT, as PostgreSQL's OTHERS does. */
    public static final String OTHERS = "others";

    private static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("feature_not_supported", "0A000"),
            Map.entry("cardinality_violation", "21000"),
            // class 22: data exceptions
            Map.entry("data_exception", "22000"),
            Map.entry("string_data_right_truncation", "22001"),
            Map.entry("numeric_value_out_of_range", "22003"),
            Map.entry("null_value_not_allowed", "22004"),
            Map.entry("invalid_datetime_format", "22007"),
            Map.entry("datetime_field_overflow", "22008"),
            Map.entry("division_by_zero", "22012"),
            Map.entry("character_not_in_repertoire", "22021"),
            Map.entry("invalid_parameter_value", "22023"),
            Map.entry("invalid_escape_sequence", "22025"),
            Map.entry("invalid_regular_expression", "2201B"),
            Map.entry("invalid_text_representation", "22P02"),
            Map.entry("invalid_binary_representation", "22P03"),
            Map.entry("bad_copy_file_format", "22P04"),
            // class 23: integrity constraints
            Map.entry("integrity_constraint_violation", "23000"),
            Map.entry("restrict_violation", "23001"),
            Map.entry("not_null_violation", "23502"),
            Map.entry("foreign_key_violation", "23503"),
            Map.entry("unique_violation", "23505"),
            Map.entry("check_violation", "23514"),
            Map.entry("exclusion_violation", "23P01"),
            // class 25: transaction state
            Map.entry("invalid_transaction_state", "25000"),
            Map.entry("read_only_sql_transaction", "25006"),
            Map.entry("in_failed_sql_transaction", "25P02"),
            Map.entry("invalid_cursor_state", "24000"),
            Map.entry("invalid_authorization_specification", "28000"),
            Map.entry("dependent_privilege_descriptors_still_exist", "2B000"),
            Map.entry("dependent_objects_still_exist", "2BP01"),
            Map.entry("invalid_cursor_name", "34000"),
            Map.entry("savepoint_exception", "3B000"),
            Map.entry("invalid_savepoint_specification", "3B001"),
            Map.entry("invalid_catalog_name", "3D000"),
            Map.entry("invalid_schema_name", "3F000"),
            // class 40: transaction rollback
            Map.entry("transaction_rollback", "40000"),
            Map.entry("serialization_failure", "40001"),
            Map.entry("deadlock_detected", "40P01"),
            // class 42: syntax errors and access rules
            Map.entry("syntax_error_or_access_rule_violation", "42000"),
            Map.entry("insufficient_privilege", "42501"),
            Map.entry("syntax_error", "42601"),
            Map.entry("invalid_name", "42602"),
            Map.entry("name_too_long", "42622"),
            Map.entry("undefined_column", "42703"),
            Map.entry("undefined_object", "42704"),
            Map.entry("duplicate_column", "42701"),
            Map.entry("ambiguous_column", "42702"),
            Map.entry("duplicate_object", "42710"),
            Map.entry("duplicate_alias", "42712"),
            Map.entry("duplicate_function", "42723"),
            Map.entry("ambiguous_function", "42725"),
            Map.entry("grouping_error", "42803"),
            Map.entry("datatype_mismatch", "42804"),
            Map.entry("wrong_object_type", "42809"),
            Map.entry("invalid_foreign_key", "42830"),
            Map.entry("cannot_coerce", "42846"),
            Map.entry("undefined_function", "42883"),
            Map.entry("reserved_name", "42939"),
            Map.entry("undefined_table", "42P01"),
            Map.entry("undefined_parameter", "42P02"),
            Map.entry("duplicate_cursor", "42P03"),
            Map.entry("duplicate_database", "42P04"),
            Map.entry("duplicate_prepared_statement", "42P05"),
            Map.entry("duplicate_schema", "42P06"),
            Map.entry("duplicate_table", "42P07"),
            Map.entry("invalid_column_reference", "42P10"),
            Map.entry("invalid_table_definition", "42P16"),
            Map.entry("invalid_object_definition", "42P17"),
            // resources, limits, object state, operator intervention
            Map.entry("insufficient_resources", "53000"),
            Map.entry("disk_full", "53100"),
            Map.entry("out_of_memory", "53200"),
            Map.entry("program_limit_exceeded", "54000"),
            Map.entry("statement_too_complex", "54001"),
            Map.entry("object_not_in_prerequisite_state", "55000"),
            Map.entry("object_in_use", "55006"),
            Map.entry("lock_not_available", "55P03"),
            Map.entry("operator_intervention", "57000"),
            Map.entry("query_canceled", "57014"),
            // PL/pgSQL's own and internal errors
            Map.entry("plpgsql_error", "P0000"),
            Map.entry("raise_exception", "P0001"),
            Map.entry("no_data_found", "P0002"),
            Map.entry("too_many_rows", "P0003"),
            Map.entry("assert_failure", "P0004"),
            Map.entry("internal_error", "XX000"));

    private Conditions() {}

    /** The SQLSTATE of a condition name, or {@link #OTHERS}; 42704 for a name PostgreSQL would not know either. */
    public static String code(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals(OTHERS)) {
            return OTHERS;
        }
        String code = CODES.get(n);
        if (code == null) {
            throw new PgException(PgError.error("42704", "unrecognized exception condition \"" + n + "\""));
        }
        return code;
    }

    /** A {@code SQLSTATE 'xxxxx'} condition: five digits or upper-case letters. */
    public static String sqlState(String code) {
        if (!code.matches("[0-9A-Z]{5}")) {
            throw new PgException(PgError.error("42601", "invalid SQLSTATE code"));
        }
        return code;
    }

    /**
     * Whether an error of SQLSTATE {@code state} is caught by a handler for {@code condition}: the
     * same code, or any code of a class when the condition names the class (its code ends in 000),
     * or anything but a cancel or a failed assertion for OTHERS (those end the block whatever it says).
     */
    public static boolean matches(String condition, String state) {
        if (condition.equals(OTHERS)) {
            return !state.equals("57014") && !state.equals("P0004");
        }
        if (condition.endsWith("000")) {
            return state.startsWith(condition.substring(0, 2));
        }
        return condition.equals(state);
    }
}
