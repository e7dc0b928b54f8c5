package borealis.engine.pg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The run-time parameters a client can SET, SHOW and RESET (application_name, TimeZone...), with
 * PostgreSQL 15's defaults. Parameters PostgreSQL reports back with ParameterStatus are flagged.
 */
public final class SessionSettings {

    public static final String SERVER_VERSION = "15.8";

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    /** PostgreSQL's planner switches that are on by default. */
    private static final List<String> PLANNER_ON = List.of("enable_async_append", "enable_bitmapscan", "enable_gathermerge",
            "enable_hashagg", "enable_hashjoin", "enable_incremental_sort", "enable_indexonlyscan", "enable_indexscan", "enable_material",
            "enable_memoize", "enable_mergejoin", "enable_nestloop", "enable_parallel_append", "enable_parallel_hash",
            "enable_partition_pruning", "enable_seqscan", "enable_sort", "enable_tidscan", "geqo");
    /** ... and those off by default. */
    private static final List<String> PLANNER_OFF = List.of("enable_partitionwise_aggregate", "enable_partitionwise_join");
    /** Reported to the client at startup and whenever they change (GUC_REPORT in PostgreSQL). */
    private static final List<String> REPORTED = List.of("application_name", "client_encoding", "DateStyle",
            "default_transaction_read_only", "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser",
            "server_encoding", "server_version", "session_authorization", "standard_conforming_strings", "TimeZone");

    static {
        DEFAULTS.put("application_name", "");
        DEFAULTS.put("client_encoding", "UTF8");
        DEFAULTS.put("DateStyle", "ISO, MDY");
        DEFAULTS.put("default_transaction_read_only", "off");
        DEFAULTS.put("in_hot_standby", "off");
        DEFAULTS.put("integer_datetimes", "on");
        DEFAULTS.put("IntervalStyle", "postgres");
        DEFAULTS.put("is_superuser", "off");
        DEFAULTS.put("server_encoding", "UTF8");
        DEFAULTS.put("server_version", SERVER_VERSION);
        DEFAULTS.put("server_version_num", "150008");
        DEFAULTS.put("session_authorization", "");
        DEFAULTS.put("role", "none");
        DEFAULTS.put("standard_conforming_strings", "on");
        DEFAULTS.put("TimeZone", "UTC");
        DEFAULTS.put("extra_float_digits", "1");
        DEFAULTS.put("search_path", "\"$user\", public");
        DEFAULTS.put("statement_timeout", "0");
        DEFAULTS.put("lock_timeout", "0");
        DEFAULTS.put("idle_in_transaction_session_timeout", "0");
        DEFAULTS.put("transaction_isolation", "read committed");
        DEFAULTS.put("default_transaction_isolation", "read committed");
        DEFAULTS.put("transaction_read_only", "off");
        DEFAULTS.put("max_identifier_length", "63");
        DEFAULTS.put("bytea_output", "hex");
        DEFAULTS.put("client_min_messages", "notice");
        DEFAULTS.put("synchronous_commit", "on");
        DEFAULTS.put("max_connections", "100");
        DEFAULTS.put("work_mem", "4MB");
        DEFAULTS.put("jit", "off");
        DEFAULTS.put("row_security", "on");
        DEFAULTS.put("default_table_access_method", "heap");
        DEFAULTS.put("default_tablespace", "");
        DEFAULTS.put("escape_string_warning", "on");
        DEFAULTS.put("max_stack_depth", "2MB");
        DEFAULTS.put("transaction_deferrable", "off");
        DEFAULTS.put("default_transaction_deferrable", "off");
        // PostgreSQL's planner settings, with its defaults: accepted, shown and reset as PostgreSQL
        // does, without effect (the engine plans by itself). Scripts and tests set them freely.
        PLANNER_ON.forEach(name -> DEFAULTS.put(name, "on"));
        PLANNER_OFF.forEach(name -> DEFAULTS.put(name, "off"));
        DEFAULTS.put("force_parallel_mode", "off");
        DEFAULTS.put("jit_above_cost", "100000");
        DEFAULTS.put("jit_inline_above_cost", "500000");
        DEFAULTS.put("jit_optimize_above_cost", "500000");
        DEFAULTS.put("parallel_setup_cost", "1000");
        DEFAULTS.put("parallel_tuple_cost", "0.1");
        DEFAULTS.put("max_parallel_workers_per_gather", "2");
        DEFAULTS.put("min_parallel_table_scan_size", "8MB");
        DEFAULTS.put("min_parallel_index_scan_size", "512kB");
        DEFAULTS.put("random_page_cost", "4");
        DEFAULTS.put("seq_page_cost", "1");
        DEFAULTS.put("cpu_tuple_cost", "0.01");
        DEFAULTS.put("cpu_index_tuple_cost", "0.005");
        DEFAULTS.put("cpu_operator_cost", "0.0025");
        DEFAULTS.put("effective_cache_size", "4GB");
        DEFAULTS.put("from_collapse_limit", "8");
        DEFAULTS.put("join_collapse_limit", "8");
        DEFAULTS.put("plan_cache_mode", "auto");
    }

