package borealis.actors.control;

import borealis.actors.auth.ScramVerifier;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.cluster.ReaderInstances;
import borealis.actors.cluster.Rejection;
import borealis.actors.compute.ReaderInstance;
import borealis.actors.control.Views.ClusterView;
import borealis.actors.control.Views.TenantView;
import borealis.actors.metrics.InsightsService;
import borealis.engine.insights.DatabaseInsights;
import borealis.engine.insights.TopSql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The control plane's operations over the Tenant, TenantDirectory and DbCluster entities, for the
 * admin API (and anything else that manages tenants). Every request is validated here first
 * ({@link Validation}); the entities then check what only they know. Multi-entity operations are
 * ordered so that a failure half-way leaves nothing visible half-created:
 *
 * <ul>
 *   <li>create tenant: register the name in the directory, then create the tenant (listing skips
 *       names whose tenant does not exist);</li>
 *   <li>create cluster: reserve the name in the tenant (quota), then create the cluster; if that
 *       fails and no cluster holds the name, release it;</li>
 *   <li>delete cluster: mark it deleted (no logins, no new compute), stop its compute, release
 *       the name in the tenant, schedule the storage purge; repeating a delete redoes the steps
 *       after the first.</li>
 * </ul>
 *
 * Creation with a client token is idempotent: the same token and parameters get the same answer.
 */
public final class ControlPlane {

    /** Node-wide settings of the control plane. */
    public record Settings(Duration timeout, long groupSize, int defaultMaxClusters, int defaultSecondsUntilAutoPause, Duration storageRetention,
                           Duration statementTimeoutCeiling, int maxMemoryRows, long tempFileLimitBytes, long storageQuotaBytes) {

        /** From the node's {@code borealis} configuration (defaults: reference.conf). */
        public static Settings from(com.typesafe.config.Config b) {
            return new Settings(b.getDuration("admin.request-timeout"), b.getBytes("volume.group-size"),
                    b.getInt("control.default-max-clusters-per-tenant"), b.getInt("control.default-seconds-until-auto-pause"),
                    b.getDuration("control.storage-retention"), b.getDuration("limits.statement-timeout-ceiling"),
                    b.getInt("limits.max-memory-rows"), bytesOrNone(b, "limits.temp-file-limit"), bytesOrNone(b, "limits.storage-quota"));
        }

        /** A size setting that may also be "none" (-1). */
        private static long bytesOrNone(com.typesafe.config.Config b, String path) {
            return b.getString(path).equalsIgnoreCase("none") ? -1 : b.getBytes(path);
        }
    }

    /** Request bodies, as the API receives them; null means "not given". */
    public record NewTenant(String name, String description, Integer maxClusters, String clientToken) {}

    public record ModifyTenant(String description, Integer maxClusters) {}

    public record NewCluster(String tenant, String name, String masterUsername, String masterPassword, Double minAcu, Double maxAcu,
                             Integer secondsUntilAutoPause, String clientToken) {
        @Override
        public String toString() {
            return "NewCluster[" + tenant + "/" + name + "]";
        }
    }

    public record ModifyCluster(Double minAcu, Double maxAcu, Integer secondsUntilAutoPause) {}

    /**
     * A restore of a cluster's backup into new cluster {@code name}: as of {@code toTime} (ISO-8601)
     * or {@code toLsn}, or the latest point when neither is given. {@code masterPassword} replaces
     * the master user's password (required when the source is no longer known to the control plane).
     */
    /** A backtrack of a cluster in place to {@code toTime} (ISO-8601). */
    public record NewBacktrack(String toTime) {}

    /** {@code toTime} (optional): the source as of then, from its backup (a restore, laid out over a local base image where one serves). */
    public record NewClone(String name, String toTime) {}

    public record NewRestore(String name, String toTime, Long toLsn, String masterPassword) {
        @Override
        public String toString() {
            return "NewRestore[" + name + "]";
        }
    }

    public record NewReader(Integer number) {}

    public record NewUser(String username, String password) {
        @Override
        public String toString() {
            return "NewUser[" + username + "]";
        }
    }

    public record NewPassword(String password) {
        @Override
        public String toString() {
            return "NewPassword[***]";
        }
    }

