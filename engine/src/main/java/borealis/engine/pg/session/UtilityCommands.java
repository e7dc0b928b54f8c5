package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.sql.SqlLexer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SET, SHOW and RESET, and the options of BEGIN / SET TRANSACTION: parsed from tokens, applied to
 * the session's settings, and where H2 has an equivalent (isolation, time zone, statement
 * timeout), to the H2 connection too.
 */
final class UtilityCommands {

    private final SessionSettings settings;
    /** The zone TimeZone names now (read once per change, not per value shown). */
    private volatile java.time.ZoneId zone = borealis.engine.pg.types.SessionTimeZone.DEFAULT;

    UtilityCommands(SessionSettings settings) {
        this.settings = settings;
    }

    /** Runs a SET; returns the reported parameters that changed, with their new values. */
    Map<String, String> set(String sql, Connection conn) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        int i = 1;
        if (i < t.size() && (t.get(i).is("SESSION") || t.get(i).is("LOCAL")) && !(i + 1 < t.size() && t.get(i + 1).is("CHARACTERISTICS"))) {
            if (!(t.get(i).is("SESSION") && i + 1 < t.size() && t.get(i + 1).is("AUTHORIZATION"))) {
                i++;
            }
        }
        Map<String, String> changed = new LinkedHashMap<>();
        if (i >= t.size()) {
            throw syntax(sql);
        }
        if (t.get(i).is("TRANSACTION") || t.get(i).is("SESSION") && i + 1 < t.size() && t.get(i + 1).is("CHARACTERISTICS")) {
            transactionOptions(sql, conn);
            return changed;
        }
        String name;
        String value;
        if (t.get(i).is("SESSION") && i + 1 < t.size() && t.get(i + 1).is("AUTHORIZATION")) {
            name = "session_authorization";
            value = valueOf(t, i + 2);
        } else if (t.get(i).is("TIME") && i + 1 < t.size() && t.get(i + 1).is("ZONE")) {
            name = "TimeZone";
            value = valueOf(t, i + 2);
        } else if (t.get(i).is("NAMES")) {
            name = "client_encoding";
            value = valueOf(t, i + 1);
        } else {
            name = identifier(t.get(i));
            int j = i + 1;
            // Qualified custom parameters: myapp.setting
            while (j + 1 < t.size() && t.get(j).text().equals(".")) {
                name += "." + identifier(t.get(j + 1));
                j += 2;
            }
            if (j < t.size() && (t.get(j).is("TO") || t.get(j).text().equals("="))) {
                j++;
            }
            value = valueOf(t, j);
        }
        return assign(name, value, conn);
    }

    /** set_config(name, value, is_local): as SET; returns the new value. */
    String setConfig(String name, String value, Connection conn) throws SQLException {
        assign(name, value, conn);
        return settings.get(name);
    }

    /** current_setting(name [, missing_ok]). */
    String currentSetting(String name, boolean missingOk) {
        if (!settings.known(name)) {
            if (missingOk) {
                return null;
            }
            throw new PgException(PgError.error("42704", "unrecognized configuration parameter \"" + name + "\""));
        }
        return settings.get(name);
    }

    /** Gives a parameter a value (null: its default), checked as SET checks it; the reported parameters that changed. */
    private Map<String, String> assign(String name, String value, Connection conn) throws SQLException {
        Map<String, String> changed = new LinkedHashMap<>();
        if (borealis.engine.pg.session.EngineSettings.reserved(name)) {
            throw new PgException(PgError.error("42501", "permission denied to set parameter \"" + name + "\""));
        }
        value = checkIdentity(SessionSettings.canonical(name), value);
        if (!settings.known(name)) {
            throw new PgException(PgError.error("42704", "unrecognized configuration parameter \"" + name + "\""));
        }
        if (value == null) {
            if (settings.reset(name) && SessionSettings.isReported(name)) {
                changed.put(SessionSettings.canonical(name), settings.get(name));
            }
            if (SessionSettings.canonical(name).equals("TimeZone")) {
                applyTimeZone(conn);
            }
            return changed;
        }
        if (SessionSettings.canonical(name).equals("TimeZone")) {
            if (value.equalsIgnoreCase("local")) {
                return assign(name, null, conn); // SET TIME ZONE LOCAL: the default
            }
            borealis.engine.pg.types.SessionTimeZone.Zone z = timeZone(value);
            applyTimeZone(z.id(), conn);
            value = z.shown();
        }
        if (SessionSettings.canonical(name).equals("extra_float_digits")) {
            value = floatDigits(value);
        }
        String shown = SessionSettings.normalized(name, value);
        if (shown == null) {
            throw new PgException(PgError.error("22023", "parameter \"" + SessionSettings.canonical(name) + "\" requires a Boolean value"));
        }
        value = shown;
        apply(SessionSettings.canonical(name), value, conn);
        if (settings.set(name, value)) {
            changed.put(SessionSettings.canonical(name), value);
        }
        return changed;
    }

    /**
     * SET ROLE and SET SESSION AUTHORIZATION as PostgreSQL allows them to a user who is not a
     * superuser (no database user of a cluster is one): to itself, or back to the default. Returns
     * the value to set (null: reset).
     */
    private String checkIdentity(String name, String value) {
        String me = settings.sessionUser();
        if (name.equals("role")) {
            if (value == null || value.equalsIgnoreCase("none")) {
                return null;
            }
            if (!value.equals(me)) {
                throw new PgException(PgError.error("42501", "permission denied to set role \"" + value + "\""));
            }
        } else if (name.equals("session_authorization") && value != null && !value.equals(me)) {
            throw new PgException(PgError.error("42501", "permission denied to set session authorization \"" + value + "\""));
        }
        return value;
    }

    private void apply(String name, String value, Connection conn) throws SQLException {
        switch (name) {
            case "client_encoding" -> {
                String v = value.toUpperCase(Locale.ROOT).replace("-", "");
                if (!v.equals("UTF8") && !v.equals("UNICODE")) {
                    throw new PgException(PgError.error("22023", "invalid value for parameter \"client_encoding\": \"" + value
                            + "\" (only UTF8 is supported)"));
                }
            }
            case "statement_timeout" -> {
                long ms = parseMillis(value);
                try (Statement s = conn.createStatement()) {
                    s.execute("SET QUERY_TIMEOUT " + ms); // sql-built: a number computed here
                }
            }
            case "transaction_isolation", "default_transaction_isolation" -> conn.setTransactionIsolation(isolation(value));
            case "search_path" -> SearchPath.apply(conn, value, settings.sessionUser());
            default -> { }
        }
    }

    /** The zone a TimeZone value names; 22023 as PostgreSQL's when it names none. */
    private static borealis.engine.pg.types.SessionTimeZone.Zone timeZone(String value) {
        borealis.engine.pg.types.SessionTimeZone.Zone z = borealis.engine.pg.types.SessionTimeZone.of(value);
        if (z == null) {
            throw new PgException(PgError.error("22023", "invalid value for parameter \"TimeZone\": \"" + value + "\""));
        }
        return z;
    }

    /**
     * Makes the session's TimeZone the engine's too (timestamp to timestamptz conversions, now()),
     * as it stands in the settings; a value the startup packet gave that names no zone leaves UTC.
     */
    void applyTimeZone(Connection conn) {
        String value = settings.get("TimeZone");
        borealis.engine.pg.types.SessionTimeZone.Zone z = value == null ? null : borealis.engine.pg.types.SessionTimeZone.of(value);
        try {
            applyTimeZone(z == null ? borealis.engine.pg.types.SessionTimeZone.DEFAULT : z.id(), conn);
        } catch (SQLException e) {
            // a session opens (or opens again elsewhere) whatever the engine says to its zone
            org.slf4j.LoggerFactory.getLogger(UtilityCommands.class).warn("TimeZone {} not applied to the engine: {}", value, e.toString());
        }
    }

    private void applyTimeZone(java.time.ZoneId id, Connection conn) throws SQLException {
        if (id.equals(zone)) {
            return;
        }
        try (java.sql.PreparedStatement ps = conn.prepareStatement("SET TIME ZONE ?")) {
            ps.setString(1, id instanceof java.time.ZoneOffset o ? o.getId().replace("Z", "+00:00") : id.getId());
            ps.execute();
        }
        zone = id;
    }

    /** An extra_float_digits value as PostgreSQL checks it: an integer from -15 to 3. */
    private static String floatDigits(String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PgException(PgError.error("22023", "invalid value for parameter \"extra_float_digits\": \"" + value + "\""));
        }
        if (n < -15 || n > 3) {
            throw new PgException(PgError.error("22023", n + " is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)"));
        }
        return Integer.toString(n);
    }

    /** Whether bytea values are sent in the escape format (bytea_output = escape) rather than hex. */
    boolean byteaEscape() {
        return "escape".equalsIgnoreCase(settings.get("bytea_output"));
    }

    /** The session's extra_float_digits (1, the default, when it does not read as a number). */
    int extraFloatDigits() {
        String v = settings.get("extra_float_digits");
        if (v == null || v.equals("1")) {
            return 1;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The session's time zone, in which a timestamptz is shown. */
    java.time.ZoneId zone() {
        return zone;
    }

    /** Parses "30s", "500ms", "1min", "0" into milliseconds. */
    static long parseMillis(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Long.parseLong(v.substring(0, v.length() - 2).trim());
            }
            if (v.endsWith("min")) {
                return Long.parseLong(v.substring(0, v.length() - 3).trim()) * 60_000;
            }
            if (v.endsWith("s")) {
                return Long.parseLong(v.substring(0, v.length() - 1).trim()) * 1000;
            }
            if (v.endsWith("h")) {
                return Long.parseLong(v.substring(0, v.length() - 1).trim()) * 3_600_000;
            }
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new PgException(PgError.error("22023", "invalid value for parameter \"statement_timeout\": \"" + value + "\""));
        }
    }

    /** ISOLATION LEVEL, READ ONLY / READ WRITE options of BEGIN, START TRANSACTION or SET TRANSACTION. */
    void transactionOptions(String sql, Connection conn) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).is("ISOLATION") && i + 2 < t.size() && t.get(i + 1).is("LEVEL")) {
                String level = t.get(i + 2).keyword() + (i + 3 < t.size() ? " " + t.get(i + 3).keyword() : "");
                conn.setTransactionIsolation(isolation(level));
                settings.set("transaction_isolation", levelName(level));
            } else if (t.get(i).is("READ") && i + 1 < t.size() && (t.get(i + 1).is("ONLY") || t.get(i + 1).is("WRITE"))
                    && !(i > 0 && t.get(i - 1).is("LEVEL"))) {
                // SET SESSION CHARACTERISTICS sets the default of later transactions; BEGIN and SET TRANSACTION, this one.
                boolean session = t.size() > 1 && t.get(1).is("SESSION");
                settings.set(session ? "default_transaction_read_only" : "transaction_read_only", t.get(i + 1).is("ONLY") ? "on" : "off");
            } else if (t.get(i).is("DEFERRABLE")) {
                boolean session = t.size() > 1 && t.get(1).is("SESSION");
                settings.set(session ? "default_transaction_deferrable" : "transaction_deferrable",
                        i > 0 && t.get(i - 1).is("NOT") ? "off" : "on");
            }
        }
    }

    /** Whether the transaction a statement runs in now is read-only (in a block: its own setting; else the session's default). */
    boolean readOnly(boolean inBlock) {
        return "on".equalsIgnoreCase(settings.get(inBlock ? "transaction_read_only" : "default_transaction_read_only"));
    }

    /** A block begins: it is read-only as the session's default says, until its options say otherwise. */
    void blockBegins() {
        settings.set("transaction_read_only", settings.get("default_transaction_read_only"));
        settings.set("transaction_deferrable", settings.get("default_transaction_deferrable"));
    }

    private static int isolation(String level) {
        String l = level.toUpperCase(Locale.ROOT).replace("-", " ");
        if (l.startsWith("SERIALIZABLE")) {
            return Connection.TRANSACTION_SERIALIZABLE;
        }
        if (l.startsWith("REPEATABLE")) {
            return Connection.TRANSACTION_REPEATABLE_READ;
        }
        if (l.startsWith("READ UNCOMMITTED")) {
            return Connection.TRANSACTION_READ_UNCOMMITTED;
        }
        return Connection.TRANSACTION_READ_COMMITTED;
    }

    private static String levelName(String level) {
        return switch (isolation(level)) {
            case Connection.TRANSACTION_SERIALIZABLE -> "serializable";
            case Connection.TRANSACTION_REPEATABLE_READ -> "repeatable read";
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "read uncommitted";
            default -> "read committed";
        };
    }

    /** RESET name | RESET ALL. */
    Map<String, String> reset(String sql) {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        Map<String, String> changed = new LinkedHashMap<>();
        if (t.size() < 2) {
            throw syntax(sql);
        }
        if (t.get(1).is("ALL")) {
            Map<String, String> before = settings.reported();
            settings.resetAll();
            settings.reported().forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    changed.put(k, v);
                }
            });
            return changed;
        }
        String name = t.get(1).is("TIME") ? "TimeZone"
                : t.get(1).is("SESSION") && t.size() > 2 && t.get(2).is("AUTHORIZATION") ? "session_authorization" : identifier(t.get(1));
        if (!settings.known(name)) {
            throw new PgException(PgError.error("42704", "unrecognized configuration parameter \"" + name + "\""));
        }
        if (settings.reset(name)) {
            changed.put(SessionSettings.canonical(name), settings.get(name));
        }
        return changed;
    }

    /** Column names of a SHOW. */
    String[] showColumns(String sql) {
        String name = showName(sql);
        if (name.equals("all")) {
            return new String[] {"name", "setting", "description"};
        }
        return new String[] {SessionSettings.defaults().containsKey(name) ? name : name.toLowerCase(Locale.ROOT)};
    }

    /** Rows of a SHOW. */
    String[][] show(String sql) {
        String name = showName(sql);
        if (name.equals("all")) {
            List<String[]> rows = new ArrayList<>();
            for (String k : SessionSettings.defaults().keySet()) {
                rows.add(new String[] {k, settings.get(k), ""});
            }
            return rows.toArray(new String[0][]);
        }
        if (!settings.known(name)) {
            throw new PgException(PgError.error("42704", "unrecognized configuration parameter \"" + name + "\""));
        }
        return new String[][] {{settings.get(name)}};
    }

    private static String showName(String sql) {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        if (t.size() < 2) {
            throw syntax(sql);
        }
        if (t.get(1).is("TRANSACTION") && t.size() > 2 && t.get(2).is("ISOLATION")) {
            return "transaction_isolation";
        }
        if (t.get(1).is("TIME") && t.size() > 2 && t.get(2).is("ZONE")) {
            return "TimeZone";
        }
        if (t.get(1).is("ALL")) {
            return "all";
        }
        String name = identifier(t.get(1));
        for (int i = 2; i + 1 < t.size() && t.get(i).text().equals("."); i += 2) {
            name += "." + identifier(t.get(i + 1));
        }
        return SessionSettings.canonical(name);
    }

    private static String identifier(SqlLexer.Token t) {
        if (t.kind() == SqlLexer.Kind.QUOTED_IDENT) {
            return t.text().substring(1, t.text().length() - 1);
        }
        return t.text();
    }

    /** The value part of a SET: words, numbers, quoted strings, comma lists; null means DEFAULT. */
    private static String valueOf(List<SqlLexer.Token> t, int from) {
        if (from >= t.size()) {
            throw new PgException(PgError.error("42601", "syntax error at end of input"));
        }
        if (t.get(from).is("DEFAULT") && from == t.size() - 1) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < t.size(); i++) {
            SqlLexer.Token tok = t.get(i);
            if (tok.kind() == SqlLexer.Kind.COMMA) {
                sb.append(", ");
                continue;
            }
            String text = tok.text();
            if (tok.kind() == SqlLexer.Kind.STRING) {
                text = text.startsWith("E") || text.startsWith("e") ? text.substring(2, text.length() - 1)
                        : text.substring(1, text.length() - 1).replace("''", "'");
            }
            if (sb.length() > 0 && !sb.toString().endsWith(", ") && !text.equals("-") && !sb.toString().endsWith("-")) {
                sb.append(' ');
            }
            sb.append(text);
        }
        return sb.toString();
    }

    private static PgException syntax(String sql) {
        return new PgException(PgError.error("42601", "syntax error in \"" + sql + "\""));
    }
}
