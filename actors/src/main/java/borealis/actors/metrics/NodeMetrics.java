package borealis.actors.metrics;

import borealis.actors.storage.StorageMetrics;
import borealis.engine.h2.VolumeFileSystem;
import borealis.persistence.journal.SegmentLogJournal;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.Volume;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.hotspot.DefaultExports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Metrics read from the node's parts when Prometheus scrapes: volumes mounted here (LSNs, shipping,
 * block cache), the node's journals, and cluster membership by zone; plus the JVM's own (hotspot
 * collectors). Collectors are registered once per JVM and cover every node in it, so tests may run
 * several nodes in one JVM.
 */
public final class NodeMetrics {

    private static final List<ActorSystem<?>> NODES = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private NodeMetrics() {}

    /** Registers the collectors (first call) and this node. */
    public static synchronized void install(ActorSystem<?> system) {
        NODES.add(system);
        if (installed) {
            return;
        }
        installed = true;
        DefaultExports.initialize();
        new VolumeCollector().register();
        new JournalCollector().register();
        new MembershipCollector().register();
        new SegmentFilesCollector().register();
        new LocalImagesCollector().register();
        new EncryptionCollector().register();
        StorageMetrics.init();
        ReaderMetrics.install();
    }

    public static synchronized void uninstall(ActorSystem<?> system) {
        NODES.remove(system);
    }

    static String nodeName(ActorSystem<?> system) {
        var address = Cluster.get(system).selfMember().address();
        return address.host().getOrElse(() -> "local") + ":" + address.port().getOrElse(() -> 0);
    }

    /** Writer volumes mounted on this node: log positions, shipping and the block cache. */
    static final class VolumeCollector extends Collector {
        private static final List<String> LABELS = List.of("tenant", "cluster", "instance");

        @Override
        public List<MetricFamilySamples> collect() {
            GaugeMetricFamily lsn = new GaugeMetricFamily("borealis_volume_lsn", "Highest LSN the writer has issued.", LABELS);
            GaugeMetricFamily vdl = new GaugeMetricFamily("borealis_volume_durable_lsn", "Volume-durable LSN (every record at or below is on 4 of 6 replicas).", LABELS);
            GaugeMetricFamily pending = new GaugeMetricFamily("borealis_volume_undurable_records", "Records issued but not yet durable (LSN minus VDL).", LABELS);
            GaugeMetricFamily size = new GaugeMetricFamily("borealis_volume_size_bytes", "Size of the database file on the volume.", LABELS);
            CounterMetricFamily shippedBytes = new CounterMetricFamily("borealis_volume_shipped_bytes_total", "Log bytes sent to replicas (before the 6-way fan-out).", LABELS);
            CounterMetricFamily shippedRecords = new CounterMetricFamily("borealis_volume_shipped_records_total", "Log records issued.", LABELS);
            CounterMetricFamily remoteReads = new CounterMetricFamily("borealis_volume_remote_reads_total", "Reads that missed the block cache and went to a replica.", LABELS);
            GaugeMetricFamily suspect = new GaugeMetricFamily("borealis_volume_replicas_suspect", "Replicas that did not answer the last write in time.", LABELS);
            GaugeMetricFamily groups = new GaugeMetricFamily("borealis_volume_protection_groups", "Protection groups the volume spans.", LABELS);
            GaugeMetricFamily minUp = new GaugeMetricFamily("borealis_volume_min_replicas_up",
                    "Replicas answering in the volume's worst protection group (writes need 4, reads 1).", LABELS);
            GaugeMetricFamily cacheBytes = new GaugeMetricFamily("borealis_cache_size_bytes", "Bytes held in the block cache.", LABELS);
            GaugeMetricFamily cacheCapacity = new GaugeMetricFamily("borealis_cache_capacity_bytes", "Block cache capacity.", LABELS);
            CounterMetricFamily hits = new CounterMetricFamily("borealis_cache_hits_total", "Block cache hits.", LABELS);
            CounterMetricFamily misses = new CounterMetricFamily("borealis_cache_misses_total", "Block cache misses.", LABELS);
            CounterMetricFamily evictions = new CounterMetricFamily("borealis_cache_evictions_total", "Blocks evicted from the cache.", LABELS);
            for (Volume v : VolumeFileSystem.mounted()) {
                if (!(v instanceof ReplicatedVolume rv)) {
                    continue;
                }
                List<String> labels = labels(rv.id());
                ReplicatedVolume.Stats s = rv.stats();
                lsn.addMetric(labels, s.highestLsn());
                vdl.addMetric(labels, s.vdl());
                pending.addMetric(labels, s.highestLsn() - s.vdl());
                size.addMetric(labels, rv.size());
                shippedBytes.addMetric(labels, s.bytesShipped());
                shippedRecords.addMetric(labels, s.recordsShipped());
                remoteReads.addMetric(labels, s.remoteReads());
                suspect.addMetric(labels, s.suspectReplicas());
                groups.addMetric(labels, s.groups());
                minUp.addMetric(labels, s.minReplicasUp());
                cacheBytes.addMetric(labels, s.cache().sizeBytes());
                cacheCapacity.addMetric(labels, s.cache().capacityBytes());
                hits.addMetric(labels, s.cache().hits());
                misses.addMetric(labels, s.cache().misses());
                evictions.addMetric(labels, s.cache().evictions());
            }
            return List.of(lsn, vdl, pending, size, shippedBytes, shippedRecords, remoteReads, suspect, groups, minUp, cacheBytes,
                    cacheCapacity, hits, misses, evictions);
        }