    static final double DEFAULT_MIN_ACU = 0.5;
    static final double DEFAULT_MAX_ACU = 4;

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Settings settings;
    private final ComputeProbe compute;
    private final ActorRef<ClusterPurger.Command> purger;
    private final CapacityReports capacity;
    private final Endpoints endpoints;
    private final ClusterRestore restores;
    private final ClusterClone clones;

    /** {@code backups}: this node's backup service, null when backup is disabled. */
    public ControlPlane(ActorSystem<?> system, ClusterSharding sharding, Settings settings, ComputeProbe compute,
                        ActorRef<ClusterPurger.Command> purger, CapacityReports capacity, Endpoints endpoints,
                        borealis.persistence.backup.BackupService backups) {
        this.system = system;
        this.sharding = sharding;
        this.settings = settings;
        this.compute = compute;
        this.purger = purger;
        this.capacity = capacity;
        this.endpoints = endpoints;
        this.restores = new ClusterRestore(this, system, sharding, settings.timeout(), backups);
        this.clones = new ClusterClone(this, restores, sharding, settings.timeout());
    }

    // ---- tenants ----

    public CompletionStage<TenantView> createTenant(NewTenant t) {
        String problem = Validation.first(Validation.tenantName(t.name()), Validation.description(t.description()),
                Validation.maxClusters(t.maxClusters()), Validation.clientToken(t.clientToken()));
        if (problem != null) {
            return invalid(problem);
        }
        int max = t.maxClusters() != null ? t.maxClusters() : settings.defaultMaxClusters();
        return directory().<TenantDirectory.Done>ask(r -> new TenantDirectory.Register(t.name(), r), settings.timeout())
                .thenCompose(d -> askTenant(t.name(), r -> new Tenant.Create(t.description(), max, t.clientToken(), r)))
                .thenApply(TenantView::of);
    }

    /** Every tenant, described. */
    public CompletionStage<List<TenantView>> listTenants() {
        return directory().<TenantDirectory.Tenants>ask(TenantDirectory.ListTenants::new, settings.timeout())
                .thenCompose(names -> allPresent(names.names(), name -> askTenant(name, Tenant.Get::new)))
                .thenApply(list -> list.stream().map(TenantView::of).toList());
    }

    public CompletionStage<TenantView> describeTenant(String name) {
        String problem = Validation.tenantName(name);
        return problem != null ? invalid(problem) : askTenant(name, Tenant.Get::new).thenApply(TenantView::of);
    }

    public CompletionStage<TenantView> modifyTenant(String name, ModifyTenant m) {
        String problem = Validation.first(Validation.tenantName(name), Validation.description(m.description()),
                Validation.maxClusters(m.maxClusters()));
        if (problem == null && m.description() == null && m.maxClusters() == null) {
            problem = "nothing to modify: give description and/or maxClusters";
        }
        if (problem != null) {
            return invalid(problem);
        }
        return askTenant(name, r -> new Tenant.Modify(m.description(), m.maxClusters(), r)).thenApply(TenantView::of);
    }

    /** Deletes a tenant that owns no clusters. */
    public CompletionStage<TenantView> deleteTenant(String name) {
        String problem = Validation.tenantName(name);
        if (problem != null) {
            return invalid(problem);
        }
        return askTenant(name, Tenant.Delete::new)
                .thenCompose(info -> directory().<TenantDirectory.Done>ask(r -> new TenantDirectory.Unregister(name, r), settings.timeout())
                        .thenApply(d -> TenantView.of(info)));
    }

    // ---- clusters ----

