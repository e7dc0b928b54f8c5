package borealis.engine.pg.catalog;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlQuoting;
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
 * System information, sequences and advisory locks for clients (version(), current_schemas(),
 * pg_backend_pid(), pg_sleep(), setval()...): Java functions H2 calls, installed by {@link PgCatalog}.
 */
public final class SystemFunctions {

    private static final OffsetDateTime STARTED = OffsetDateTime.now(ZoneOffset.UTC);

    private SystemFunctions() {}

    // ---- system information ----

    public static String version() {
        return "PostgreSQL " + SessionSettings.SERVER_VERSION + " (Borealis) on x86_64-pc-linux-gnu, compiled by javac, 64-bit";
    }

    /** The schemas of the session's search_path that exist, in order (pg_catalog first when {@code implicit}). */
    public static String[] current_schemas(Connection c, Boolean implicit) throws SQLException {
        List<String> out = new ArrayList<>();
        if (Boolean.TRUE.equals(implicit)) {
            out.add("pg_catalog");
        }
        String[] path = CatalogFunctions.session(c).getSchemaSearchPath();
        if (path != null) {
            for (String schema : path) {
                if (!schema.equals(CatalogNames.SCHEMA)) {
                    out.add(schema);
                }
            }
        }
        return out.toArray(new String[0]);
    }

    public static int pg_backend_pid(Connection c) throws SQLException {
        NotifyPort session = NotifyPort.Registry.find(c);
        return session != null ? session.processId() : CatalogFunctions.session(c).getId();
    }

    /** Notifies {@code channel} when the transaction commits (see {@link NotifyPort}); PostgreSQL's result is void. */
    public static String pg_notify(Connection c, String channel, String payload) throws SQLException {
        NotifyPort.Registry.of(c).notify(channel, payload);
        return "";
    }

    /** The channels the session listens on, as a set-returning function. */
    public static ResultSet pg_listening_channels(Connection c) throws SQLException {
        org.h2.tools.SimpleResultSet rs = new org.h2.tools.SimpleResultSet();
        rs.addColumn("pg_listening_channels", java.sql.Types.VARCHAR, Integer.MAX_VALUE, 0);
        // H2 first asks for the columns only, on a connection of its own.
        if (c.getMetaData().getURL().equals("jdbc:columnlist:connection")) {
            return rs;
        }
        for (String channel : NotifyPort.Registry.of(c).listeningChannels()) {
            rs.addRow(channel);
        }
        return rs;
    }

    /** The same as an array: what {@code pg_listening_channels()} in a select list reads (see SelectListFunctions). */
    public static String[] pg_listening_channels_array(Connection c) throws SQLException {
        return NotifyPort.Registry.of(c).listeningChannels().toArray(new String[0]);
    }

    public static long txid_current(Connection c) throws SQLException {
        return CatalogFunctions.session(c).getTransaction().getSequenceNum();
    }

    public static long pg_current_xact_id(Connection c) throws SQLException {
        return txid_current(c);
    }

