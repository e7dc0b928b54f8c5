package borealis.persistence.volume.client;

import io.prometheus.client.Histogram;

/** The volume client's own latency figure: how long commits waited for their write quorum. */
final class VolumeMetrics {

    static final Histogram QUORUM_WRITE = Histogram.build("borealis_volume_quorum_write_seconds",
                    "Time a commit waited until its records were on 4 of 6 replicas (the volume-durable LSN passed them).")
            .labelNames("tenant", "cluster")
            .buckets(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
            .register();

    private final Histogram.Child quorumWrite;

    private VolumeMetrics(Histogram.Child quorumWrite) {
        this.quorumWrite = quorumWrite;
    }

    /** Volume ids are {@code tenant/cluster}, possibly followed by more of the cluster's incarnation. */
    static VolumeMetrics of(String volumeId) {
        return new VolumeMetrics(QUORUM_WRITE.labels(labels(volumeId)));
    }

    /** Drops the volume's series (a volume that was no cluster's). */
    static void forget(String volumeId) {
        QUORUM_WRITE.remove(labels(volumeId));
    }

    private static String[] labels(String volumeId) {
        int slash = volumeId.indexOf('/');
        String tenant = slash < 0 ? "" : volumeId.substring(0, slash);
        String rest = slash < 0 ? volumeId : volumeId.substring(slash + 1);
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '-')) {
            end++;
        }
        return new String[] {tenant, rest.substring(0, end)};
    }

    void quorumWrite(long nanos) {
        quorumWrite.observe(nanos / 1e9);
    }
}