    public CompletionStage<ClusterView> createCluster(NewCluster c) {
        double min = c.minAcu() != null ? c.minAcu() : DEFAULT_MIN_ACU;
        double max = c.maxAcu() != null ? c.maxAcu() : Math.max(min, DEFAULT_MAX_ACU);
        String problem = Validation.first(Validation.tenantName(c.tenant()), Validation.clusterName(c.name()),
                Validation.userName("masterUsername", c.masterUsername()), Validation.password("masterPassword", c.masterPassword()),
                Validation.minAcu(min), Validation.maxAcu(max), Validation.acuRange(min, max),
                Validation.secondsUntilAutoPause(c.secondsUntilAutoPause()), Validation.clientToken(c.clientToken()));
        if (problem != null) {
            return invalid(problem);
        }
        int pause = c.secondsUntilAutoPause() != null ? c.secondsUntilAutoPause() : settings.defaultSecondsUntilAutoPause();
        ClusterSpec spec = new ClusterSpec(c.tenant(), c.name(), min, max, pause, settings.groupSize(), DbCluster.newEngineSecret(),
                c.masterUsername(), settings.statementTimeoutCeiling().toMillis(), settings.maxMemoryRows(), settings.tempFileLimitBytes(),
                settings.storageQuotaBytes(), ClusterSpec.newVolumeId(c.tenant(), c.name()));
        ScramVerifier verifier = ScramVerifier.create(c.masterPassword());
        return askTenant(c.tenant(), r -> new Tenant.AddCluster(c.name(), r))
                .thenCompose(t -> askCluster(spec.id(),
                        r -> new DbCluster.Create(spec, c.masterUsername(), verifier, c.clientToken(), c.masterPassword(), r))
                        .handle((info, error) -> error == null ? done(ClusterView.of(info)) : this.<ClusterView>releaseName(spec, error))
                        .thenCompose(Function.identity()));
    }

    /** Restores cluster {@code source}'s backup into a new cluster (see {@link ClusterRestore}). */
    public CompletionStage<ClusterView> restoreCluster(String tenant, String source, NewRestore r) {
        return restores.restore(tenant, source, r);
    }

    /** A copy-on-write clone of a cluster as it stands now (see {@link ClusterClone}), or as of a past time (a restore). */
    public CompletionStage<ClusterView> cloneCluster(String tenant, String source, NewClone c) {
        if (c.toTime() != null) {
            return restores.restore(tenant, source, new NewRestore(c.name(), c.toTime(), null, null));
        }
        return clones.cloneCluster(tenant, source, c);
    }

    /** Rewinds a cluster in place (see {@link ClusterRestore#backtrack}). */
    public CompletionStage<ClusterView> backtrackCluster(String tenant, String name, NewBacktrack b) {
        return restores.backtrack(tenant, name, compute, b);
    }

    /** The points a restore of the cluster can reach. */
    public CompletionStage<Views.BackupWindow> describeBackups(String tenant, String name) {
        return restores.describe(tenant, name);
    }

    /**
     * Scrubs the cluster's storage: compares the six replicas of each protection group range by
     * range ({@link StorageCheck}). Meant for a quiet volume; under writes, replicas still
     * catching up are reported as behind.
     */
    public CompletionStage<Views.StorageCheck> checkStorage(String tenant, String name) {
        String problem = names(tenant, name);
        if (problem != null) {
            return invalid(problem);
        }
        return askCluster(ClusterSpec.id(tenant, name), DbCluster.Get::new).thenCompose(info -> info.status().equals("available")
                ? StorageCheck.run(sharding, tenant, name, info.spec().volumeId(), info.spec().groupSize(), settings.timeout())
                : CompletableFuture.failedFuture(ApiException.notFound("cluster " + tenant + "/" + name + " is " + info.status())));
    }

    /** After a failed create: give the name back to the tenant unless a live cluster holds it. */
    <T> CompletionStage<T> releaseName(ClusterSpec spec, Throwable error) {
        return askCluster(spec.id(), DbCluster.Get::new)
                .handle((info, e) -> info != null && info.status().equals("available"))
                .thenCompose(live -> live ? CompletableFuture.<TenantView>completedFuture(null)
                        : askTenant(spec.tenant(), r -> new Tenant.RemoveCluster(spec.name(), r)).thenApply(TenantView::of))
                .handle((x, e) -> null)
                .thenCompose(x -> CompletableFuture.failedFuture(unwrap(error)));
    }

    /** A cluster, with the compute status the capacity service reports (left out if it does not answer). */
    public CompletionStage<ClusterView> describeCluster(String tenant, String name) {
        String problem = names(tenant, name);
        if (problem != null) {
            return invalid(problem);
        }
        String id = ClusterSpec.id(tenant, name);
        return askCluster(id, DbCluster.Get::new).thenCompose(info -> capacity.status(id)
                .handle((status, error) -> ClusterView.of(info, status == null ? null : status.orElse(null))));
    }