        /** {@code tenant/cluster}, possibly followed by the cluster's incarnation: labels are tenant and cluster. */
        private static List<String> labels(String volumeId) {
            // Volume ids are tenant/cluster/<incarnation> (ClusterSpec.newVolumeId).
            int slash = volumeId.indexOf('/');
            int end = slash < 0 ? -1 : volumeId.indexOf('/', slash + 1);
            String tenant = slash < 0 ? "" : volumeId.substring(0, slash);
            String cluster = slash < 0 ? volumeId : volumeId.substring(slash + 1, end < 0 ? volumeId.length() : end);
            return List.of(tenant, cluster, "writer");
        }
    }

    /** The node-local journals. */
    static final class JournalCollector extends Collector {
        private static final List<String> LABELS = List.of("journal");

        @Override
        public List<MetricFamilySamples> collect() {
            CounterMetricFamily written = new CounterMetricFamily("borealis_journal_written_bytes_total", "Bytes appended to the journal.", LABELS);
            CounterMetricFamily syncs = new CounterMetricFamily("borealis_journal_fsyncs_total", "Group commits (one fsync each).", LABELS);
            GaugeMetricFamily bytes = new GaugeMetricFamily("borealis_journal_size_bytes", "Journal bytes on disk.", LABELS);
            GaugeMetricFamily files = new GaugeMetricFamily("borealis_journal_files", "Journal files on disk.", LABELS);
            for (Map.Entry<Path, SegmentLogJournal.Stats> e : SegmentLogJournal.allStats().entrySet()) {
                List<String> labels = List.of(e.getKey().getFileName().toString());
                written.addMetric(labels, e.getValue().bytesWritten());
                syncs.addMetric(labels, e.getValue().syncs());
                bytes.addMetric(labels, e.getValue().sizeOnDisk());
                files.addMetric(labels, e.getValue().files());
            }
            return List.of(written, syncs, bytes, files);
        }
    }

