package borealis.actors.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reader instances hosted in this JVM: how far each lags behind its writer. Each reader reports
 * after every refresh; a paused or stopped reader is forgotten (it serves no snapshot).
 */
public final class ReaderMetrics extends Collector {

    private static final List<String> LABELS = List.of("tenant", "cluster", "instance");
    private static final Map<String, Lag> READERS = new ConcurrentHashMap<>();
    private static boolean installed;

    /**
     * @param seconds    since the reader first learned of a durable point newer than its snapshot (0 when current)
     * @param lsn        LSNs between the newest durable point known and the snapshot's
     * @param snapshots  snapshots open (older ones wait for their sessions to move)
     * @param refreshes  snapshots opened since the reader resumed
     * @param refreshSeconds time spent opening them
     */
    record Lag(String tenant, String cluster, String instance, double seconds, long lsn, int snapshots, long refreshes,
               double refreshSeconds) {}

    private ReaderMetrics() {}

    public static synchronized void install() {
        if (!installed) {
            installed = true;
            new ReaderMetrics().register();
        }
    }

    /** A reader's figures after a refresh; {@code readerId} is its entity id, {@code tenant/cluster/reader-N}. */
    public static void report(String readerId, double lagSeconds, long lagLsn, int snapshots, long refreshes, double refreshSeconds) {
        String[] parts = readerId.split("/", 3);
        if (parts.length == 3) {
            READERS.put(readerId, new Lag(parts[0], parts[1], parts[2], lagSeconds, lagLsn, snapshots, refreshes, refreshSeconds));
        }
    }

    public static void forget(String readerId) {
        READERS.remove(readerId);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily seconds = new GaugeMetricFamily("borealis_replica_lag_seconds",
                "How long a reader instance's snapshot has been behind the newest durable point of its writer (0: current).", LABELS);
        GaugeMetricFamily lsn = new GaugeMetricFamily("borealis_replica_lag_lsn",
                "Log records between the writer's newest durable point a reader instance knows and the reader's snapshot.", LABELS);
        GaugeMetricFamily snapshots = new GaugeMetricFamily("borealis_replica_snapshots",
                "Snapshots a reader instance holds open (older ones wait for their sessions to move).", LABELS);
        CounterMetricFamily refreshes = new CounterMetricFamily("borealis_replica_refreshes_total",
                "Snapshots a reader instance opened at a newer durable point.", LABELS);
        CounterMetricFamily refreshSeconds = new CounterMetricFamily("borealis_replica_refresh_seconds_total",
                "Time a reader instance spent opening snapshots.", LABELS);
        for (Lag l : READERS.values()) {
            List<String> labels = List.of(l.tenant(), l.cluster(), l.instance());
            seconds.addMetric(labels, l.seconds());
            lsn.addMetric(labels, l.lsn());
            snapshots.addMetric(labels, l.snapshots());
            refreshes.addMetric(labels, l.refreshes());
            refreshSeconds.addMetric(labels, l.refreshSeconds());
        }
        return List.of(seconds, lsn, snapshots, refreshes, refreshSeconds);
    }
}