    /** Clusters of one tenant, or of every tenant when {@code tenant} is null (deleted ones are not listed). */
    public CompletionStage<List<ClusterView>> listClusters(String tenant) {
        CompletionStage<List<TenantView>> tenants = tenant == null ? listTenants() : describeTenant(tenant).thenApply(List::of);
        return tenants.thenCompose(list -> {
            List<String> ids = new ArrayList<>();
            list.forEach(t -> t.clusters().forEach(c -> ids.add(ClusterSpec.id(t.name(), c))));
            return allPresent(ids, id -> askCluster(id, DbCluster.Get::new));
        }).thenApply(list -> list.stream().filter(c -> c.status().equals("available")).map(ClusterView::of).toList());
    }

    public CompletionStage<ClusterView> modifyCluster(String tenant, String name, ModifyCluster m) {
        String problem = Validation.first(names(tenant, name), m.minAcu() == null ? null : Validation.minAcu(m.minAcu()),
                m.maxAcu() == null ? null : Validation.maxAcu(m.maxAcu()),
                m.minAcu() == null || m.maxAcu() == null ? null : Validation.acuRange(m.minAcu(), m.maxAcu()),
                Validation.secondsUntilAutoPause(m.secondsUntilAutoPause()));
        if (problem == null && m.minAcu() == null && m.maxAcu() == null && m.secondsUntilAutoPause() == null) {
            problem = "nothing to modify: give minAcu, maxAcu and/or secondsUntilAutoPause";
        }
        if (problem != null) {
            return invalid(problem);
        }
        return askCluster(ClusterSpec.id(tenant, name), r -> new DbCluster.Modify(m.minAcu(), m.maxAcu(), m.secondsUntilAutoPause(), r))
                .thenApply(info -> {
                    capacity.scalingConfigurationChanged(info.spec());
                    return ClusterView.of(info);
                });
    }

    /**
     * Deletes a cluster. With open sessions it is refused unless {@code force}, which closes them.
     * Its storage is purged after the configured retention.
     */
    public CompletionStage<Views.Deletion> deleteCluster(String tenant, String name, boolean force) {
        String problem = names(tenant, name);
        if (problem != null) {
            return invalid(problem);
        }
        String id = ClusterSpec.id(tenant, name);
        return askCluster(id, DbCluster.Get::new).thenCompose(info -> {
            if (!info.status().equals("available")) {
                return finishDeletion(info);
            }
            CompletionStage<Integer> sessions = force ? done(0) : compute.openSessions(id).exceptionally(e -> {
                throw new CompletionException(new ApiException(503, "could not count the open sessions of cluster " + tenant + "." + name
                        + " (" + unwrap(e).getMessage() + "); retry, or delete with force to close whatever is open"));
            });
            return sessions.thenCompose(open -> {
                if (open > 0) {
                    return failed(ApiException.conflict("cluster " + tenant + "." + name + " has " + open + " open session"
                            + (open == 1 ? "" : "s") + "; delete with force (CLI --force) to close them"));
                }
                Instant purgeAt = Instant.now().plus(settings.storageRetention());
                return askCluster(id, r -> new DbCluster.Delete(purgeAt, r)).thenCompose(this::finishDeletion);
            });
        });
    }

    /** The steps after the cluster is marked deleted; each is idempotent, so a repeated delete redoes them. */
    private CompletionStage<Views.Deletion> finishDeletion(DbCluster.ClusterInfo info) {
        ClusterSpec spec = info.spec();
        Instant purgeAt = Instant.parse(info.purgeAt());
        return compute.stop(spec.id())
                .thenCompose(stopped -> askTenant(spec.tenant(), r -> new Tenant.RemoveCluster(spec.name(), r))
                        .exceptionally(e -> null) // the tenant may be gone already
                        .thenCompose(t -> AskPattern.<ClusterPurger.Command, StatusReply<ClusterPurger.Scheduled>>ask(purger,
                                        r -> new ClusterPurger.Schedule(spec.id(), spec.volumeId(), spec.groupSize(), purgeAt, r), settings.timeout(),
                                        system.scheduler())
                                .thenApply(StatusReply::getValue))
                        .thenApply(s -> new Views.Deletion(ClusterView.of(info), stopped, purgeAt.toString())));
    }

    // ---- readers, users ----

