package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.CatalogNames;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Borealis' pg_catalog for one database: tables in {@link CatalogNames#SCHEMA} that mirror H2's
 * metadata in PostgreSQL's shape, plus the catalog and compatibility functions.
 *
 * <p>The instance installs it at open with its own admin connection; tenants can read it, never
 * write, alter or reference it (the admin connection's writes must evaluate nothing a tenant
 * defined). Any DDL marks the catalog stale ({@link #invalidate}); the next
 * statement that reads the catalog refills it ({@link #ensureFresh}) in one transaction, so
 * concurrent readers see either the old rows or the new ones.
 */
public final class PgCatalog {

    private static final Logger log = LoggerFactory.getLogger(PgCatalog.class);
    private static final String S = CatalogNames.SCHEMA;

    private final Connection admin;
    private final String databaseName;
    private final List<String> roles = new CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong(1);
    private long builtVersion;
    /** The digest of the rows the tables hold (as last written), or null. */
    private String writtenDigest;
    /** On a reader instance: the catalog the writer filled, never refilled here. */
    private final boolean readOnly;

    private PgCatalog(Connection admin, String databaseName, boolean readOnly) {
        this.admin = admin;
        this.databaseName = databaseName;
        this.readOnly = readOnly;
    }

    /**
     * The catalog of a read-only database (a reader instance's snapshot): the tables the writer
     * filled, as of the snapshot. The writer refills them in the transaction of each DDL's next
     * catalog read, so a snapshot may show a schema change a moment late.
     */
    public static PgCatalog readOnly(Connection admin, String databaseName) {
        return new PgCatalog(admin, databaseName, true);
    }

    /**
     * Creates the catalog schema (or keeps the intact one of an earlier open: {@link CatalogSchema})
     * and fills it. {@code refusals}: classes whose functions shadow H2 built-ins in the schema.
     */
    public static PgCatalog install(Connection admin, String databaseName, List<Class<?>> refusals, String owner) throws SQLException {
        PgCatalog c = new PgCatalog(admin, databaseName, false);
        // Known before the first fill: the owner's first session would otherwise make it stale at once.
        c.roles.add(owner);
        List<Class<?>> all = new java.util.ArrayList<>(FUNCTIONS);
        all.addAll(refusals);
        CatalogSchema.ensure(admin, all);
        c.writtenDigest = CatalogSchema.rowsDigest((SessionLocal) admin.unwrap(JdbcConnection.class).getSession());
        c.refresh();
        return c;
    }

    /** The classes whose public static methods become functions (each name once across them). */
    private static final List<Class<?>> FUNCTIONS = List.of(CatalogFunctions.class, SystemFunctions.class, ScalarFunctions.class,
            JsonFunctions.class, Subqueries.class, SessionFunctions.class, NumericFunctions.class, ToNumber.class, ToChar.class,
            RegexpFunctions.class, JsonEditFunctions.class, JsonDocFunctions.class,
            UnistrFunction.class, DateTimeInputFunctions.class, ArrayFunctions.class, ByteaFunctions.class, DateTimeMakeFunctions.class, TableFunctions.class,
            JsonSetFunctions.class, SimilarPatterns.class, JsonPathFunctions.class,
            JsonRecordFunctions.class, VariadicCalls.class, TimeZoneFunctions.class, RecursiveUnions.class);

    /** The classes of the catalog's functions: the only Java SQL may call (see the engine sandbox). */
    public static List<Class<?>> functionClasses() {
        return FUNCTIONS;
    }

    static TreeSet<String> functionNames(Class<?> functions) {
        TreeSet<String> names = new TreeSet<>();
        for (Method m : functions.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        return names;
    }

    /** A role (database user) to show in pg_roles; the first one owns every object. */
    public void addRole(String name) {
        if (name != null && !name.isEmpty() && !roles.contains(name)) {
            roles.add(name);
            invalidate();
        }
    }

    /** The schema changed: refill before the next catalog read. */
    public void invalidate() {
        version.incrementAndGet();
    }

    /** Whether DDL happened since the catalog was last filled. */
    public boolean isStale() {
        return !readOnly && builtVersionVolatile() != version.get();
    }

    /** Refills the catalog if the schema changed since it was last filled. */
    public void ensureFresh() throws SQLException {
        if (!readOnly && builtVersionVolatile() != version.get()) {
            refresh();
        }
    }

    private synchronized long builtVersionVolatile() {
        return builtVersion;
    }

    private synchronized void refresh() throws SQLException {
        long target = version.get();
        if (builtVersion == target) {
            return;
        }
        long started = System.nanoTime();
        SessionLocal session = (SessionLocal) admin.unwrap(JdbcConnection.class).getSession();
        CatalogBuilder b = new CatalogBuilder(session, databaseName, roles);
        b.build();
        String digest = digest(b.rows);
        if (digest.equals(writtenDigest)) {
            // The tables hold these rows already (a resume of an unchanged schema): rewriting them
            // made an open and close ship 236 KB to the replicas instead of 31 KB (CatalogReopenTest).
            builtVersion = target;
            return;
        }
        // Forgotten first: a crash between the rows and the digest leaves no digest that could lie.
        CatalogSchema.rowsWritten(admin, "");
        writtenDigest = null;
        admin.setAutoCommit(false);
        try {
            try (Statement s = admin.createStatement()) {
                for (String table : CatalogTables.DDL.keySet()) {
                    s.execute("DELETE FROM " + S + "." + table); // sql-built: the catalog's own table names
                }
            }
            for (Map.Entry<String, List<Object[]>> e : b.rows.entrySet()) {
                insert(e.getKey(), e.getValue());
            }
            admin.commit();
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(true);
        }
        CatalogSchema.rowsWritten(admin, digest);
        writtenDigest = digest;
        builtVersion = target;
        log.debug("catalog of {} refreshed in {} ms", databaseName, (System.nanoTime() - started) / 1_000_000);
    }

    private static String digest(Map<String, List<Object[]>> rows) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, List<Object[]>> e : rows.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (Object[] row : e.getValue()) {
                    md.update(java.util.Arrays.deepToString(row).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update((byte) '\n');
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void insert(String table, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.get(0).length;
        StringBuilder sql = new StringBuilder("INSERT INTO " + S + "." + table + " VALUES ("); // sql-built: the catalog's own table
        for (int i = 0; i < n; i++) {
            sql.append(i > 0 ? ", " : "").append('?');
        }
        sql.append(')');
        try (PreparedStatement ps = admin.prepareStatement(sql.toString())) {
            for (Object[] row : rows) {
                for (int i = 0; i < n; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
