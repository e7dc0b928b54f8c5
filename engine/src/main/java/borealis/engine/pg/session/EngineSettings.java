package borealis.engine.pg.session;

import java.util.Locale;
import java.util.Set;

/**
 * Settings a tenant may not change: H2's database and node settings (which the engine refuses to
 * a non-admin user anyway, SQLSTATE 90040) and the proxy's {@code borealis.*} session
 * parameters. The PostgreSQL layer answers a SET of one of them the way PostgreSQL answers a
 * non-superuser setting a superuser-only parameter: 42501, permission denied.
 */
public final class EngineSettings {

    private static final Set<String> ADMIN_ONLY = Set.of("allow_literals", "authenticator", "binary_collation", "builtin_alias_override",
            "cache_size", "cluster", "collation", "compress_lob", "create_build", "database_event_listener", "db_close_delay",
            "default_lock_timeout", "default_table_type", "exclusive", "ignore_catalogs", "ignorecase", "java_object_serializer",
            "lock_mode", "log", "max_length_inplace_lob", "max_log_size", "max_memory_rows", "max_memory_undo", "max_operation_memory",
            "max_query_timeout", "mode", "query_statistics", "query_statistics_max_entries", "referential_integrity", "retention_time",
            "trace_level_file", "trace_level_system_out", "trace_max_file_size", "uuid_collation", "write_delay");

    private EngineSettings() {}

    /** Whether {@code name} (case-insensitive) is a setting tenants may not change. */
    public static boolean reserved(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ADMIN_ONLY.contains(n) || n.startsWith("borealis.");
    }
}
