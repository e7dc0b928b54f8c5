package borealis.actors.compute;

import borealis.actors.audit.AuditLog;
import borealis.actors.capacity.CapacityMetrics;
import borealis.actors.capacity.InstanceResources;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.storage.ShardedSegmentTransport;
import borealis.engine.governor.CpuGovernor;
import borealis.engine.h2.Database;
import borealis.engine.insights.DatabaseInsights;
import borealis.persistence.backup.BackupService;
import borealis.persistence.backup.LogArchiver;
import borealis.persistence.volume.client.LogArchive;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Opens and closes the writer's volume and its H2 database, and puts them under the instance's
 * allocation. Opening and closing block (recovery, H2's SHUTDOWN), so {@link ComputeInstance} runs
 * them on the SQL pool, off its actor's thread (except when the actor system is terminating).
 */
final class WriterDatabase {

    /** Under the instance's name: these are its messages. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ComputeInstance.class);

    /** An open volume and database, or why not ({@code error}; then nothing stays open). */
    record Opening(ReplicatedVolume volume, Database database, Throwable error) {}

    private WriterDatabase() {}

    /**
     * Opens the volume as epoch {@code s.epoch()} (recovery), with a buffer pool of {@code cacheBytes},
     * then H2 on it; {@code volumeOpened} runs in between (a phase of the resume, for its event).
     */
    static Opening open(ActorSystem<?> system, ComputeInstance.Context node, DbCluster.ComputeSpec s, long cacheBytes,
                        Runnable volumeOpened) {
        ReplicatedVolume v = null;
        try {
            VolumeLayout layout = new VolumeLayout(s.spec().groupSize());
            String volumeId = s.spec().volumeId();
            BackupService backups = node.backups();
            LogArchiver archiver = backups == null ? null : backups.archiver(volumeId);
            long began = System.nanoTime();
            RestoreSeed.Seeded seeded = s.restore() != null ? RestoreSeed.seed(system, node, s) : null;
            v = ReplicatedVolume.open(volumeId, layout, new ShardedSegmentTransport(system, node.sharding(), volumeId, layout,
                    node.requestTimeout()),
                    s.epoch(), node.volumeSettings(), archiver == null ? LogArchive.NONE : archiver);
            // The buffer pool is sized by the allocation, before H2 reads anything through it.
            v.cache().resize(cacheBytes);
            if (seeded != null) {
                RestoreFill.finished(node, s, (System.nanoTime() - began) / 1e9, seeded.rebuildSeconds(), seeded.bytes(), "laid out");
            } else if (s.restore() != null) {
                RestoreFill.fill(system, node, s, v, archiver);
            }
            if (archiver != null) {
                // Off the resume's path: with an object store, learning where the archive stands
                // is a listing (and a key to make); records queue in the archiver meanwhile.
                archiver.attachInBackground(v, s.spec().toManifest());
            }
            volumeOpened.run();
            AuditLog audit = AuditLog.get(system);
            ClusterSpec c = s.spec();
            v.prefetch();
            v.setOpenReadAhead(node.volumeSettings().openReadAheadBlocks());
            Database db;
            try {
                db = Database.open(v, c.engineSecret(), c.tenant() + "." + c.name(), c.engineLimits(),
                        e -> audit.statement(c.tenant(), c.name(), e.user(), e.source(), e.statement(), e.sqlState(), e.message(), e.refused()),
                        c.masterUsername());
            } finally {
                v.setOpenReadAhead(0); // queries read what they ask for
            }
            return new Opening(v, db, null);
        } catch (Exception e) {
            if (v != null) {
                v.close();
            }
            return new Opening(null, null, e);
        }
    }

    /**
     * Puts an open database under an allocation of {@code acu}: a CPU governor, the volume's block
     * cache and H2's page cache; its statements report to the cluster's insights.
     */
    static InstanceResources allocate(String clusterId, ComputeInstance.Context node, Database db, ReplicatedVolume volume,
                                      double acu) {
        db.observeWith(DatabaseInsights.of(CapacityMetrics.tenant(clusterId), CapacityMetrics.cluster(clusterId)));
        CpuGovernor governor = new CpuGovernor(node.capacity().profile().cpuPerSecond(acu), node.governorTimer());
        InstanceResources resources = new InstanceResources(node.capacity().profile(), governor, volume.cache(), db::resizePageCache,
                node.capacity().pageCacheShare(), acu);
        // Stores that waited for a quorum run on the SQL pool, charged to this instance's CPU budget.
        ExecutorService sqlPool = node.sqlPool();
        db.groupCommit().runStoresOn(store -> governor.submit(() -> {
            store.run();
            return null;
        }, sqlPool));
        return resources;
    }

    /**
     * H2's SHUTDOWN writes the file one last time; those writes must be durable before the volume
     * closes (closing drops what is not yet shipped), or the next writer's recovery cuts them off.
     */
    static void closeCleanly(String clusterId, Database d, ReplicatedVolume v, Duration timeout) {
        d.close();
        try {
            v.whenDurable(v.highestLsn()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Runs on the SQL pool: the actor's own logger is not for other threads.
            LOG.warn("compute instance {}: the last writes were not durable within {} ({}); closing anyway", clusterId, timeout, e.toString());
        }
        v.close();
    }
}
