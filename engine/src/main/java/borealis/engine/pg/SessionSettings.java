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
