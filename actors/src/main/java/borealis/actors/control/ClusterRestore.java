package borealis.actors.control;

import borealis.actors.auth.ScramVerifier;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.control.Views.ClusterView;
import borealis.persistence.backup.BackupCatalog;
import borealis.persistence.backup.BackupService;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * Point-in-time restore: a new cluster whose data is a source cluster's as of a past point, read
 * from the backup store. The source is untouched. The new cluster takes the source's configuration
 * and users (or, when the control plane no longer knows the source, the configuration kept with
 * the backup and a master password given now); its writer fills the volume on its first start,
 * which this starts at once, so the cluster is ready when the restore's view says "done".
 */
final class ClusterRestore {

    /** How long the writer may take to fill a restored volume before the wake-up ask gives up (the fill goes on). */
    private static final Duration FILL_WAIT = Duration.ofMinutes(30);

    private final ControlPlane control;
    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Duration timeout;
    private final BackupService backups;
    private final Executor blocking;

    ClusterRestore(ControlPlane control, ActorSystem<?> system, ClusterSharding sharding, Duration timeout, BackupService backups) {
        this.control = control;
        this.system = system;
        this.sharding = sharding;
        this.timeout = timeout;
        this.backups = backups;
        this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    }

    /** What the source is: its spec and users, from the control plane or else from the backup store. */
    record Source(ClusterSpec spec, TreeMap<String, ScramVerifier> users) {}

    CompletionStage<ClusterView> restore(String tenant, String sourceName, ControlPlane.NewRestore r) {
        String problem = Validation.first(Validation.tenantName(tenant), Validation.clusterName(sourceName),
                r == null ? "give the new cluster's name" : Validation.clusterName(r.name()),
                r == null || r.masterPassword() == null ? null : Validation.password("masterPassword", r.masterPassword()),
                r != null && r.toTime() != null && r.toLsn() != null ? "give toTime or toLsn, not both" : null,
                r != null && r.toLsn() != null && r.toLsn() < 1 ? "toLsn must be 1 or more" : null);
        if (problem != null) {
            return ControlPlane.invalid(problem);
        }
        long toMillis;
        try {
            toMillis = r.toTime() == null ? Long.MAX_VALUE : Instant.parse(r.toTime()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return ControlPlane.invalid("toTime must be an ISO-8601 instant such as 2026-12-05T10:15:30Z, not \"" + r.toTime() + "\"");
        }
        if (toMillis != Long.MAX_VALUE && toMillis > System.currentTimeMillis()) {
            return ControlPlane.invalid("toTime " + r.toTime() + " lies in the future");
        }
        if (backups == null) {
            return CompletableFuture.failedFuture(ApiException.conflict("this node keeps no backups (borealis.backup.enabled is off)"));
        }
        long toLsn = r.toLsn() == null ? Long.MAX_VALUE : r.toLsn();
        String sourceId = ClusterSpec.id(tenant, sourceName);
        return source(sourceId, r.masterPassword())
                .thenCompose(src -> CompletableFuture.supplyAsync(() -> target(sourceId, src.spec().volumeId(), toLsn, toMillis), blocking)
                        .thenCompose(t -> create(src, t, r.name(), sourceName)));
    }

    private CompletionStage<Source> source(String sourceId, String masterPassword) {
        return control.askCluster(sourceId, DbCluster.Get::new).handle((info, error) -> {
            if (error == null && info.status().equals("available")) {
                return usersOf(info, masterPassword);
            }
            Throwable cause = error == null ? null : ControlPlane.unwrap(error);
            if (cause != null && !(cause instanceof ApiException a && a.status == 404)) {
                throw new CompletionException(cause);
            }
            return CompletableFuture.supplyAsync(() -> fromBackup(sourceId, info, masterPassword), blocking);
        }).thenCompose(x -> x);
    }

    /** A live source: its users' verifiers, the master's replaced when a password is given. */
    CompletionStage<Source> usersOf(DbCluster.ClusterInfo info, String masterPassword) {
        List<CompletableFuture<DbCluster.AuthInfo>> asks = new ArrayList<>();
        for (String user : info.users()) {
            asks.add(sharding.entityRefFor(DbCluster.TYPE_KEY, info.spec().id())
                    .<DbCluster.AuthInfo>ask(ref -> new DbCluster.GetAuth(user, ref), timeout).toCompletableFuture());
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            TreeMap<String, ScramVerifier> users = new TreeMap<>();
            for (int i = 0; i < asks.size(); i++) {
                ScramVerifier verifier = asks.get(i).join().verifier();
                if (verifier != null) {
                    users.put(info.users().get(i), verifier);
                }
            }
            if (masterPassword != null) {
                users.put(info.spec().masterUsername(), ScramVerifier.create(masterPassword));
            }
            return new Source(info.spec(), users);
        });
    }

