package borealis.engine.pg.sql;

import java.util.Set;

/** The names the SQL translation routes to Borealis' own pg_catalog: relations and functions. */
public final class CatalogNames {

    /** The H2 schema holding the catalog tables and functions; owned by the instance, read-only to tenants. */
    public static final String SCHEMA = "borealis_catalog";

    /** pg_catalog relations served from {@link #SCHEMA}. */
    public static final Set<String> RELATIONS = Set.of(
            "pg_namespace", "pg_class", "pg_attribute", "pg_type", "pg_index", "pg_constraint", "pg_attrdef",
            "pg_database", "pg_roles", "pg_authid", "pg_user", "pg_auth_members", "pg_proc", "pg_description",
            "pg_am", "pg_settings", "pg_collation", "pg_sequence", "pg_sequences", "pg_tables", "pg_views",
            "pg_indexes", "pg_inherits", "pg_trigger", "pg_policy", "pg_statistic_ext", "pg_publication",
            "pg_publication_namespace", "pg_publication_rel", "pg_partitioned_table", "pg_extension", "pg_enum",
            "pg_range", "pg_depend", "pg_tablespace", "pg_rewrite", "pg_shdescription", "pg_foreign_table",
            "pg_foreign_server", "pg_foreign_data_wrapper", "pg_stat_activity", "pg_locks", "pg_matviews",
            "pg_stat_user_tables", "pg_statio_user_tables", "pg_statio_all_tables", "pg_language", "pg_operator", "pg_cast",
            "pg_event_trigger", "pg_opclass", "pg_conversion", "pg_timezone_names", "pg_available_extensions");

    /**
     * information_schema views served from {@link #SCHEMA} (in PostgreSQL's shape, filled with the
     * pg_catalog tables) when named {@code information_schema.x}; others stay H2's own.
     */
    public static final Set<String> INFORMATION_SCHEMA = Set.of("schemata", "tables", "columns", "views", "sequences",
            "table_constraints", "key_column_usage", "referential_constraints", "constraint_column_usage", "check_constraints");

    /**
     * pg_catalog relations whose rows belong to the querying session: read through the table
     * function of the same name in {@link #SCHEMA}.
     */
    public static final Set<String> SESSION_RELATIONS = Set.of("pg_prepared_statements");

    /** pg_catalog relations that are always empty in Borealis (no triggers, policies, publications, inheritance...). */
    public static final Set<String> ALWAYS_EMPTY = Set.of(
            "pg_inherits", "pg_trigger", "pg_policy", "pg_statistic_ext", "pg_publication", "pg_publication_namespace",
            "pg_publication_rel", "pg_partitioned_table", "pg_rewrite", "pg_foreign_table", "pg_foreign_server",
            "pg_foreign_data_wrapper", "pg_event_trigger", "pg_auth_members");

    /** Catalog vector columns (int2vector, oidvector) whose subscripts count from 0 in PostgreSQL. */
    static final Set<String> ZERO_BASED_VECTORS = Set.of("indkey", "indoption", "indclass", "indcollation", "i_indoption", "prattrs",
            "stxkeys");

    /**
     * The H2 column selectivity (an optimizer hint; H2's default is 50) that marks a column declared
     * GENERATED ... AS IDENTITY, as opposed to serial, which H2 makes the same kind of column.
     */
    public static final int IDENTITY_SELECTIVITY = 49;

    /** Whether an H2 identity column was declared an identity in PostgreSQL (not serial). */
    public static boolean declaredIdentity(org.h2.table.Column c) {
        return c.isIdentity() && (c.isGeneratedAlways() || c.getSelectivity() == IDENTITY_SELECTIVITY);
    }

    private CatalogNames() {}
}
