package borealis.actors.node;

import borealis.actors.admin.AdminRoutes;
import borealis.actors.audit.AuditLog;
import borealis.actors.auth.DecoyVerifiers;
import borealis.actors.auth.SecretFiles;
import borealis.actors.capacity.CapacityLedger;
import borealis.actors.capacity.CapacityQueries;
import borealis.actors.capacity.CapacitySettings;
import borealis.actors.capacity.ComputePlacement;
import borealis.actors.capacity.ScalingSupervisor;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.ReaderInstance;
import borealis.actors.control.ClusterPurger;
import borealis.actors.control.ComputeProbe;
import borealis.actors.control.ControlPlane;
import borealis.actors.control.Endpoints;
import borealis.actors.control.LedgerCapacityReports;
import borealis.actors.control.Tenant;
import borealis.actors.control.TenantDirectory;
import borealis.actors.metrics.InsightsService;
import borealis.actors.metrics.MetricsEndpoint;
import borealis.actors.metrics.NodeMetrics;
import borealis.actors.proxy.ProxyConfig;
import borealis.actors.proxy.ProxyServer;
import borealis.actors.proxy.ProxySession;
import borealis.actors.proxy.TlsConnection;
import borealis.actors.storage.ReplicaFaults;
import borealis.actors.storage.StorageSegment;
import borealis.engine.governor.HeapGuard;
import borealis.engine.pg.session.NotificationHub;
import borealis.engine.h2.EngineWarmup;
import borealis.engine.h2.EngineSandbox;
import borealis.engine.h2.VolumeFileSystem;
import borealis.persistence.files.OwnerOnly;
import borealis.persistence.volume.client.ReplicatedVolume;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import borealis.persistence.backup.BackupService;
import borealis.persistence.backup.BackupStore;
import borealis.persistence.backup.LocalBackupStore;
import borealis.persistence.backup.S3BackupStore;
import borealis.persistence.crypto.AtRestEncryption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Borealis node: one actor system in the cluster, hosting the roles its configuration gives it
 * (storage zones, compute, control plane), the PostgreSQL proxy listener and the admin API. The
 * embedded default hosts every role and joins itself.
 */
