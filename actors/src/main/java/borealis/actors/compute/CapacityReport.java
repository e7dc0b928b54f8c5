package borealis.actors.compute;

import borealis.actors.capacity.CapacityLedger;
import borealis.actors.capacity.CapacityMetrics;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What a compute instance tells the cluster's {@link CapacityLedger} (the state and allocation the
 * console shows, and the scaling events) and this node's {@link CapacityMetrics}, each report to
 * both.
 */
final class CapacityReport {

    private final String clusterId;
    private final String instance;
    private final ClusterSharding sharding;
    private final String nodeName;

    CapacityReport(String clusterId, String instance, ClusterSharding sharding, String nodeName) {
        this.clusterId = clusterId;
        this.instance = instance;
        this.sharding = sharding;
        this.nodeName = nodeName;
    }

    void status(String state, double allocation) {
        CapacityMetrics.state(clusterId, state);
        ledger().tell(new CapacityLedger.SetStatus(
                new CapacityLedger.ComputeStatus(clusterId, instance, state, allocation, nodeName, Instant.now())));
    }

    void event(String kind, double from, double to, String reason, String detail) {
        CapacityMetrics.countEvent(clusterId, kind, reason);
        ledger().tell(new CapacityLedger.RecordEvents(List.of(
                new CapacityLedger.ScalingEvent(clusterId, instance, Instant.now(), kind, from, to, reason, detail, nodeName))));
    }

    private EntityRef<CapacityLedger.Command> ledger() {
        return sharding.entityRefFor(CapacityLedger.TYPE_KEY, CapacityLedger.idOf(clusterId));
    }
}