    /** A source the control plane no longer holds (deleted, or lost with a node's data): its manifest in the backup store. */
    private Source fromBackup(String sourceId, DbCluster.ClusterInfo deleting, String masterPassword) {
        try {
            List<String> volumes = deleting != null ? List.of(deleting.spec().volumeId()) : backups.volumesOf(sourceId);
            byte[] manifest = volumes.isEmpty() ? null : backups.manifest(volumes.get(0));
            if (manifest == null) {
                throw new CompletionException(ApiException.notFound("cluster " + sourceId.replace('/', '.')
                        + " does not exist and the backup store (" + backups.store().describe() + ") holds no backup of it"));
            }
            if (masterPassword == null) {
                throw new CompletionException(ApiException.badRequest("cluster " + sourceId.replace('/', '.')
                        + " is no longer known to the control plane, so its users' passwords are not either: give masterPassword"
                        + " for the restored cluster's master user"));
            }
            ClusterSpec spec = ClusterSpec.fromManifest(manifest);
            TreeMap<String, ScramVerifier> users = new TreeMap<>();
            users.put(spec.masterUsername(), ScramVerifier.create(masterPassword));
            return new Source(spec, users);
        } catch (borealis.persistence.crypto.MasterKeys.WrongKeyException e) {
            throw new CompletionException(ApiException.conflict(e.getMessage()));
        } catch (IOException e) {
            throw new CompletionException(new ApiException(503, "the backup store could not be read: " + e.getMessage()));
        }
    }

