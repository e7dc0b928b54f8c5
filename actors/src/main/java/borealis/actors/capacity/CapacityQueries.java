package borealis.actors.capacity;

import borealis.actors.cluster.ClusterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the control plane's API reads about capacity: usage in ACU-seconds, scaling events and
 * compute status.
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
}
