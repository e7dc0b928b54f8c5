package borealis.persistence.backup;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/** Continuous backup as operators watch it, per tenant and cluster. */
final class BackupMetrics {

    static final Gauge LAST_ARCHIVED = Gauge.build("borealis_backup_last_archived_timestamp_seconds",
            "When the newest archived log record of the cluster's volume became durable (unix time).")
            .labelNames("tenant", "cluster").register();
    static final Gauge LAG = Gauge.build("borealis_backup_lag_seconds",
            "Age of the oldest durable log record not yet in the backup store (0: nothing waits).")
            .labelNames("tenant", "cluster").register();
    static final Gauge LAST_IMAGE = Gauge.build("borealis_backup_last_image_timestamp_seconds",
            "When the newest base image of the cluster's volume was taken (unix time).")
            .labelNames("tenant", "cluster").register();
    static final Counter ARCHIVED_BYTES = Counter.build("borealis_backup_archived_bytes_total",
            "Bytes of log written to the backup store.").labelNames("tenant", "cluster").register();
    static final Histogram IMAGE_SECONDS = Histogram.build("borealis_backup_image_seconds", "Time to take and store one base image.")
            .buckets(0.1, 0.5, 1, 5, 15, 60, 300, 1800).register();
    static final Histogram RESTORE_SECONDS = Histogram.build("borealis_restore_duration_seconds",
            "Time to rebuild a volume from the backup store (image plus log) and write it into the new cluster.")
            .buckets(0.1, 0.5, 1, 2, 5, 15, 60, 300, 1800).register();

    /** One volume's children. */
    record Volume(Gauge.Child lastArchived, Gauge.Child lag, Gauge.Child lastImage, Counter.Child bytes) {
        void archived(long lastMillis, long n) {
            lastArchived.set(lastMillis / 1000.0);
            bytes.inc(n);
        }

        void lag(long oldestQueuedMillis) {
            lag.set(oldestQueuedMillis == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldestQueuedMillis) / 1000.0);
        }

        void imaged(long takenMillis, double seconds) {
            lastImage.set(takenMillis / 1000.0);
            IMAGE_SECONDS.observe(seconds);
        }
    }

    private BackupMetrics() {}

    /** Volume ids are {@code tenant/cluster/incarnation}. */
    static Volume of(String volumeId) {
        String[] parts = volumeId.split("/");
        String tenant = parts.length > 1 ? parts[0] : "";
        String cluster = parts.length > 1 ? parts[1] : parts[0];
        return new Volume(LAST_ARCHIVED.labels(tenant, cluster), LAG.labels(tenant, cluster), LAST_IMAGE.labels(tenant, cluster),
                ARCHIVED_BYTES.labels(tenant, cluster));
    }
}