    private BackupCatalog.Target target(String sourceId, String volumeId, long toLsn, long toMillis) {
        try {
            return backups.resolve(volumeId, toLsn, toMillis);
        } catch (BackupCatalog.NoRestorePoint | borealis.persistence.crypto.MasterKeys.WrongKeyException e) {
            throw new CompletionException(ApiException.conflict(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            throw new CompletionException(new ApiException(503, "the backup of cluster " + sourceId.replace('/', '.')
                    + " could not be read: " + e.getMessage()));
        }
    }

    private CompletionStage<ClusterView> create(Source src, BackupCatalog.Target t, String name, String sourceName) {
        ClusterSpec spec = src.spec().copyAs(name);
        DbCluster.RestoreSource from = new DbCluster.RestoreSource(sourceName, t.volumeId(), t.imageKey(), t.lsn(), t.durableAtMillis(), -1, -1);
        return control.askTenant(spec.tenant(), reply -> new Tenant.AddCluster(name, reply))
                .thenCompose(tenant -> control.askCluster(spec.id(), reply -> new DbCluster.CreateRestored(spec, src.users(), from, reply))
                        .handle((info, error) -> error == null ? CompletableFuture.completedFuture(ClusterView.of(wake(info)))
                                : control.<ClusterView>releaseName(spec, error))
                        .thenCompose(x -> x));
    }

    /** Starts the writer, which fills the volume; the caller follows the restore's state in the cluster's view. */
    private DbCluster.ClusterInfo wake(DbCluster.ClusterInfo info) {
        sharding.entityRefFor(ComputeInstance.TYPE_KEY, info.spec().id())
                .<StatusReply<Done>>ask(ComputeInstance.Wake::new, FILL_WAIT)
                .whenComplete((ok, e) -> {
                    if (e != null || ok.isError()) {
                        system.log().warn("restored cluster {} did not start: {}", info.spec().id(), e != null ? e.toString() : ok.getError());
                    }
                });
        return info;
    }

    /**
     * Backtrack: rewinds the cluster in place to the last commit at or before {@code toTime}. Its
     * sessions end (57P01), its writer stops and starts again, filling the volume from the backup;
     * the log after the point stays in the backup, so a backtrack to a time before this one undoes it.
     */
    CompletionStage<ClusterView> backtrack(String tenant, String name, ComputeProbe compute, ControlPlane.NewBacktrack b) {
        String problem = Validation.first(Validation.tenantName(tenant), Validation.clusterName(name),
                b == null || b.toTime() == null ? "give toTime, the ISO-8601 instant to rewind to" : null);
        if (problem != null) {
            return ControlPlane.invalid(problem);
        }
        long toMillis;
        try {
            toMillis = Instant.parse(b.toTime()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return ControlPlane.invalid("toTime must be an ISO-8601 instant such as 2026-12-05T10:15:30Z, not \"" + b.toTime() + "\"");
        }
        if (toMillis > System.currentTimeMillis()) {
            return ControlPlane.invalid("toTime " + b.toTime() + " lies in the future");
        }
        if (backups == null) {
            return CompletableFuture.failedFuture(ApiException.conflict("this node keeps no backups (borealis.backup.enabled is off)"));
        }
        String id = ClusterSpec.id(tenant, name);
        return control.askCluster(id, DbCluster.Get::new)
                .thenApplyAsync(info -> target(id, info.spec().volumeId(), Long.MAX_VALUE, toMillis), blocking)
                .thenCompose(t -> control.askCluster(id, r -> new DbCluster.Backtrack(new DbCluster.RestoreSource(name, t.volumeId(),
                        t.imageKey(), t.lsn(), t.durableAtMillis(), -1, -1), r)))
                .thenCompose(info -> compute.stop(id, "cluster " + tenant + "." + name + " is being backtracked to " + b.toTime())
                        .thenCompose(stopped -> stoppedWithin(compute, id, Duration.ofSeconds(30)))
                        .thenApply(x -> ClusterView.of(wake(info))));
    }

    /** Completes once the cluster's writer no longer runs (its database closed), or after {@code limit}. */
    private CompletionStage<Void> stoppedWithin(ComputeProbe compute, String id, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        return compute.runningInstances(id).thenCompose(running -> {
            if (!running.contains(id) || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> later = new CompletableFuture<>();
            system.scheduler().scheduleOnce(Duration.ofMillis(100), () -> stoppedWithin(compute, id,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).whenComplete((v, e) -> later.complete(null)),
                    system.executionContext());
            return later;
        });
    }

    CompletionStage<Views.BackupWindow> describe(String tenant, String name) {
        String problem = Validation.first(Validation.tenantName(tenant), Validation.clusterName(name));
        if (problem != null) {
            return ControlPlane.invalid(problem);
        }
        if (backups == null) {
            return CompletableFuture.failedFuture(ApiException.conflict("this node keeps no backups (borealis.backup.enabled is off)"));
        }
        String id = ClusterSpec.id(tenant, name);
        return control.askCluster(id, DbCluster.Get::new).thenApplyAsync(info -> {
            try {
                String volume = info.spec().volumeId();
                BackupCatalog.Target latest = null;
                try {
                    latest = backups.resolve(volume, Long.MAX_VALUE, Long.MAX_VALUE);
                } catch (BackupCatalog.NoRestorePoint e) {
                    // nothing restorable yet: the window says so
                }
                BackupCatalog.Summary s = backups.summary(volume);
                return new Views.BackupWindow(tenant, name, backups.store().describe(), s.window(),
                        latest == null ? null : Instant.ofEpochMilli(latest.durableAtMillis()).toString(), latest == null ? 0 : latest.lsn(),
                        s.images(), s.lastImageMillis() == 0 ? null : Instant.ofEpochMilli(s.lastImageMillis()).toString(), s.logObjects());
            } catch (IOException e) {
                throw new CompletionException(new ApiException(503, "the backup store could not be read: " + e.getMessage()));
            }
        }, blocking);
    }
}