    public CompletionStage<ClusterView> addReader(String tenant, String name, NewReader reader) {
        Integer n = reader == null ? null : reader.number();
        String problem = Validation.first(names(tenant, name), Validation.readerNumber(n));
        return problem != null ? invalid(problem)
                : askCluster(ClusterSpec.id(tenant, name), r -> new DbCluster.AddReader(n, r)).thenApply(ClusterView::of);
    }

    /** Removes reader instance {@code number}; its compute, if running, stops. */
    public CompletionStage<ClusterView> removeReader(String tenant, String name, int number) {
        String problem = Validation.first(names(tenant, name), Validation.readerNumber(number));
        if (problem != null) {
            return invalid(problem);
        }
        String id = ClusterSpec.id(tenant, name);
        return askCluster(id, r -> new DbCluster.RemoveReader(number, r)).thenApply(info -> {
            if (compute.readersServed()) {
                sharding.entityRefFor(ReaderInstance.TYPE_KEY, ReaderInstances.entityId(id, number)).tell(new borealis.actors.compute.ComputeInstance.Terminate("reader instance " + number + " was removed"));
            }
            return ClusterView.of(info);
        });
    }

    public CompletionStage<ClusterView> createUser(String tenant, String name, NewUser u) {
        String problem = Validation.first(names(tenant, name), Validation.userName("username", u.username()),
                Validation.password("password", u.password()));
        if (problem != null) {
            return invalid(problem);
        }
        ScramVerifier verifier = ScramVerifier.create(u.password());
        return askCluster(ClusterSpec.id(tenant, name), r -> new DbCluster.CreateUser(u.username(), verifier, r)).thenApply(ClusterView::of);
    }

    public CompletionStage<ClusterView> dropUser(String tenant, String name, String user) {
        String problem = Validation.first(names(tenant, name), Validation.userName("username", user));
        return problem != null ? invalid(problem)
                : askCluster(ClusterSpec.id(tenant, name), r -> new DbCluster.DropUser(user, r)).thenApply(ClusterView::of);
    }

    /** Replaces a user's password (kept as a new SCRAM verifier); sessions already open stay open. */
    public CompletionStage<ClusterView> rotatePassword(String tenant, String name, String user, NewPassword p) {
        String problem = Validation.first(names(tenant, name), Validation.userName("username", user),
                Validation.password("password", p == null ? null : p.password()));
        if (problem != null) {
            return invalid(problem);
        }
        ScramVerifier verifier = ScramVerifier.create(p.password());
        return askCluster(ClusterSpec.id(tenant, name), r -> new DbCluster.SetPassword(user, verifier, r)).thenApply(ClusterView::of);
    }

    // ---- endpoints, usage, scaling events ----

    public CompletionStage<Views.Endpoints> describeEndpoints(String tenant, String name) {
        String problem = names(tenant, name);
        return problem != null ? invalid(problem)
                : askCluster(ClusterSpec.id(tenant, name), DbCluster.Get::new).thenApply(info -> endpoints.of(info, compute.readersServed()));
    }

