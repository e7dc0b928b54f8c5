package borealis.engine.h2;

import borealis.engine.pg.PgError;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.catalog.PgCatalog;
import borealis.engine.pg.session.CommitLog;
import borealis.engine.pg.session.NotificationHub;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.session.SchemaAdmin;
import borealis.engine.pg.session.SessionGuard;
import borealis.engine.pg.session.StatementObserver;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.persistence.volume.client.Volume;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant database: H2 in PostgreSQL mode whose file is a replicated {@link Volume}.
 *
 * <p>The instance keeps an admin connection open for the life of the database (it owns engine
 * settings and maintenance); client sessions connect as a non-admin user, so nothing a tenant sends
 * can reach files, classes or the network of the host. Transactions commit in memory and a
 * {@link GroupCommit} stores them, many commits to a chunk; H2 does no housekeeping of its own, so
 * {@link #maintain} compacts the file.
 *
 * <p>Tenant isolation inside the engine, measured on H2 2.3.232 (tests: TenantEscapeTest):
 * <ul>
 *   <li>the tenant user has only {@code ALTER ANY SCHEMA}: DDL and DML in its database, and H2
 *       answers 90040 (admin rights required) to everything that reaches files, classes, the
 *       network, other databases or node-wide settings ({@code CREATE ALIAS}, {@code FILE_READ},
 *       {@code RUNSCRIPT}, {@code SCRIPT}, {@code CSVREAD}, {@code LINK_SCHEMA}, {@code BACKUP},
 *       {@code SET CACHE_SIZE}, {@code SHUTDOWN}, ...);</li>
 *   <li>{@code JAVA_OBJECT} values are never deserialized ({@link RefusedJavaObjects});</li>
 *   <li>{@link EngineLimits} are database settings only the admin connection sets;</li>
 *   <li>session connections are {@linkplain AuditedConnection wrapped} to report DDL and refused
 *       statements to a {@link StatementAudit} (use {@code unwrap} to reach H2's connection).</li>
 * </ul>
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    static {
        // JVM-wide and before H2 reads its settings: what no H2 user may do (classes, files, URLs).
        EngineSandbox.install();
        // JVM-wide too: a numeric value keeps its own scale when stored into (cast to) a NUMERIC of a
        // larger scale, as PostgreSQL's unconstrained numeric keeps '1.50' (PgNumerics: the padding of
        // a numeric(p,s) to its scale is done where values are sent)
        org.h2.engine.Mode.getInstance("PostgreSQL").convertOnlyToSmallerScale = true;
    }

    static final String ADMIN = "borealis_admin";
    /** The master user of databases opened without one (tools and tests). */
    static final String DEFAULT_OWNER = "postgres";
    /** H2's page cache at open; a writer's allocation then sizes it ({@link #resizePageCache}), a reader's stays this. */
    private static final int H2_CACHE_KB = 8192;
    /**
     * Compact when less than this share of the bytes in H2's chunks is live. The file's block fill
     * rate is no guide: with a chunk per commit, thousands of mostly dead chunks keep it high while
     * every commit rewrites their metadata (measured: 4,700 chunks 4% live, 30 KB written per commit).
     */
    private static final int COMPACT_BELOW_FILL_RATE = 60;
    private static final int COMPACT_TARGET_FILL_RATE = 80;
    /** Per maintenance tick: compaction holds H2's store lock, so commits wait while it runs. */
    private static final int COMPACT_WRITE_BYTES = 1 << 20;

    /** Stored chunks waiting for their write quorum before the group commit holds commits back. */
    private static final int MAX_UNDURABLE_STORES = 1;

    /** PostgreSQL waits for row locks indefinitely; H2's default of one second aborts busy workloads. */
    private static final int LOCK_TIMEOUT_MS = 30_000;

    /** Serializable read-write transactions run one at a time per database (Transactions.enterSerializable). */
    private final java.util.concurrent.Semaphore serializable = new java.util.concurrent.Semaphore(1);
    private final Volume volume;
    private final String url;
    private final Connection admin;
    private final String engineSecret;
    /** The master user: sessions that name no user are its (tools and tests). */
    private final String owner;
    /** A reader's snapshot: no user is created, only those the writer made can log in. */
    private final boolean readOnly;
    /** Engine users known to exist (created or found), so that a session's first login creates at most one. */
    private final java.util.Set<String> knownUsers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final StatementAudit audit;
    /** The catalog's own admin connection: refreshes run on session threads, apart from maintenance. */
    private final Connection catalogConnection;
    private final PgCatalog catalog;
    private final String name;

    private final org.h2.engine.Database engine;
    private final GroupCommit groupCommit;

    private final EngineLimits limits;
    private final ScratchFiles.Quota scratchQuota;

    private Database(Volume volume, String url, Connection admin, String engineSecret, String owner, boolean readOnly,
                     StatementAudit audit, Connection catalogConnection, PgCatalog catalog, String name, EngineLimits limits)
            throws SQLException {
        this.limits = limits;
        this.scratchQuota = ScratchFiles.register(VolumeFileSystem.scratchOwner(volume.id()), limits.tempFileLimitBytes());
        this.engine = engineOf(admin);
        MVStore store = engine.getStore().getMvStore();
        // Commits stay in memory until a group commit stores them. Not 0 (H2 stores at every
        // commit) and not positive (a background thread, and stores that finish asynchronously on
        // H2's executors, after a later commit() already returned): a negative delay leaves every
        // store synchronous and started by us (or by H2 itself when unsaved pages fill memory).
        store.setAutoCommitDelay(-1);
        this.groupCommit = new GroupCommit(store, volume, MAX_UNDURABLE_STORES, java.util.concurrent.ForkJoinPool.commonPool());
        this.volume = volume;
        this.url = url;
        this.admin = admin;
        this.engineSecret = engineSecret;
        this.owner = owner;
        this.readOnly = readOnly;
        this.audit = audit;
        this.catalogConnection = catalogConnection;
        this.catalog = catalog;
        this.name = name;
    }

    /** Mounts the volume and opens (or creates) the database on it, with default limits, no audit, owned by "postgres". */
    public static Database open(Volume volume, String adminPassword) throws SQLException {
        return open(volume, adminPassword, volume.id().replace('/', '.'), EngineLimits.DEFAULTS, StatementAudit.NONE, DEFAULT_OWNER);
    }

    /**
     * Mounts the volume and opens (or creates) the database on it.
     *
     * @param name  the database's name as clients know it ({@code current_database()}, pg_database)
     * @param owner the cluster's master user, who owns the database ({@link TenantRights})
     */
    public static Database open(Volume volume, String adminPassword, String name, EngineLimits limits, StatementAudit audit,
                                String owner) throws SQLException {
        VolumeFileSystem.mount(volume);
        String base = "jdbc:h2:" + VolumeFileSystem.databasePath(volume.id());
        // DB_CLOSE_ON_EXIT=FALSE: the node closes H2 in its coordinated shutdown, before the storage
        // replicas stop; H2's own JVM shutdown hook would race with that.
        String adminUrl = base + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";WRITE_DELAY=0;RETENTION_TIME=0;FILE_LOCK=NO;TRACE_LEVEL_FILE=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE"
                + ";CACHE_SIZE=" + H2_CACHE_KB + ";AUTO_COMPACT_FILL_RATE=0;BUILTIN_ALIAS_OVERRIDE=TRUE" + limits.urlSettings();
        Connection admin = null;
        Connection catalogConnection = null;
        try {
            admin = connect(adminUrl, ADMIN, adminPassword);
            // Before any session writes: a new transaction could take an orphaned row version for its own.
            int orphans = OrphanedWrites.rollBack(engineOf(admin));
            if (orphans > 0) {
                log.warn("volume {}: rolled back {} row versions of transactions a crash interrupted (their undo records were not stored)",
                        volume.id(), orphans);
            }
            EngineSandbox.secure(engineOf(admin));
            TenantRights.grant(admin, adminPassword, owner);
            EngineSandbox.shadowFileFunctions(admin, "public");
            try (Statement s = admin.createStatement()) {
                s.execute("SET DEFAULT_LOCK_TIMEOUT " + LOCK_TIMEOUT_MS);
            }
            catalogConnection = connect(base + ";IFEXISTS=TRUE", ADMIN, adminPassword);
            PgCatalog catalog = PgCatalog.install(catalogConnection, name, List.of(RefusedFunctions.class), owner);
            return new Database(volume, base + ";IFEXISTS=TRUE", admin, adminPassword, owner, false, audit, catalogConnection, catalog,
                    name, limits);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(catalogConnection);
            closeQuietly(admin);
            VolumeFileSystem.unmount(volume);
            throw e;
        }
    }

    /**
     * Opens a read-only snapshot of a database that a writer keeps (a reader instance): H2 with
     * {@code ACCESS_MODE_DATA=r} on a {@link borealis.persistence.volume.client.ReaderVolume}, mounted under its
     * own id. Nothing is written: no user, grant or catalog change; client sessions connect as the
     * same engine users as on the writer, whose passwords both derive from the engine secret.
     * A statement that would write fails with 25006, as on a PostgreSQL hot standby.
     */
    public static Database openReadOnly(Volume volume, String adminPassword, String name, EngineLimits limits, StatementAudit audit,
                                        String owner) throws SQLException {
        VolumeFileSystem.mount(volume);
        String base = "jdbc:h2:" + VolumeFileSystem.databasePath(volume.id());
        String url = base + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;ACCESS_MODE_DATA=r"
                + ";FILE_LOCK=NO;TRACE_LEVEL_FILE=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;IFEXISTS=TRUE;CACHE_SIZE=" + H2_CACHE_KB
                + ";BUILTIN_ALIAS_OVERRIDE=TRUE" + limits.urlSettings();
        Connection admin = null;
        try {
            admin = connect(url, ADMIN, adminPassword);
            EngineSandbox.secure(engineOf(admin));
            TenantRights.ownPublic(engineOf(admin));
            PgCatalog catalog = PgCatalog.readOnly(admin, name);
            return new Database(volume, base + ";IFEXISTS=TRUE", admin, adminPassword, owner, true, audit, admin, catalog, name, limits);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(admin);
            VolumeFileSystem.unmount(volume);
            throw e;
        }
    }

    /** Versions kept for reader instances' snapshots (the writer's side of the retention window). */
    private final ReaderRetention retention = new ReaderRetention(this::store);

    public ReaderRetention retention() {
        return retention;
    }

    private static org.h2.engine.Database engineOf(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase();
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return new org.h2.Driver().connect(url, p);
    }

    /** The database's pg_catalog. */
    public PgCatalog catalog() {
        return catalog;
    }

    public Volume volume() {
        return volume;
    }

    /**
     * A new client session (an H2 connection as the tenant user). Audit records name the user of
     * {@code session_authorization} and the source of {@link #CLIENT_ADDRESS}, as the proxy set them.
     */
    public PgSession newSession(SessionSettings settings) throws SQLException {
        String user = settings.get("session_authorization");
        if (user == null || user.isEmpty()) {
            user = owner;
            settings.startup("session_authorization", user);
        }
        String source = settings.get(CLIENT_ADDRESS);
        Connection conn = AuditedConnection.wrap(connect(url, loginAs(user), TenantRights.password(engineSecret, user)), user, source,
                audit);
        PgSession session = new PgSession(conn, commitLog, settings, catalog, name, schemaAdmin, guardFor(user, source),
                readOnly ? null : notifications, backendPid(settings, conn));
        session.observe(observer);
        session.serializeWith(serializable);
        return session;
    }

    /**
     * The scope of a session's work: scratch files count against this database's temp-file limit;
     * writes stop at its storage quota; statements refused before H2 go to the audit log as the
     * session's user and source.
     */
    private SessionGuard guardFor(String user, String source) {
        return new SessionGuard() {
            @Override
            public AutoCloseable enter() {
                return ScratchFiles.enter(scratchQuota);
            }

            @Override
            public PgError beforeWrite() {
                if (limits.storageQuotaBytes() < 0 || volume.size() <= limits.storageQuotaBytes()) {
                    return null;
                }
                return new PgError("ERROR", "53100", "database \"" + name + "\" has reached its storage quota of "
                        + (limits.storageQuotaBytes() >> 20) + " MB", null, "Delete data to make room, or ask for a larger quota.");
            }

            @Override
            public long statementTimeoutCeilingMillis() {
                return limits.statementTimeoutCeilingMillis();
            }

            @Override
            public void refused(String sql, PgError error) {
                String text = sql.length() > AuditedConnection.MAX_STATEMENT_CHARS
                        ? sql.substring(0, AuditedConnection.MAX_STATEMENT_CHARS) + "..." : sql;
                try {
                    audit.statement(new StatementAudit.Event(user, source, text, error.sqlState(), error.message(), true));
                } catch (RuntimeException e) {
                    // An audit sink that fails must not fail the session.
                }
            }
        };
    }

    /** Schema DDL for sessions, on the admin connection (the tenant's user is not a schema administrator). */
    private final SchemaAdmin schemaAdmin = new SchemaAdmin() {
        @Override
        public boolean create(String user, String schema, boolean ifNotExists) throws SQLException {
            synchronized (admin) {
                if (!TenantRights.isOwner(engine, user)) {
                    // PostgreSQL: creating a schema needs CREATE on the database, which its owner has.
                    throw new SQLException("permission denied for database " + name, "42501");
                }
                if (ifNotExists && engine.findSchema(schema) != null) {
                    return false;
                }
                try (Statement s = admin.createStatement()) {
                    s.execute("CREATE SCHEMA " + SqlQuoting.identifier(schema) + " AUTHORIZATION " + SqlQuoting.identifier(TenantRights.OWNER_ROLE));
                }
                return true;
            }
        }

        @Override
        public void rename(String user, String from, String to) throws SQLException {
            synchronized (admin) {
                org.h2.schema.Schema s = engine.findSchema(from);
                if (s == null) {
                    throw new SQLException("schema \"" + from + "\" does not exist", "3F000");
                }
                if (s.getOwner() != engine.findUserOrRole(TenantRights.OWNER_ROLE) || !TenantRights.isOwner(engine, user)) {
                    throw new SQLException("must be owner of schema " + from, "42501");
                }
                try (Statement st = admin.createStatement()) {
                    st.execute("ALTER SCHEMA " + SqlQuoting.identifier(from) + " RENAME TO " + SqlQuoting.identifier(to));
                }
            }
        }
    };

    private final CommitLog commitLog = new CommitLog() {
        @Override
        public long changeCount() {
            return engine.getModificationDataId();
        }

        @Override
        public CompletableFuture<Long> committedPoint(boolean forRead) {
            return groupCommit.committedPoint(forRead);
        }

        @Override
        public void commitWindowOpened() {
            groupCommit.commitWindowOpened();
        }

        @Override
        public void commitWindowClosed() {
            groupCommit.commitWindowClosed();
        }

        @Override
        public CompletableFuture<Long> visiblePoint() {
            return groupCommit.visiblePoint();
        }

        @Override
        public CompletableFuture<Long> readPoint() {
            return groupCommit.readPoint();
        }
    };

    /** Stores commits made in memory (group commit); sessions wait on it before they answer. */
    public GroupCommit groupCommit() {
        return groupCommit;
    }

    /**
     * Stores every commit made so far and waits until it is durable; returns its LSN (tools and
     * tests that commit through plain JDBC connections).
     */
    public long makeDurable(java.time.Duration timeout) throws Exception {
        long lsn = groupCommit.committedPoint(false).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return volume.whenDurable(lsn).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A plain JDBC connection as the master user (the database's owner), without the wire layer (tests and tools). */
    public Connection tenantConnection() throws SQLException {
        return connectionFor(owner);
    }

    /** A plain JDBC connection as one of the database's users, without the wire layer (tests and tools). */
    public Connection connectionFor(String user) throws SQLException {
        return connect(url, loginAs(user), TenantRights.password(engineSecret, user));
    }

    /**
     * The engine user a database user logs in as: created on the writer the first time it logs in;
     * a reader knows the users of its snapshot (a user new since then must first connect to the writer).
     */
    private String loginAs(String user) throws SQLException {
        String engineName = TenantRights.engineName(user);
        if (!knownUsers.contains(engineName)) {
            if (engine.findUser(engineName) == null) {
                if (readOnly) {
                    throw new SQLException("role \"" + user + "\" is not known to this reader yet: it has never connected to the writer"
                            + " (readers know the users of the writer's last snapshot)", "28000");
                }
                synchronized (admin) {
                    TenantRights.ensureUser(admin, engineSecret, user);
                }
            }
            knownUsers.add(engineName);
        }
        return user;
    }

    /**
     * The startup parameter in which the proxy passes the client's address to the compute; the
     * proxy drops any value a client sends under the {@code borealis.} prefix.
     */
    public static final String CLIENT_ADDRESS = "borealis.client_addr";

    /**
     * The startup parameter in which the proxy passes the process id it gave the client in
     * BackendKeyData: notifications and pg_backend_pid() show it. Without it (sessions opened
     * in process), the engine session's id.
     */
    public static final String BACKEND_PID = "borealis.backend_pid";

    private static int backendPid(SessionSettings settings, Connection conn) throws SQLException {
        String pid = settings.get(BACKEND_PID);
        if (pid != null) {
            try {
                return Integer.parseInt(pid);
            } catch (NumberFormatException e) {
                // not the proxy's: fall back to the engine session's id
            }
        }
        return ((SessionLocal) conn.unwrap(JdbcConnection.class).getSession()).getId();
    }

    /** LISTEN / NOTIFY among this database's sessions (a read-only database refuses them, as a standby does). */
    private final NotificationHub notifications = new NotificationHub();

    /** Where every session's finished statements and transactions go (metrics, Top SQL). */
    public void observeWith(StatementObserver observer) {
        this.observer = observer;
    }

    private volatile StatementObserver observer = StatementObserver.NONE;

    MVStore store() {
        return engine.getStore().getMvStore();
    }

    /** H2's cache of decoded pages may hold {@code bytes} (the instance's allocation sizes it, {@link PageCache}). */
    public void resizePageCache(long bytes) {
        PageCache.resize(store(), bytes);
    }

    public long pageCacheBytes() {
        return PageCache.maxBytes(store());
    }

    /** What the page caches of every writer on this node hold (H2's estimate; the heap guard counts it as cache). */
    public static long pageCachesInUse() {
        return PageCache.usedBytes();
    }

    /** Refills a stale catalog and compacts the file when much of it is dead; cheap when there is nothing to do. */
    public void maintain() {
        refreshCatalog();
        try {
            MVStore store = store();
            int fill = store.getFileStore().getChunksFillRate();
            if (fill < COMPACT_BELOW_FILL_RATE) {
                long before = volume.size();
                store.compact(COMPACT_TARGET_FILL_RATE, COMPACT_WRITE_BYTES);
                store.commit();
                log.debug("volume {}: compacted (fill rate {}%), {} -> {} bytes", volume.id(), fill, before, volume.size());
            }
        } catch (RuntimeException e) {
            log.warn("volume {}: compaction failed", volume.id(), e);
        }
    }

    /**
     * Refills pg_catalog if DDL made it stale (readers see the catalog tables as the writer last
     * filled them); cheap when it is fresh. Blocks: call it off the actor's thread.
     */
    public void refreshCatalog() {
        try {
            catalog.ensureFresh();
        } catch (SQLException | RuntimeException e) {
            log.warn("volume {}: catalog refresh failed", volume.id(), e);
        }
    }

    /** Whether pg_catalog needs a {@link #refreshCatalog}. */
    public boolean catalogStale() {
        return catalog.isStale();
    }

    /** Whether H2 still has the database open (a failed read can make it close the store). */
    public boolean isOpen() {
        try {
            return !store().isClosed();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes H2 cleanly (every change written), then unmounts the volume. The volume itself stays open. */
    @Override
    public void close() {
        // While readers hold snapshots (pins held), close without the final compaction, which would move chunks
        // into space they may still read; every commit is on the volume already. A read-only snapshot writes nothing.
        boolean immediately = catalogConnection == admin || retention.pins() > 0;
        try (Statement s = admin.createStatement()) {
            s.execute(immediately ? "SHUTDOWN IMMEDIATELY" : "SHUTDOWN");
        } catch (SQLException e) {
            log.warn("volume {}: shutdown failed", volume.id(), e);
        } finally {
            if (catalogConnection != admin) {
                closeQuietly(catalogConnection);
            }
            closeQuietly(admin);
            VolumeFileSystem.unmount(volume);
            ScratchFiles.unregister(scratchQuota);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already failing
            }
        }
    }
}
