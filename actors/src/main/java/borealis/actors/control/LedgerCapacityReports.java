package borealis.actors.control;

import borealis.actors.capacity.CapacityLedger;
import borealis.actors.capacity.CapacityQueries;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.compute.ComputeInstance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * {@link CapacityReports} from the capacity service's ledger ({@link CapacityQueries}): ACU-seconds
 * metered per instance, the scaling and placement events, the compute status, and scaling
 * configuration changes passed on to the running compute.
 */
public final class LedgerCapacityReports implements CapacityReports {

    /** The ledger keeps the newest events per cluster; a report reads at most this many. */
    static final int EVENTS_READ = 10_000;

    private final CapacityQueries queries;
    private final ClusterSharding sharding;

    public LedgerCapacityReports(CapacityQueries queries, ClusterSharding sharding) {
        this.queries = queries;
        this.sharding = sharding;
    }

    @Override
    public CompletionStage<List<InstanceUsage>> acuSeconds(String clusterId, Instant from, Instant to) {
        String[] tc = split(clusterId);
        return queries.usage(tc[0], tc[1], from, to).thenApply(report -> report.instances().stream()
                .map(u -> new InstanceUsage(u.instance(), u.acuSeconds())).toList());
    }

    @Override
    public CompletionStage<List<ScalingEvent>> scalingEvents(String clusterId, Instant from, Instant to) {
        String[] tc = split(clusterId);
        return queries.scalingEvents(tc[0], tc[1], EVENTS_READ).thenApply(events -> events.stream()
                .filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
                .map(e -> new ScalingEvent(e.at().toString(), e.instance(), e.kind(), e.fromAcu(), e.toAcu(), e.reason(), e.detail(), e.node()))
                .toList());
    }

    @Override
    public CompletionStage<Optional<ComputeStatus>> status(String clusterId) {
        String[] tc = split(clusterId);
        return queries.status(tc[0], tc[1]).thenApply(s -> s.map(LedgerCapacityReports::status));
    }

    private static ComputeStatus status(CapacityLedger.ComputeStatus s) {
        return new ComputeStatus(s.instance(), s.state(), s.acu(), s.node(), s.since() == null ? null : s.since().toString());
    }

    @Override
    public void scalingConfigurationChanged(ClusterSpec spec) {
        // The running compute applies it within the second; a paused one stays paused.
        sharding.entityRefFor(ComputeInstance.TYPE_KEY, spec.id())
                .tell(new ComputeInstance.ScalingChanged(spec.minAcu(), spec.maxAcu(), spec.secondsUntilAutoPause()));
    }

    private static String[] split(String clusterId) {
        int slash = clusterId.indexOf('/');
        return new String[] {clusterId.substring(0, slash), clusterId.substring(slash + 1)};
    }
}