    /** Usage of a tenant's clusters (or of one) between {@code from} and {@code to} (ISO-8601; default: the last 24 hours). */
    public CompletionStage<Views.Usage> usage(String tenant, String cluster, String from, String to) {
        Instant[] range;
        try {
            range = TimeRange.parse(from, to);
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        String problem = Validation.first(Validation.tenantName(tenant), cluster == null ? null : Validation.clusterName(cluster));
        if (problem != null) {
            return invalid(problem);
        }
        CompletionStage<List<String>> names = cluster != null
                ? describeCluster(tenant, cluster).thenApply(c -> List.of(c.name()))
                : describeTenant(tenant).thenApply(TenantView::clusters);
        return names.thenCompose(list -> allPresent(list, c -> askCluster(ClusterSpec.id(tenant, c), DbCluster.Get::new)))
                .thenCompose(infos -> new UsageReport(sharding, capacity, settings.timeout())
                        .of(tenant, infos.stream().map(DbCluster.ClusterInfo::spec).toList(), range[0], range[1]));
    }

    public CompletionStage<Views.ScalingEvents> scalingEvents(String tenant, String name, String from, String to) {
        Instant[] range;
        try {
            range = TimeRange.parse(from, to);
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        String problem = names(tenant, name);
        if (problem != null) {
            return invalid(problem);
        }
        return describeCluster(tenant, name)
                .thenCompose(c -> capacity.scalingEvents(ClusterSpec.id(tenant, name), range[0], range[1]))
                .thenApply(events -> new Views.ScalingEvents(tenant, name, range[0].toString(), range[1].toString(), events));
    }

    // ---- performance insights ----

    static final int DEFAULT_TOP_SQL_LIMIT = 10;
    static final int MAX_TOP_SQL_LIMIT = 100;

    /**
     * The cluster's statements with the most total time, calls or rows over the recent window
     * (normalized: literals and parameter values removed), merged from every node.
     */
    public CompletionStage<Views.TopSqlView> topSql(String tenant, String name, String order, String limit) {
        String problem = names(tenant, name);
        if (problem != null) {
            return invalid(problem);
        }
        TopSql.Order by;
        try {
            by = order == null ? TopSql.Order.TIME : TopSql.Order.valueOf(order.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return invalid("order must be time, calls or rows, not \"" + order + "\"");
        }
        int n;
        try {
            n = limit == null ? DEFAULT_TOP_SQL_LIMIT : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_TOP_SQL_LIMIT) {
            return invalid("limit must be a whole number from 1 to " + MAX_TOP_SQL_LIMIT + ", not \"" + limit + "\"");
        }
        int count = n;
        return describeCluster(tenant, name)
                .thenCompose(c -> InsightsService.topSql(system, tenant, name, by, count, settings.timeout()))
                .thenApply(entries -> new Views.TopSqlView(tenant, name, by.name().toLowerCase(Locale.ROOT),
                        DatabaseInsights.TOP_SQL_WINDOW_MINUTES, entries));
    }

    // ---- plumbing ----

    private EntityRef<Tenant.Command> tenant(String name) {
        return sharding.entityRefFor(Tenant.TYPE_KEY, name);
    }

    private EntityRef<DbCluster.Command> cluster(String id) {
        return sharding.entityRefFor(DbCluster.TYPE_KEY, id);
    }

    private EntityRef<TenantDirectory.Command> directory() {
        return sharding.entityRefFor(TenantDirectory.TYPE_KEY, TenantDirectory.ID);
    }

    CompletionStage<Tenant.TenantInfo> askTenant(String name, Function<ActorRef<StatusReply<Tenant.TenantInfo>>, Tenant.Command> message) {
        return ask(tenant(name), message);
    }

    CompletionStage<DbCluster.ClusterInfo> askCluster(String id,
                                                              Function<ActorRef<StatusReply<DbCluster.ClusterInfo>>, DbCluster.Command> message) {
        return ask(cluster(id), message);
    }

    /** Asks an entity; a rejection becomes the matching {@link ApiException}, anything else a 503. */
    private <C, T> CompletionStage<T> ask(EntityRef<C> ref, Function<ActorRef<StatusReply<T>>, C> message) {
        return ref.<StatusReply<T>>ask(message::apply, settings.timeout()).handle((reply, error) -> {
            if (error != null) {
                throw new CompletionException(new ApiException(503, "the control plane did not answer in time: " + error.getMessage()));
            }
            if (reply.isError()) {
                throw new CompletionException(ApiException.of(reply.getError()));
            }
            return reply.getValue();
        });
    }

    /** Asks for each key in parallel; keys whose entity does not exist (404) are left out. */
    private <K, T> CompletionStage<List<T>> allPresent(List<K> keys, Function<K, CompletionStage<T>> get) {
        List<CompletableFuture<T>> asks = new ArrayList<>();
        for (K k : keys) {
            asks.add(get.apply(k).toCompletableFuture().exceptionally(e -> {
                if (unwrap(e) instanceof ApiException a && a.status == 404) {
                    return null;
                }
                throw new CompletionException(unwrap(e));
            }));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(x -> x != null).toList());
    }

    private static String names(String tenant, String name) {
        return Validation.first(Validation.tenantName(tenant), Validation.clusterName(name));
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static <T> CompletionStage<T> invalid(String message) {
        return CompletableFuture.failedFuture(ApiException.badRequest(message));
    }

    private static <T> CompletionStage<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