    public static String pg_sleep(Connection c, Double seconds) throws SQLException, InterruptedException {
        if (seconds == null) {
            return null;
        }
        long until = System.nanoTime() + (long) (seconds * 1e9);
        SessionLocal s = CatalogFunctions.session(c);
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

    /** The session's value of a parameter (the defaults outside a client session: maintenance, tools). */
    public static String current_setting(Connection c, String name) throws SQLException {
        return current_setting(c, name, false);
    }

    public static String current_setting(Connection c, String name, Boolean missingOk) throws SQLException {
        if (name == null) {
            return null;
        }
        SessionConfig config = SessionConfig.Registry.of(c);
        if (config != null) {
            return config.get(name, Boolean.TRUE.equals(missingOk));
        }
        return SessionSettings.defaults().get(SessionSettings.canonical(name));
    }

    /** SET from inside a statement ({@code is_local}: until the transaction ends, as SET LOCAL). */
    public static String set_config(Connection c, String name, String value, Boolean isLocal) throws SQLException {
        if (name == null) {
            throw new SQLException("NULL value not allowed for set_config's parameter name", "22004");
        }
        SessionConfig config = SessionConfig.Registry.of(c);
        if (config == null) {
            throw new SQLException("set_config is available in client sessions only", "0A000");
        }
        return config.set(name, value, Boolean.TRUE.equals(isLocal));
    }

    /**
     * pg_get_keywords() as a set-returning function, with PostgreSQL 15's list (pg_keywords.tsv):
     * pgjdbc's getSQLKeywords() reads it, and Hibernate and Liquibase read that at start-up.
     */
    public static ResultSet pg_get_keywords(Connection c) throws SQLException {
        org.h2.tools.SimpleResultSet rs = new org.h2.tools.SimpleResultSet();
        rs.addColumn("word", java.sql.Types.VARCHAR, Integer.MAX_VALUE, 0);
        rs.addColumn("catcode", java.sql.Types.CHAR, 1, 0);
        rs.addColumn("barelabel", java.sql.Types.BOOLEAN, 1, 0);
        rs.addColumn("catdesc", java.sql.Types.VARCHAR, Integer.MAX_VALUE, 0);
        rs.addColumn("baredesc", java.sql.Types.VARCHAR, Integer.MAX_VALUE, 0);
        // H2 first asks for the columns only, on a connection of its own.
        if (c.getMetaData().getURL().equals("jdbc:columnlist:connection")) {
            return rs;
        }
        for (String[] k : KEYWORDS) {
            rs.addRow(k[0], k[1], k[2].equals("t"), k[3], k[4]);
        }
        return rs;
    }

    private static final List<String[]> KEYWORDS = keywords();

    private static List<String[]> keywords() {
        try (var in = SystemFunctions.class.getResourceAsStream("pg_keywords.tsv")) {
            List<String[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split("\t", -1));
                }
            }
            return List.copyOf(out);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("pg_keywords.tsv is missing from the engine's resources", e);
        }
    }

    // ---- sequences and locks ----

    /**
     * nextval('name') after the translator parsed the name ({@code schema} null when unqualified):
     * a sequence, or the one behind a serial column by its PostgreSQL name (t_id_seq), which H2's
     * NEXTVAL cannot find (it names an identity's sequence itself).
     */
    public static Long nextval_of(Connection c, String schema, String name) throws SQLException {
        org.h2.engine.SessionLocal session = CatalogFunctions.session(c);
        // what lastval() answers: H2 puts its own last value back as it was before a Java function
        // ran, so the value is kept aside, with that last value (a later identity insert changes it)
        org.h2.value.Value before = session.getLastIdentity();
        org.h2.value.Value next = session.getNextValueFor(sequence(session, schema, name), null);
        session.setVariable(LASTVAL, next);
        session.setVariable(LASTVAL_BESIDE, before);
        return next.getLong();
    }

    static final String LASTVAL = "borealis_lastval";
    static final String LASTVAL_BESIDE = "borealis_lastval_beside";

    /** currval('name'): the value nextval last gave this session, of the sequence found as nextval_of finds it. */
    public static Long currval_of(Connection c, String schema, String name) throws SQLException {
        org.h2.engine.SessionLocal session = CatalogFunctions.session(c);
        org.h2.schema.Sequence seq = sequence(session, schema, name);
        org.h2.value.Value current = currentValue(session, seq);
        org.h2.value.Value set = session.getVariable(SETVAL + seq.getId());
        if (set instanceof org.h2.value.ValueArray a && a.getList()[1].equals(current)) {
            return a.getList()[0].getLong(); // setval(..., true) since this session's last nextval
        }
        if (current == org.h2.value.ValueNull.INSTANCE) {
            throw new SQLException("currval of sequence \"" + name + "\" is not yet defined in this session", "55000");
        }
        return current.getLong();
    }

    /** What H2 holds as the session's current value of the sequence (NULL: none yet). */
    private static org.h2.value.Value currentValue(org.h2.engine.SessionLocal session, org.h2.schema.Sequence seq) {
        try {
            return session.getCurrentValueFor(seq);
        } catch (org.h2.message.DbException e) {
            return org.h2.value.ValueNull.INSTANCE;
        }
    }

    /**
     * setval(seq, v) (is_called): currval answers v in this session until its next nextval, as in
     * PostgreSQL. H2 keeps a session's current values privately, so the value is kept aside with
     * the current value H2 had then: once that changes, a nextval came since and H2's answers.
     */
    private static void rememberSetval(org.h2.engine.SessionLocal session, org.h2.schema.Sequence seq, long value) {
        session.setVariable(SETVAL + seq.getId(), org.h2.value.ValueArray.get(
                new org.h2.value.Value[] {org.h2.value.ValueBigint.get(value), currentValue(session, seq)}, null));
    }

    static final String SETVAL = "borealis_setval_";

    private static org.h2.schema.Sequence sequence(org.h2.engine.SessionLocal session, String schemaName, String name)
            throws SQLException {
        List<String> schemas = new ArrayList<>();
        if (schemaName != null) {
            schemas.add(schemaName);
        } else {
            schemas.add(session.getCurrentSchemaName());
            String[] path = session.getSchemaSearchPath();
            if (path != null) {
                schemas.addAll(List.of(path));
            }
        }
        for (String s : schemas) {
            org.h2.schema.Schema schema = session.getDatabase().findSchema(s);
            if (schema == null) {
                continue;
            }
            org.h2.schema.Sequence seq = schema.findSequence(name);
            if (seq != null) {
                return seq;
            }
            SerialSequences.Owned owned = SerialSequences.find(schema, session, name);
            if (owned != null) {
                return owned.sequence();
            }
        }
        throw new SQLException("relation \"" + (schemaName == null ? name : schemaName + "." + name) + "\" does not exist", "42P01");
    }

    public static Long setval(Connection c, String sequence, Long value) throws SQLException {
        return setval(c, sequence, value, true);
    }

    public static Long setval(Connection c, String sequence, Long value, Boolean isCalled) throws SQLException {
        if (sequence == null || value == null) {
            return null;
        }
        // The name is text the client chose: parsed as PostgreSQL parses a regclass, then quoted.
        QualifiedName name = QualifiedName.parse(sequence);
        org.h2.engine.SessionLocal session = CatalogFunctions.session(c);
        org.h2.schema.Schema schema = session.getDatabase().findSchema(name.schema() == null ? "public" : name.schema());
        org.h2.schema.Sequence seq = schema == null ? null : schema.findSequence(name.name());
        if (seq == null) {
            SerialSequences.Owned owned = SerialSequences.find(schema, session, name.name());
            if (owned == null) {
                throw new SQLException("relation \"" + sequence + "\" does not exist", "42P01");
            }
            SerialSequences.restart(c, owned, Boolean.FALSE.equals(isCalled) ? value : value + owned.sequence().getIncrement());
            if (!Boolean.FALSE.equals(isCalled)) {
                rememberSetval(session, owned.sequence(), value);
            }
            return value;
        }
        long next = Boolean.FALSE.equals(isCalled) ? value : value + seq.getIncrement();
        try (PreparedStatement ps = c.prepareStatement("ALTER SEQUENCE " + SqlQuoting.qualified(seq.getSchema().getName(),
                seq.getName()) + " RESTART WITH ?")) {
            ps.setLong(1, next);
            ps.execute();
        }
        if (!Boolean.FALSE.equals(isCalled)) {
            rememberSetval(session, seq, value);
        }
        return value;
    }

    // ---- advisory locks (AdvisoryLocks): void results are empty text, as psql shows them ----

    public static String pg_advisory_lock(Connection c, Long key) throws SQLException {
        return lock(c, key, true, false, true) == null ? null : "";
    }

    public static String pg_advisory_lock(Connection c, Integer k1, Integer k2) throws SQLException {
        return lock(c, k1, k2, true, false, true) == null ? null : "";
    }

    public static String pg_advisory_lock_shared(Connection c, Long key) throws SQLException {
        return lock(c, key, false, false, true) == null ? null : "";
    }

    public static String pg_advisory_xact_lock(Connection c, Long key) throws SQLException {
        return lock(c, key, true, true, true) == null ? null : "";
    }

    public static String pg_advisory_xact_lock(Connection c, Integer k1, Integer k2) throws SQLException {
        return lock(c, k1, k2, true, true, true) == null ? null : "";
    }

    public static String pg_advisory_xact_lock_shared(Connection c, Long key) throws SQLException {
        return lock(c, key, false, true, true) == null ? null : "";
    }

    public static Boolean pg_try_advisory_lock(Connection c, Long key) throws SQLException {
        return lock(c, key, true, false, false);
    }

    public static Boolean pg_try_advisory_lock(Connection c, Integer k1, Integer k2) throws SQLException {
        return lock(c, k1, k2, true, false, false);
    }

    public static Boolean pg_try_advisory_lock_shared(Connection c, Long key) throws SQLException {
        return lock(c, key, false, false, false);
    }

    public static Boolean pg_try_advisory_xact_lock(Connection c, Long key) throws SQLException {
        return lock(c, key, true, true, false);
    }

    public static Boolean pg_try_advisory_xact_lock(Connection c, Integer k1, Integer k2) throws SQLException {
        return lock(c, k1, k2, true, true, false);
    }

    public static Boolean pg_try_advisory_xact_lock_shared(Connection c, Long key) throws SQLException {
        return lock(c, key, false, true, false);
    }

    public static Boolean pg_advisory_unlock(Connection c, Long key) throws SQLException {
        return key == null ? null : unlock(c, AdvisoryLocks.key(key), true);
    }

    public static Boolean pg_advisory_unlock(Connection c, Integer k1, Integer k2) throws SQLException {
        return k1 == null || k2 == null ? null : unlock(c, AdvisoryLocks.key(k1, k2), true);
    }

    public static Boolean pg_advisory_unlock_shared(Connection c, Long key) throws SQLException {
        return key == null ? null : unlock(c, AdvisoryLocks.key(key), false);
    }

    public static String pg_advisory_unlock_all(Connection c) throws SQLException {
        SessionLocal s = CatalogFunctions.session(c);
        AdvisoryLocks.of(s).unlockAll(s);
        return "";
    }

    private static Boolean lock(Connection c, Long key, boolean exclusive, boolean xact, boolean wait) throws SQLException {
        if (key == null) {
            return null;
        }
        SessionLocal s = CatalogFunctions.session(c);
        return AdvisoryLocks.of(s).lock(s, AdvisoryLocks.key(key), exclusive, xact, wait);
    }

    private static Boolean lock(Connection c, Integer k1, Integer k2, boolean exclusive, boolean xact, boolean wait) throws SQLException {
        if (k1 == null || k2 == null) {
            return null;
        }
        SessionLocal s = CatalogFunctions.session(c);
        return AdvisoryLocks.of(s).lock(s, AdvisoryLocks.key(k1, k2), exclusive, xact, wait);
    }

    private static Boolean unlock(Connection c, AdvisoryLocks.Key key, boolean exclusive) throws SQLException {
        SessionLocal s = CatalogFunctions.session(c);
        return AdvisoryLocks.of(s).unlock(s, key, exclusive);
    }
}
