package borealis.actors.scaling;

import borealis.actors.compute.ComputeInstance;
import borealis.actors.control.ClusterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the control plane's API reads (and tells) about capacity: usage in ACU-seconds, scaling
 * events, compute status, and changes of a cluster's scaling configuration.
 */
public final class CapacityQueries {

    private final ClusterSharding sharding;
    private final Duration timeout;

    public CapacityQueries(ClusterSharding sharding, Duration timeout) {
        this.sharding = sharding;
        this.timeout = timeout;
    }

    /**
     * ACU-seconds per instance of a tenant's clusters ({@code cluster} null: all of them), since
     * metering began ({@code from} null) or in [from, to) to the minute.
     */
    public CompletionStage<CapacityLedger.UsageReport> usage(String tenant, String cluster, Instant from, Instant to) {
        String id = cluster == null ? null : ClusterSpec.id(tenant, cluster);
        Long fromSecond = from == null ? null : from.getEpochSecond();
        Long toSecond = from == null ? null : (to == null ? Instant.now() : to).getEpochSecond();
        return sharding.entityRefFor(CapacityLedger.TYPE_KEY, tenant)
                .ask(replyTo -> new CapacityLedger.GetUsage(id, fromSecond, toSecond, replyTo), timeout);
    }

    /** The newest {@code limit} scaling and placement events of a cluster ({@code cluster} null: of the tenant), oldest first. */
    public CompletionStage<List<CapacityLedger.ScalingEvent>> scalingEvents(String tenant, String cluster, int limit) {
        String id = cluster == null ? null : ClusterSpec.id(tenant, cluster);
        return sharding.entityRefFor(CapacityLedger.TYPE_KEY, tenant)
                .<CapacityLedger.Events>ask(replyTo -> new CapacityLedger.GetEvents(id, limit, replyTo), timeout)
                .thenApply(CapacityLedger.Events::events);
    }

    /** The compute status of a cluster; empty when it never ran (show it as paused). */
    public CompletionStage<Optional<CapacityLedger.ComputeStatus>> status(String tenant, String cluster) {
        return sharding.entityRefFor(CapacityLedger.TYPE_KEY, tenant)
                .<CapacityLedger.Statuses>ask(replyTo -> new CapacityLedger.GetStatus(ClusterSpec.id(tenant, cluster), replyTo), timeout)
                .thenApply(s -> s.statuses().stream().findFirst());
    }

    /** Tells the cluster's compute about a new scaling configuration (it applies within the second; a paused one stays paused). */
    public void scalingChanged(String tenant, String cluster, double minAcu, double maxAcu, int secondsUntilAutoPause) {
        sharding.entityRefFor(ComputeInstance.TYPE_KEY, ClusterSpec.id(tenant, cluster))
                .tell(new ComputeInstance.ScalingChanged(minAcu, maxAcu, secondsUntilAutoPause));
    }
}
