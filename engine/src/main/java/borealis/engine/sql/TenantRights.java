package borealis.engine.sql;

import borealis.engine.pg.sql.SqlQuoting;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.h2.engine.User;
import org.h2.schema.Schema;

/**
 * The tenant's H2 user and what it may do: own {@code public} and the schemas it creates, nothing
 * more. In H2, {@code ALTER ANY SCHEMA} (what a non-owner needs to create tables in {@code public})
 * grants every right on every table, the instance's catalog included, and an expression stored in
 * a table (a default, a check, a generated column) runs with the rights of whoever writes the row:
 * a tenant who could alter the catalog ran code with admin rights. Owning a schema gives the same
 * DDL and DML rights within it only.
 *
 * <p>H2 creates {@code public} at every open, owned by its system user, and has no statement to
 * change that owner; {@link #ownPublic} sets it on the open database.
 */
final class TenantRights {

    private TenantRights() {}

    /** Creates the tenant user (or resets its password), takes back what earlier versions granted, and gives it {@code public}. */
    static void grant(Connection admin, String tenant, String password) throws SQLException {
        // H2 keeps user names in upper case (a login name is upper-cased before it is looked up).
        String user = tenant.toUpperCase(Locale.ROOT);
        try (PreparedStatement create = admin.prepareStatement("CREATE USER IF NOT EXISTS " + SqlQuoting.identifier(user) + " PASSWORD ?")) {
            create.setString(1, password);
            create.execute();
        }
        try (PreparedStatement reset = admin.prepareStatement("ALTER USER " + SqlQuoting.identifier(user) + " SET PASSWORD ?")) {
            reset.setString(1, password);
            reset.execute();
        }
        try (Statement s = admin.createStatement()) {
            s.execute("REVOKE ALTER ANY SCHEMA FROM " + SqlQuoting.identifier(user));
        }
        ownPublic(((org.h2.engine.SessionLocal) admin.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getDatabase(), tenant);
    }

    /** Makes {@code tenant} the owner of H2's main schema ({@code public}) on this open database. */
    static void ownPublic(org.h2.engine.Database database, String tenant) {
        User user = database.findUser(tenant.toUpperCase(Locale.ROOT));
        if (user == null) {
            throw new IllegalStateException("no H2 user " + tenant);
        }
        Schema main = database.getMainSchema();
        try {
            Field owner = Schema.class.getDeclaredField("owner");
            owner.setAccessible(true);
            owner.set(main, user);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot give the public schema to the tenant (H2 version changed?)", e);
        }
    }
}
