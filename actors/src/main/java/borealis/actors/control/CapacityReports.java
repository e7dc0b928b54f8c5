package borealis.actors.control;

import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the capacity service (scaling supervisor, auto-pause, metering) reports to the admin API:
 * ACU-seconds consumed and scaling events. The control plane owns the verbs ({@code usage},
 * {@code scaling-events}); the capacity service owns the data and implements this interface.
 * {@link LedgerCapacityReports} reads the capacity service's ledger; {@link #UNAVAILABLE} (a
 * deployment without it) answers every call with 501 and says why. Times are ISO-8601 strings,
 * as the API shows them.
 */
public interface CapacityReports {

    /** ACU-seconds of one instance over a time range. */
    record InstanceUsage(String instance, double acuSeconds) {}

    /** A change of capacity or placement, with its reason: {@code kind} resume, scale-up, scale-down, pause, move, placement. */
    record ScalingEvent(String at, String instance, String kind, double fromAcu, double toAcu, String reason, String detail, String node) {}

    /** What a cluster's compute is doing: {@code state} resuming, running, pausing, paused or moving. */
    record ComputeStatus(String instance, String state, double acu, String node, String since) {}

    /** ACU-seconds per instance of cluster {@code clusterId} ({@code tenant/name}) between {@code from} and {@code to}. */
    CompletionStage<List<InstanceUsage>> acuSeconds(String clusterId, Instant from, Instant to);

    /** Scaling and placement decisions for the cluster's instances between {@code from} and {@code to}, oldest first. */
    CompletionStage<List<ScalingEvent>> scalingEvents(String clusterId, Instant from, Instant to);

    /** The compute status of cluster {@code clusterId}; empty when it never ran (it is paused). */
    default CompletionStage<java.util.Optional<ComputeStatus>> status(String clusterId) {
        return CompletableFuture.completedFuture(java.util.Optional.empty());
    }

    /**
     * A cluster's scaling configuration (min/max ACU, seconds until auto-pause) changed through
     * the API; {@link DbCluster} already holds the new values. For a capacity service that wants
     * to react at once rather than on its next reading.
     */
    default void scalingConfigurationChanged(ClusterSpec spec) {
    }

    /** No capacity service: the verbs exist and answer 501 with an explanation. */
    CapacityReports UNAVAILABLE = new CapacityReports() {
        private <T> CompletionStage<T> unavailable() {
            return CompletableFuture.failedFuture(new ApiException(501,
                    "ACU metering and scaling events come from the capacity service, which this node does not run"));
        }

        @Override
        public CompletionStage<List<InstanceUsage>> acuSeconds(String clusterId, Instant from, Instant to) {
            return unavailable();
        }

        @Override
        public CompletionStage<List<ScalingEvent>> scalingEvents(String clusterId, Instant from, Instant to) {
            return unavailable();
        }
    };
}
