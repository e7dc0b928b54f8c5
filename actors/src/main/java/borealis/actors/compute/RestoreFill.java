package borealis.actors.compute;

import borealis.actors.cluster.DbCluster;
import borealis.persistence.backup.BackupCatalog;
import borealis.persistence.backup.BackupService;
import borealis.persistence.backup.LogArchiver;
import borealis.persistence.volume.client.ReplicatedVolume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;

/**
 * A restored cluster's first open, or a backtracked one's next: rebuild the source's volume at the restore point from the
 * backup store (base image, then log), write it into this cluster's new volume through the
 * ordinary quorum log, and tell the control plane it is done before H2 ever opens the volume. A
 * writer that dies half-way does it again on its next open: the same bytes land at the same
 * offsets after the volume is cut to nothing, so a second fill over a partial one ends the same.
 */
final class RestoreFill {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ComputeInstance.class);
    private static final int CHUNK = 1 << 20;
    /** Written but not yet durable at most this much: the volume's queues hold what is in flight. */
    private static final long IN_FLIGHT = 64L << 20;

    private RestoreFill() {}

    static void fill(ActorSystem<?> system, ComputeInstance.Context node, DbCluster.ComputeSpec s, ReplicatedVolume v,
                     LogArchiver archiver) throws Exception {
        BackupService backups = node.backups();
        DbCluster.RestoreSource source = s.restore();
        if (backups == null) {
            throw new IOException("cluster " + s.spec().id() + " is a restore, and this node keeps no backups (borealis.backup.enabled)");
        }
        long began = System.nanoTime();
        if (archiver != null) {
            // The fill is not this cluster's history: its backup starts with a base image after it.
            archiver.suspend();
        }
        BackupService.Materialized m = backups.materialize(new BackupCatalog.Target(source.volumeId(), source.imageKey(),
                source.targetLsn(), source.targetMillis()));
        long bytes = 0;
        if (v.size() > 0) {
            // A backtrack (or a fill begun before): nothing of the current content may survive.
            v.truncate(0);
        }
        try (m) {
            byte[] buf = new byte[CHUNK];
            long sinceDurable = 0;
            for (long off = 0; off < m.size(); off += CHUNK) {
                int n = (int) Math.min(CHUNK, m.size() - off);
                ByteBuffer dst = ByteBuffer.wrap(buf, 0, n);
                m.scratch().read(dst, off);
                boolean last = off + n >= m.size();
                if (!last && allZero(buf, n)) {
                    continue; // never written: reads as zeros anyway
                }
                v.write(off, ByteBuffer.wrap(buf, 0, n));
                bytes += n;
                sinceDurable += n;
                if (sinceDurable >= IN_FLIGHT) {
                    awaitDurable(node, v);
                    sinceDurable = 0;
                }
            }
            if (v.size() > m.size()) {
                v.truncate(m.size());
            }
            awaitDurable(node, v);
        }
        finished(node, s, (System.nanoTime() - began) / 1e9, m.seconds(), bytes, "written");
    }

    /** Tells the control plane the restore is done, in {@code seconds} ({@code rebuildSeconds} of them rebuilding). */
    static void finished(ComputeInstance.Context node, DbCluster.ComputeSpec s, double seconds, double rebuildSeconds, long bytes,
                         String how) throws Exception {
        DbCluster.RestoreSource source = s.restore();
        node.sharding().entityRefFor(DbCluster.TYPE_KEY, s.spec().id())
                .<StatusReply<DbCluster.ClusterInfo>>ask(r -> new DbCluster.RestoreFinished(seconds, rebuildSeconds, r), node.requestTimeout())
                .toCompletableFuture().get(node.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS).getValue();
        BackupService.restored(seconds);
        LOG.info("compute instance {}: restored from volume {} at LSN {} ({} bytes {}; rebuilding {} s, all {} s)", s.spec().id(),
                source.volumeId(), source.targetLsn(), bytes, how, String.format("%.2f", rebuildSeconds), String.format("%.2f", seconds));
    }

    private static void awaitDurable(ComputeInstance.Context node, ReplicatedVolume v) throws Exception {
        v.whenDurable(v.highestLsn()).get(node.volumeSettings().commitTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
