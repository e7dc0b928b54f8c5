package borealis.actors.control;

import borealis.actors.cluster.ClusterNames;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.cluster.ReaderInstances;
import borealis.engine.insights.TopSql;
import java.util.List;

/** What the admin API returns: JSON-friendly records built from the entities' replies. */
public final class Views {

    private Views() {}

    public record TenantView(String name, String description, int maxClusters, List<String> clusters, String createdAt) {
        static TenantView of(Tenant.TenantInfo t) {
            return new TenantView(t.name(), t.description(), t.maxClusters(), t.clusters(), t.createdAt());
        }
    }

    /** Sizes in bytes, -1 for none. */
    public record Limits(double statementTimeoutCeilingSeconds, int maxMemoryRows, long tempFileLimitBytes, long storageQuotaBytes) {}

    /** {@code compute}: what the capacity service reports of its writer (describe only; absent in lists). */
    public record ClusterView(String tenant, String name, String status, double minAcu, double maxAcu, int secondsUntilAutoPause,
                              List<String> users, List<String> readers, String writerEndpoint, String readerEndpoint, Limits limits,
                              String createdAt, String deletedAt, String purgeAt, CapacityReports.ComputeStatus compute,
                              RestoreView restore) {
        static ClusterView of(DbCluster.ClusterInfo c) {
            return of(c, null);
        }

        static ClusterView of(DbCluster.ClusterInfo c, CapacityReports.ComputeStatus compute) {
            ClusterSpec s = c.spec();
            return new ClusterView(s.tenant(), s.name(), c.status(), s.minAcu(), s.maxAcu(), s.secondsUntilAutoPause(), c.users(),
                    c.readers().stream().map(ReaderInstances::instanceName).toList(),
                    ClusterNames.writerDatabase(s.tenant(), s.name()), ClusterNames.readerDatabase(s.tenant(), s.name()),
                    new Limits(s.statementTimeoutCeilingMillis() / 1000.0, s.maxMemoryRows(), s.tempFileLimitBytes(), s.storageQuotaBytes()),
                    c.createdAt(), c.deletedAt(), c.purgeAt(),
                    compute, RestoreView.of(c.restore()));
        }
    }

    /**
     * Where a restored or cloned cluster came from ({@code kind}). A restore's {@code state} is "pending" until its writer has filled
     * the volume (on its first start), then "done" with the {@code seconds} that took, {@code
     * rebuildSeconds} of them reading the base image and replaying the log (the rest: writing the
     * volume into the new cluster's storage).
     */
    public record RestoreView(String kind, String source, String toTime, long toLsn, String state, Double seconds, Double rebuildSeconds,
                              Double sourceHeldSeconds) {
        static RestoreView of(DbCluster.RestoreSource r) {
            if (r == null) {
                return null;
            }
            String at = java.time.Instant.ofEpochMilli(r.targetMillis()).toString();
            if (r.isClone()) {
                // A clone: seconds to freeze the source and seed the replicas; the source's writes waited sourceHeldSeconds.
                return new RestoreView("clone", r.sourceCluster(), at, r.targetLsn(), "done", r.seconds(), null, r.rebuildSeconds());
            }
            return new RestoreView("restore", r.sourceCluster(), at, r.targetLsn(), r.pending() ? "pending" : "done",
                    r.pending() ? null : r.seconds(), r.pending() ? null : r.rebuildSeconds(), null);
        }
    }

    /** What a restore of the cluster can reach ({@code window} in words), from this node's backup store. */
    public record BackupWindow(String tenant, String cluster, String store, String window, String latestPoint, long latestLsn,
                               int baseImages, String lastImage, int logObjects) {}

    /**
     * One endpoint of a cluster: the database name to connect to and the instances behind it.
     * {@code status}: "available", "no-instances" (a reader endpoint with no readers), or
     * "not-served" (readers exist but this deployment runs no reader compute yet).
     */
    public record EndpointView(String type, String database, String host, int port, List<String> instances, String status,
                               String jdbcUrl, String psql) {}

    public record Endpoints(String tenant, String cluster, List<EndpointView> endpoints) {}

    public record ClusterUsage(String tenant, String cluster, Double acuSeconds, List<CapacityReports.InstanceUsage> instances,
                               long storageBytes) {}

    /** {@code acuSeconds} is null when no capacity service reports it ({@code acuSecondsNote} says why). */
    public record Usage(String tenant, String from, String to, Double acuSeconds, long storageBytes, List<ClusterUsage> clusters,
                        String acuSecondsNote) {}

    public record ScalingEvents(String tenant, String cluster, String from, String to, List<CapacityReports.ScalingEvent> events) {}

    /** Top SQL of a cluster: {@code order} is time, calls or rows; the window is the last {@code windowMinutes}. */
    public record TopSqlView(String tenant, String cluster, String order, int windowMinutes, List<TopSql.Entry> statements) {}

    public record Deletion(ClusterView cluster, List<String> stoppedInstances, String storagePurgeAt) {}

    /**
     * A scrub of a cluster's volume ({@code StorageCheck}): {@code consistent} when no replica
     * differs from its group's majority or fails to read; {@code complete} when every replica was
     * compared everywhere (none behind or silent).
     */
    public record StorageCheck(String tenant, String cluster, String volumeId, int groups, long bytesPerReplica, boolean consistent,
                               boolean complete, List<ReplicaCheck> replicas) {}

    /** {@code state}: consistent, behind, no answer, unreadable or differs ({@code firstDifference}: the group-local offset). */
    public record ReplicaCheck(int group, int replica, long appliedLsn, String state, long firstDifference, String detail) {}
}
