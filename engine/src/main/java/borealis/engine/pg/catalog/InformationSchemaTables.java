package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.types.PgType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The columns of the information_schema views Borealis serves, in PostgreSQL 15's order, as H2
 * column definitions. They live in {@link CatalogNames#SCHEMA} beside the pg_catalog tables and are
 * filled from the same metadata ({@link InformationSchemaRows}).
 *
 * <p>PostgreSQL declares these columns with the information_schema domains; a client sees their
 * base types (RowDescription names the base type of a domain): sql_identifier is name,
 * cardinal_number is integer, character_data and yes_or_no are character varying.
 */
final class InformationSchemaTables {

    private static final String ID = PgType.NAME_COLUMN;
    private static final String NUM = "INTEGER";
    private static final String TEXT = "VARCHAR";
    private static final String YES_NO = "VARCHAR(3)";

    static final Map<String, String> DDL = new LinkedHashMap<>();

    static {
        t("schemata", "catalog_name " + ID + ", schema_name " + ID + ", schema_owner " + ID + ", default_character_set_catalog " + ID
                + ", default_character_set_schema " + ID + ", default_character_set_name " + ID + ", sql_path " + TEXT);
        t("tables", "table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", table_type " + TEXT
                + ", self_referencing_column_name " + ID + ", reference_generation " + TEXT + ", user_defined_type_catalog " + ID
                + ", user_defined_type_schema " + ID + ", user_defined_type_name " + ID + ", is_insertable_into " + YES_NO
                + ", is_typed " + YES_NO + ", commit_action " + TEXT);
        t("columns", "table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", column_name " + ID
                + ", ordinal_position " + NUM + ", column_default " + TEXT + ", is_nullable " + YES_NO + ", data_type " + TEXT
                + ", character_maximum_length " + NUM + ", character_octet_length " + NUM + ", numeric_precision " + NUM
                + ", numeric_precision_radix " + NUM + ", numeric_scale " + NUM + ", datetime_precision " + NUM
                + ", interval_type " + TEXT + ", interval_precision " + NUM + ", character_set_catalog " + ID
                + ", character_set_schema " + ID + ", character_set_name " + ID + ", collation_catalog " + ID
                + ", collation_schema " + ID + ", collation_name " + ID + ", domain_catalog " + ID + ", domain_schema " + ID
                + ", domain_name " + ID + ", udt_catalog " + ID + ", udt_schema " + ID + ", udt_name " + ID + ", scope_catalog " + ID
                + ", scope_schema " + ID + ", scope_name " + ID + ", maximum_cardinality " + NUM + ", dtd_identifier " + ID
                + ", is_self_referencing " + YES_NO + ", is_identity " + YES_NO + ", identity_generation " + TEXT
                + ", identity_start " + TEXT + ", identity_increment " + TEXT + ", identity_maximum " + TEXT
                + ", identity_minimum " + TEXT + ", identity_cycle " + YES_NO + ", is_generated " + TEXT
                + ", generation_expression " + TEXT + ", is_updatable " + YES_NO);
        t("views", "table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", view_definition " + TEXT
                + ", check_option " + TEXT + ", is_updatable " + YES_NO + ", is_insertable_into " + YES_NO
                + ", is_trigger_updatable " + YES_NO + ", is_trigger_deletable " + YES_NO + ", is_trigger_insertable_into " + YES_NO);
        t("sequences", "sequence_catalog " + ID + ", sequence_schema " + ID + ", sequence_name " + ID + ", data_type " + TEXT
                + ", numeric_precision " + NUM + ", numeric_precision_radix " + NUM + ", numeric_scale " + NUM
                + ", start_value " + TEXT + ", minimum_value " + TEXT + ", maximum_value " + TEXT + ", increment " + TEXT
                + ", cycle_option " + YES_NO);
        t("table_constraints", "constraint_catalog " + ID + ", constraint_schema " + ID + ", constraint_name " + ID
                + ", table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", constraint_type " + TEXT
                + ", is_deferrable " + YES_NO + ", initially_deferred " + YES_NO + ", enforced " + YES_NO + ", nulls_distinct " + YES_NO);
        t("key_column_usage", "constraint_catalog " + ID + ", constraint_schema " + ID + ", constraint_name " + ID
                + ", table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", column_name " + ID
                + ", ordinal_position " + NUM + ", position_in_unique_constraint " + NUM);
        t("referential_constraints", "constraint_catalog " + ID + ", constraint_schema " + ID + ", constraint_name " + ID
                + ", unique_constraint_catalog " + ID + ", unique_constraint_schema " + ID + ", unique_constraint_name " + ID
                + ", match_option " + TEXT + ", update_rule " + TEXT + ", delete_rule " + TEXT);
        t("constraint_column_usage", "table_catalog " + ID + ", table_schema " + ID + ", table_name " + ID + ", column_name " + ID
                + ", constraint_catalog " + ID + ", constraint_schema " + ID + ", constraint_name " + ID);
        t("check_constraints", "constraint_catalog " + ID + ", constraint_schema " + ID + ", constraint_name " + ID
                + ", check_clause " + TEXT);
    }

    private static void t(String name, String columns) {
        DDL.put(name, columns);
    }

    private InformationSchemaTables() {}
}
