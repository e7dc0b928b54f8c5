package borealis.engine.h2;

import borealis.engine.pg.sql.SqlQuoting;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.h2.engine.Role;
import org.h2.engine.SessionLocal;
import org.h2.engine.User;
import org.h2.jdbc.JdbcConnection;
import org.h2.schema.Schema;

/**
 * The engine users of a tenant's database and what they may do.
 *
 * <p>Each database user of the cluster is an H2 user of its own (H2 compares user names without
 * case; the control plane keeps a cluster's names apart in more than case). What the database's
 * owner may do belongs to the role {@link #OWNER_ROLE}: it owns {@code public} and every schema
 * created in the database, which gives DDL and DML there, and the cluster's master user holds it.
 * Other users hold what the owner grants them, as in PostgreSQL 15 (no CREATE on {@code public},
 * no reading another user's tables without a grant).
 *
 * <p>Nobody holds {@code ALTER ANY SCHEMA}: in H2 it covers every table of the database, the
 * instance's catalog included, and an expression stored in a table (a default, a check, a generated
 * column) runs with the rights of whoever writes the row: a tenant who could alter the catalog ran
 * code with admin rights. H2 creates {@code public} at every open, owned by its system user, with no
 * statement to change that; {@link #ownPublic} sets it on the open database.
 */
final class TenantRights {

    /** The role that owns the database's schemas; names starting with "borealis" are not cluster user names. */
    static final String OWNER_ROLE = "BOREALIS_OWNER";
    /** The one engine user of every session before users were principals of their own (databases made then have it). */
    private static final String LEGACY_USER = "TENANT";

    private TenantRights() {}

    /**
     * Makes the owner role and the master user, moves what the legacy user owned to the role, and
     * gives the role {@code public}.
     */
    static void grant(Connection admin, String engineSecret, String master) throws SQLException {
        SessionLocal session = (SessionLocal) admin.unwrap(JdbcConnection.class).getSession();
        org.h2.engine.Database db = session.getDatabase();
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE IF NOT EXISTS " + SqlQuoting.identifier(OWNER_ROLE));
        }
        ensureUser(admin, engineSecret, master);
        try (Statement s = admin.createStatement()) {
            s.execute("GRANT " + SqlQuoting.identifier(OWNER_ROLE) + " TO " + SqlQuoting.identifier(engineName(master)));
        }
        Role owner = (Role) db.findUserOrRole(OWNER_ROLE);
        User legacy = db.findUser(LEGACY_USER);
        if (legacy != null && !master.equalsIgnoreCase(LEGACY_USER)) {
            for (Schema schema : db.getAllSchemas()) {
                if (schema.getOwner() == legacy) {
                    setOwner(schema, owner);
                    db.updateMeta(session, schema);
                }
            }
            session.commit(true);
            try (Statement s = admin.createStatement()) {
                s.execute("DROP USER " + SqlQuoting.identifier(LEGACY_USER));
            }
        }
        ownPublic(db);
    }

    /** Creates a database user's engine user if it is new, with its password. */
    static void ensureUser(Connection admin, String engineSecret, String user) throws SQLException {
        try (PreparedStatement create = admin.prepareStatement("CREATE USER IF NOT EXISTS " + SqlQuoting.identifier(engineName(user))
                + " PASSWORD ?")) {
            create.setString(1, password(engineSecret, user));
            create.execute();
        }
        try (PreparedStatement reset = admin.prepareStatement("ALTER USER " + SqlQuoting.identifier(engineName(user)) + " SET PASSWORD ?")) {
            reset.setString(1, password(engineSecret, user));
            reset.execute();
        }
    }

    /** Whether {@code user} holds the owner role on this open database. */
    static boolean isOwner(org.h2.engine.Database db, String user) {
        User u = db.findUser(engineName(user));
        org.h2.engine.RightOwner role = db.findUserOrRole(OWNER_ROLE);
        return u != null && role instanceof Role r && u.isRoleGranted(r);
    }

    /** The engine user's name: H2 keeps them in upper case and compares them so. */
    static String engineName(String user) {
        return user.toUpperCase(Locale.ROOT);
    }

    /**
     * An engine user's password: derived from the engine secret (HMAC), so that every instance of
     * the cluster (writer, readers) can log a user in; it never leaves the compute.
     */
    static String password(String engineSecret, String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(engineSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("borealis user " + engineName(user)).getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Makes the owner role the owner of H2's main schema ({@code public}) on this open database. */
    static void ownPublic(org.h2.engine.Database database) {
        org.h2.engine.RightOwner role = database.findUserOrRole(OWNER_ROLE);
        if (!(role instanceof Role owner)) {
            throw new IllegalStateException("no role " + OWNER_ROLE + " in the database");
        }
        setOwner(database.getMainSchema(), owner);
    }

    private static void setOwner(Schema schema, org.h2.engine.RightOwner owner) {
        try {
            Field field = Schema.class.getDeclaredField("owner");
            field.setAccessible(true);
            field.set(schema, owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot give schema " + schema.getName() + " to " + owner.getName()
                    + " (H2 version changed?)", e);
        }
    }
}