public final class BorealisNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BorealisNode.class);

    private final ActorSystem<Void> system;
    private final ExecutorService sqlPool;
    private final ScheduledExecutorService governorTimer;
    private final Tcp.ServerBinding pgBinding;
    private final ServerBinding adminBinding;
    private final String adminToken;
    private final Path dataDir;
    private final ReplicaFaults faults;
    /** The engine's warm-up, if it runs: a close waits for it (it writes in the data directory). */
    private volatile Thread warmup;
    /** The admin API's base URL (its scheme says whether it is HTTPS). */
    private final String adminUrl;

    private BorealisNode(ActorSystem<Void> system, ExecutorService sqlPool, ScheduledExecutorService governorTimer,
                         Tcp.ServerBinding pgBinding, ServerBinding adminBinding, String adminToken, Path dataDir, ReplicaFaults faults,
                         String adminUrl) {
        this.faults = faults;
        this.adminUrl = adminUrl;
        this.system = system;
        this.sqlPool = sqlPool;
        this.governorTimer = governorTimer;
        this.pgBinding = pgBinding;
        this.adminBinding = adminBinding;
        this.adminToken = adminToken;
        this.dataDir = dataDir;
    }

    /** Starts a node with the given (fully resolved) configuration and waits until it listens. */
    public static BorealisNode start(Config config) throws Exception {
        Config b = config.getConfig("borealis");
        Path dataDir = Path.of(b.getString("data-dir")).toAbsolutePath();
        // Owner-only before anything is written: the journals, block files, snapshots, audit log and secrets inside.
        OwnerOnly.privateDirectory(dataDir);
        OwnerOnly.createDirectories(Path.of(config.getString("borealis.snapshot-store.dir")));
        OwnerOnly.createDirectories(dataDir.resolve("scratch"));
        String token = adminToken(b, dataDir);
        DecoyVerifiers decoys = DecoyVerifiers.load(b.getString("auth.secret"), dataDir);
        // Before anything loads H2: what no SQL may reach (classes, files, URLs), then the scratch directory.
        EngineSandbox.install();
        VolumeFileSystem.install(dataDir.resolve("scratch"));
        borealis.engine.h2.ScratchFiles.encrypt(b.getBoolean("encryption.enabled"));
        NotificationHub.defaultQueueLimit(b.getBytes("limits.notify-queue"));
        HeapGuard.install(b.getDouble("limits.heap-guard-threshold"), b.getBytes("limits.statement-memory"),
                () -> VolumeFileSystem.mounted().stream().mapToLong(borealis.persistence.volume.client.Volume::cachedBytes).sum()
                        + borealis.engine.h2.Database.pageCachesInUse());

        Config started = RejoinBySeeds.seeds(config, dataDir);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "borealis", ClusterTransport.apply(started));
        try {
            // Opened first: a wrong or missing master key stops the node here, before any entity reads.
            AtRestEncryption atRest = AtRestEncryption.get(system);
            if (atRest.keys() != null) {
                log.info("data at rest {} under master key {} ({} data key(s){})", atRest.enabled() ? "encrypted" : "readable (new data in plaintext)",
                        atRest.keys().masterFingerprint(), atRest.keys().size(),
                        atRest.keys().rewrapped() > 0 ? ", " + atRest.keys().rewrapped() + " re-wrapped" : "");
            }
            RejoinBySeeds.watch(system, config, started, dataDir);
            Cluster cluster = Cluster.get(system);
            if (b.getString("node.join").equals("self")) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
            AtomicInteger sqlThreads = new AtomicInteger();
            ExecutorService sqlPool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "borealis-sql-" + sqlThreads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            ScheduledExecutorService governorTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "borealis-governor");
                t.setDaemon(true);
                return t;
            });
            Duration requestTimeout = b.getDuration("volume.request-timeout");
            ClusterSharding sharding = ClusterSharding.get(system);
            ReplicaFaults faults = new ReplicaFaults();
            BackupService backups = backups(b, atRest);
            if (backups != null) {
                system.getWhenTerminated().thenRun(backups::close);
            }
            initEntities(system, sharding, b, dataDir, sqlPool, governorTimer, requestTimeout, faults, backups);

            ProxySession.Settings proxySettings = new ProxySession.Settings(ProxyConfig.from(b.getConfig("proxy")), sharding,
                    Materializer.createMaterializer(system), TlsConnection.loadOrNull(b.getString("proxy.tls.key-store"),
                    b.getString("proxy.tls.key-store-password"), b.getString("proxy.tls.key-store-type")), decoys);
            ActorRef<ProxyServer.Command> proxy = system.systemActorOf(ProxyServer.create(proxySettings), "proxy", Props.empty());
            String host = b.getString("node.host");
            Tcp.ServerBinding pg = ProxyServer.bind(system, host, b.getInt("node.pg-port"), proxy)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);

            ControlPlane control = controlPlane(system, sharding, b, pg.localAddress().getPort(), backups);
            String adminHost = b.getString("admin.host");
            TlsConnection.Identity adminTls = TlsConnection.loadOrNull(b.getString("admin.tls.key-store"),
                    b.getString("admin.tls.key-store-password"), b.getString("admin.tls.key-store-type"));
            ServerBuilder adminServer = Http.get(system).newServerAt(adminHost, b.getInt("node.admin-port"));
            if (adminTls != null) {
                adminServer = adminServer.enableHttps(ConnectionContext.httpsServer(adminTls.sslContext()));
            }
            ServerBinding admin = adminServer
                    .bind(new MetricsEndpoint().routes().orElse(new AdminRoutes(control, token, AuditLog.get(system)).routes()))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            NodeMetrics.install(system);
            system.systemActorOf(InsightsService.create(), "insights", Props.empty());
            DownedNodeExit.install(system, b.getDuration("node.downed-exit-timeout"));
            DeadPeerProbe.Settings probe = DeadPeerProbe.Settings.from(b.getConfig("node.dead-peer-probe"));
            if (probe.enabled()) {
                system.systemActorOf(DeadPeerProbe.create(probe), "dead-peer-probe", Props.empty());
            }
            String adminUrl = (adminTls != null ? "https" : "http") + "://" + adminHost + ":" + admin.localAddress().getPort();
            BorealisNode node = new BorealisNode(system, sqlPool, governorTimer, pg, admin, token, dataDir, faults, adminUrl);
            log.info("Borealis node up: PostgreSQL on {}:{}, admin API on {}, data in {}", host, node.pgPort(), adminUrl, dataDir);
            if (b.getBoolean("node.warm-up")) {
                long groupSize = b.getBytes("volume.group-size");
                Thread warmup = new Thread(() -> EngineWarmup.run(dataDir.resolve("scratch"), groupSize), "engine-warmup");
                warmup.setDaemon(true);
                warmup.setPriority(Thread.MIN_PRIORITY);
                node.warmup = warmup;
                warmup.start();
            }
            return node;
        } catch (Exception e) {
            system.terminate();
            throw e;
        }
    }

    /** The node's continuous backup (null when disabled); its directory is owner-only, as the data directory is. */
    private static BackupService backups(Config b, AtRestEncryption atRest) throws java.io.IOException {
        BackupService.Settings s = BackupService.Settings.from(b.getConfig("backup"));
        if (!s.enabled()) {
            return null;
        }
        BackupStore store = switch (b.getString("backup.store")) {
            case "directory" -> {
                OwnerOnly.privateDirectory(s.dir());
                yield new LocalBackupStore(s.dir());
            }
            case "s3" -> {
                Path scratch = Path.of(b.getString("backup.s3.scratch-dir")).toAbsolutePath();
                OwnerOnly.createDirectories(scratch);
                yield new S3BackupStore(S3BackupStore.Settings.from(b.getConfig("backup.s3"), scratch));
            }
            default -> throw new IllegalArgumentException("borealis.backup.store must be directory or s3, not \"" + b.getString("backup.store")
                    + "\"");
        };
        com.typesafe.config.Config e = b.getConfig("encryption");
        borealis.persistence.crypto.MasterKeys keys = null;
        if (e.getBoolean("enabled")) {
            keys = borealis.persistence.crypto.MasterKeys.load(Path.of(e.getString("master-key-file")).toAbsolutePath(),
                    e.getStringList("previous-master-key-files").stream().map(f -> Path.of(f).toAbsolutePath()).toList());
        }
        int keepImages = b.getInt("backup.local-images.keep");
        if (keepImages < 0) {
            throw new IllegalArgumentException("borealis.backup.local-images.keep must be 0 or more, not " + keepImages);
        }
        borealis.persistence.backup.LocalImages local = keepImages == 0 ? null
                : new borealis.persistence.backup.LocalImages(Path.of(b.getString("backup.local-images.dir")), keepImages, atRest::forVolume);
        BackupService service = new BackupService(s, store, keys, local);
        log.info("backups in {} ({})", store.describe(), keys == null ? "not encrypted" : "encrypted, master key " + keys.currentFingerprint());
        service.startSweeping();
        int rewrapped = service.rewrapDataKeys();
        if (rewrapped > 0) {
            log.info("re-wrapped {} backup data key(s) with master key {}", rewrapped, keys.currentFingerprint());
        }
        return service;
    }

    private static ControlPlane controlPlane(ActorSystem<Void> system, ClusterSharding sharding, Config b, int pgPort,
                                             BackupService backups) {
        Duration timeout = b.getDuration("admin.request-timeout");
        ComputeProbe probe = new ComputeProbe(system, sharding, timeout);
        ActorRef<ClusterPurger.Command> purger = ClusterSingleton.get(system).init(
                SingletonActor.of(ClusterPurger.create(sharding, probe, timeout, b.getDuration("control.purge-retry-interval")), "cluster-purger")
                        .withSettings(ClusterSingletonSettings.create(system).withRole("control")));
        ControlPlane.Settings settings = ControlPlane.Settings.from(b);
        return new ControlPlane(system, sharding, settings, probe, purger, new LedgerCapacityReports(new CapacityQueries(sharding, timeout), sharding),
                new Endpoints(b.getString("node.advertised-host"), pgPort), backups);
    }

    /** Starts every entity type's sharding, storage first (compute instances open volumes on start). */
    private static void initEntities(ActorSystem<Void> system, ClusterSharding sharding, Config b, Path dataDir,
                                     ExecutorService sqlPool, ScheduledExecutorService governorTimer, Duration requestTimeout,
                                     ReplicaFaults faults, BackupService backups) {
        // The control plane's journal is also the replica its peers write to: up before anything asks.
        org.apache.pekko.persistence.Persistence.get(Adapter.toClassic(system))
                .journalFor("borealis.journal.control", com.typesafe.config.ConfigFactory.empty());
        StorageSegment.init(system, StorageSegment.Settings.from(b, dataDir, sharding), faults);
        // Capacity: one supervisor per compute node; instances are placed (and moved) one shard each.
        CapacitySettings capacity = CapacitySettings.from(b);
        ComputePlacement placement = new ComputePlacement(system);
        placement.start(system);
        ActorRef<ScalingSupervisor.Command> supervisor = null;
        if (Cluster.get(system).selfMember().hasRole("compute")) {
            supervisor = system.systemActorOf(ScalingSupervisor.create(capacity, placement.selfAddress(), sharding, placement),
                    "scaling-supervisor", Props.empty());
        }
        ComputeInstance.Context compute = new ComputeInstance.Context(sharding, sqlPool, ReplicatedVolume.Settings.from(b.getConfig("volume")),
                requestTimeout, supervisor, capacity, governorTimer, placement.selfAddress(), b.getDuration("reader.retention-window"),
                backups);
        ComputeInstance.init(system, compute, placement, b.getDuration("capacity.rebalance-interval"));
        ReaderInstance.init(system, new ReaderInstance.Context(compute, ReaderInstance.Settings.from(b)));
        stopComputeBeforeStorage(system, Duration.ofSeconds(20));
        CapacityLedger.init(system, capacity);
        DbCluster.init(system);
        Tenant.init(system);
        TenantDirectory.init(system);
    }

    /**
     * On shutdown, compute instances close first: each closes H2 and waits for its last writes to
     * be durable, which needs the storage replicas (and the ledger its status goes to) that the
     * sharding phase of coordinated shutdown stops all at once otherwise.
     */
    private static void stopComputeBeforeStorage(ActorSystem<?> system, Duration timeout) {
        org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
        CoordinatedShutdown.get(classic).addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-compute-instances", () -> {
            org.apache.pekko.cluster.sharding.ClusterSharding regions = org.apache.pekko.cluster.sharding.ClusterSharding.get(classic);
            List<CompletableFuture<Boolean>> stopped = new ArrayList<>();
            for (String type : List.of(ComputeInstance.TYPE_KEY.name(), ReaderInstance.TYPE_KEY.name())) {
                stopped.add(Patterns.gracefulStop(regions.shardRegion(type), timeout, ShardRegion.gracefulShutdownInstance())
                        .toCompletableFuture().exceptionally(e -> false));
            }
            return CompletableFuture.allOf(stopped.toArray(new CompletableFuture<?>[0])).thenApply(v -> Done.getInstance());
        });
    }

    /** The configured token, or the one kept in the data directory, or a new one saved there and printed. */
    private static String adminToken(Config b, Path dataDir) throws IOException {
        String configured = b.getString("admin.token");
        if (!configured.isEmpty()) {
            return configured;
        }
        Path file = dataDir.resolve("admin-token");
        if (Files.exists(file)) {
            return SecretFiles.readPrivate(file);
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        SecretFiles.createPrivate(file, token);
        System.out.println("Generated admin API token (saved in " + file + "): " + token);
        return token;
    }

    public int pgPort() {
        return pgBinding.localAddress().getPort();
    }

    public int adminPort() {
        return adminBinding.localAddress().getPort();
    }

    /** Where the admin API listens: {@code http(s)://host:port}. */
    public String adminUrl() {
        return adminUrl;
    }

    public String adminToken() {
        return adminToken;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Fault injection for the storage replicas hosted here (tests, failure drills). */
    public ReplicaFaults replicaFaults() {
        return faults;
    }

    /** Capacity reads for the API: usage, scaling events, compute status. */
    public CapacityQueries capacity() {
        return new CapacityQueries(ClusterSharding.get(system), Duration.ofSeconds(15));
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Blocks until the actor system terminates. */
    public void awaitTermination() throws Exception {
        system.getWhenTerminated().toCompletableFuture().get();
    }

    @Override
    public void close() {
        Thread w = warmup;
        if (w != null) {
            try {
                w.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NodeMetrics.uninstall(system);
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("node did not terminate cleanly", e);
        }
        sqlPool.shutdownNow();
        governorTimer.shutdownNow();
    }
}