    /**
     * Cluster members that are up and reachable, by zone role, as this JVM's first node sees them:
     * a killed node stays "up" until the split-brain resolver downs it, but it serves nothing.
     */
    static final class MembershipCollector extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            GaugeMetricFamily members = new GaugeMetricFamily("borealis_nodes", "Cluster members that are up and reachable, by zone.", List.of("zone"));
            GaugeMetricFamily info = new GaugeMetricFamily("borealis_node_info", "A node in this process, with its roles.", List.of("node", "roles"));
            List<String> zones = List.of("zone-a", "zone-b", "zone-c");
            long[] counts = new long[zones.size()];
            for (ActorSystem<?> system : NODES) {
                Cluster cluster = Cluster.get(system);
                info.addMetric(List.of(nodeName(system), String.join(",", new java.util.TreeSet<>(cluster.selfMember().getRoles()))), 1);
                if (system != NODES.get(0)) {
                    continue;
                }
                var unreachable = cluster.state().getUnreachable();
                for (var m : cluster.state().getMembers()) {
                    if (m.status() == MemberStatus.up() && !unreachable.contains(m)) {
                        for (int z = 0; z < zones.size(); z++) {
                            if (m.hasRole(zones.get(z))) {
                                counts[z]++;
                            }
                        }
                    }
                }
            }
            for (int z = 0; z < zones.size(); z++) {
                members.addMetric(List.of(zones.get(z)), counts[z]);
            }
            List<MetricFamilySamples> out = new ArrayList<>();
            out.add(members);
            out.add(info);
            return out;
        }
    }

    /** Materialized replica bytes per node: the block files under each node's segments directory. */
    static final class SegmentFilesCollector extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            GaugeMetricFamily bytes = new GaugeMetricFamily("borealis_segment_materialized_bytes",
                    "Bytes of replica block files on the node's disk (their length; a sparse file counts whole, a hard-linked layer once per link).",
                    List.of("node"));
            GaugeMetricFamily files = new GaugeMetricFamily("borealis_segment_block_files",
                    "Replica block files on the node's disk.", List.of("node"));
            for (ActorSystem<?> system : NODES) {
                long[] total = diskUsage(Path.of(system.settings().config().getString("borealis.data-dir")).toAbsolutePath().resolve("segments"));
                String node = nodeName(system);
                bytes.addMetric(List.of(node), total[0]);
                files.addMetric(List.of(node), total[1]);
            }
            return List.of(bytes, files);
        }
    }

    /**
     * Bytes of the files under {@code dir} (their length: the JDK has no view of allocated blocks,
     * so a sparse file counts whole), and how many files.
     */
    static long[] diskUsage(Path dir) {
        long[] total = new long[2];
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.filter(java.nio.file.Files::isRegularFile).forEach(p -> {
                    try {
                        total[0] += java.nio.file.Files.size(p);
                    } catch (java.io.IOException e) {
                        // vanished meanwhile: count nothing for it
                    }
                    total[1]++;
                });
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a file vanished mid-walk: report what was seen
            }
        }
        return total;
    }

    /** The local copies of base images per node: disk a restore saves time with, charged to no tenant. */
    static final class LocalImagesCollector extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            GaugeMetricFamily bytes = new GaugeMetricFamily("borealis_backup_local_image_bytes",
                    "Bytes of the local copies of base images (as layers, for fast restores) on the node's disk; a file hard-linked by"
                            + " a restored replica counts here too.", List.of("node"));
            for (ActorSystem<?> system : NODES) {
                var c = system.settings().config();
                long used = c.getInt("borealis.backup.local-images.keep") > 0
                        ? diskUsage(Path.of(c.getString("borealis.backup.local-images.dir")).toAbsolutePath())[0] : 0;
                bytes.addMetric(List.of(nodeName(system)), used);
            }
            return List.of(bytes);
        }
    }

    /** Encryption at rest per node: whether new data is encrypted, and the data keys it holds under which master key. */
    static final class EncryptionCollector extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            GaugeMetricFamily enabled = new GaugeMetricFamily("borealis_encryption_enabled",
                    "1 when the node encrypts what it writes (journals, snapshots, block files, backups), 0 when new data is plaintext.",
                    List.of("node"));
            GaugeMetricFamily keys = new GaugeMetricFamily("borealis_encryption_data_keys",
                    "At-rest data keys the node holds (one per volume stored here, one for its own entities).", List.of("node", "master_key"));
            for (ActorSystem<?> system : NODES) {
                var atRest = borealis.persistence.crypto.AtRestEncryption.get(system);
                String node = nodeName(system);
                enabled.addMetric(List.of(node), atRest.enabled() ? 1 : 0);
                if (atRest.keys() != null) {
                    keys.addMetric(List.of(node, atRest.keys().masterFingerprint()), atRest.keys().size());
                }
            }
            return List.of(enabled, keys);
        }
    }

    /** For tests: the default registry. */
    static CollectorRegistry registry() {
        return CollectorRegistry.defaultRegistry;
    }
}