    /** Settings whose value is a Boolean: SET accepts PostgreSQL's spellings and shows on or off. */
    private static final Set<String> BOOLEAN = booleanSettings();

    private static Set<String> booleanSettings() {
        Set<String> names = new java.util.HashSet<>(List.of("escape_string_warning", "transaction_deferrable",
                "default_transaction_deferrable", "jit", "row_security"));
        names.addAll(PLANNER_ON);
        names.addAll(PLANNER_OFF);
        return Set.copyOf(names);
    }

    /**
     * A Boolean setting's value as PostgreSQL shows it ({@code on}/{@code off}) from any of its
     * spellings (on, off, true, false, yes, no, 1, 0 and unique prefixes), null when it is not one;
     * other settings' values unchanged.
     */
    public static String normalized(String name, String value) {
        if (!BOOLEAN.contains(canonical(name))) {
            return value;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("1") || v.equals("on") || !v.isEmpty() && ("true".startsWith(v) || "yes".startsWith(v))) {
            return "on";
        }
        if (v.equals("0") || v.equals("of") || v.equals("off") || !v.isEmpty() && ("false".startsWith(v) || "no".startsWith(v))) {
            return "off";
        }
        return null;
    }

    /** Startup parameters that describe the connection (who, to what, how), not settings of the session. */
    private static final Set<String> CONNECTION_PARAMETERS = Set.of("user", "database", "options", "replication");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sessionDefaults = new LinkedHashMap<>();

    /** Canonical spelling of a parameter name (names are case-insensitive). */
    public static String canonical(String name) {
        for (String k : DEFAULTS.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                return k;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The settings a session starts with, from its client's startup parameters: the ones that
     * describe the connection are left out, and session_authorization is the authenticated
     * {@code user} whatever the client sent. The one builder behind both the proxy's startup
     * ParameterStatus messages and the compute's session, so the two cannot disagree.
     */
    public static SessionSettings fromStartup(Map<String, String> startup, String user) {
        SessionSettings settings = new SessionSettings();
        startup.forEach((k, v) -> {
            if (!CONNECTION_PARAMETERS.contains(k)) {
                settings.startup(k, v);
            }
        });
        settings.startup("session_authorization", user);
        return settings;
    }

    /** Startup parameters become the session's defaults, which RESET returns to. */
    public void startup(String name, String value) {
        String key = canonical(name);
        if (key.equals("DateStyle") && value.trim().equalsIgnoreCase("ISO")) {
            value = "ISO, MDY"; // what PostgreSQL reports for DateStyle=ISO
        }
        sessionDefaults.put(key, value);
        values.put(key, value);
    }

    /** The user the session authenticated as (PostgreSQL's session_user): its startup session_authorization. */
    public String sessionUser() {
        return sessionDefaults.get("session_authorization");
    }

    public String get(String name) {
        String key = canonical(name);
        String v = values.get(key);
        if (v != null) {
            return v;
        }
        return DEFAULTS.get(key);
    }

    public boolean known(String name) {
        String key = canonical(name);
        return values.containsKey(key) || DEFAULTS.containsKey(key) || key.contains(".");
    }

    /** Sets a value; returns true if the client must be told (ParameterStatus). */
    public boolean set(String name, String value) {
        String key = canonical(name);
        values.put(key, value);
        return REPORTED.contains(key);
    }

    /** Returns to the session default; returns true if the client must be told. */
    public boolean reset(String name) {
        String key = canonical(name);
        String d = sessionDefaults.get(key);
        if (d != null) {
            values.put(key, d);
        } else {
            values.remove(key);
        }
        return REPORTED.contains(key);
    }

    public void resetAll() {
        values.clear();
        values.putAll(sessionDefaults);
    }

    /** Every reported parameter with its current value, for the startup ParameterStatus messages. */
    public Map<String, String> reported() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : REPORTED) {
            out.put(k, get(k));
        }
        return out;
    }

    /** Every value set in this session, and the session defaults (for a session moving to another node). */
    public Map<String, String> values() {
        return new LinkedHashMap<>(values);
    }

    /** Changes when a value or a session default does (cheap: for noticing that a handover would differ). */
    public int fingerprint() {
        return values.hashCode() * 31 + sessionDefaults.hashCode();
    }

    public Map<String, String> sessionDefaults() {
        return new LinkedHashMap<>(sessionDefaults);
    }

    /** Takes over the values and defaults of a session that moved here. */
    public void restore(Map<String, String> newValues, Map<String, String> newDefaults) {
        values.clear();
        values.putAll(newValues);
        sessionDefaults.clear();
        sessionDefaults.putAll(newDefaults);
    }

    public static boolean isReported(String name) {
        return REPORTED.contains(canonical(name));
    }

    public static Map<String, String> defaults() {
        return DEFAULTS;
    }
}
