package borealis.actors.capacity;

import borealis.scaling.UsageMeter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACU-seconds a node's writers hold, per tenant, until the tenant's {@link CapacityLedger}
 * acknowledges them: every whole second an instance is attached counts at the allocation it had
 * when metered, the second it leaves in counts whole. One batch per tenant is in flight at a time;
 * a batch that is not acknowledged is sent again with what accrued since.
 */
final class UsageMetering {

    /** Samples kept per tenant while its ledger does not answer (about a day of one instance). */
    static final int MAX_PENDING_SAMPLES = 100_000;

    private final String nodeName;
    /** The last second metered, per attached instance. */
    private final Map<String, Long> meteredUpTo = new HashMap<>();
    private final Map<String, List<UsageMeter.Sample>> pending = new HashMap<>();
    private final Map<String, Integer> inFlight = new HashMap<>();

    UsageMetering(String nodeName) {
        this.nodeName = nodeName;
    }

    /** {@code clusterId} runs here from {@code nowMillis}: metering starts with the current second. */
    void attached(String clusterId, long nowMillis) {
        meteredUpTo.put(clusterId, Math.floorDiv(nowMillis, 1000) - 1);
    }

    /** Meters every whole second of {@code clusterId} before the one {@code nowMillis} falls in at {@code acu}. */
    void meter(String clusterId, double acu, long nowMillis) {
        meterUpTo(clusterId, acu, Math.floorDiv(nowMillis, 1000));
    }

    /** {@code clusterId} left at {@code nowMillis}: the second in progress counts whole, and metering stops. */
    void left(String clusterId, double acu, long nowMillis) {
        meterUpTo(clusterId, acu, Math.floorDiv(nowMillis, 1000) + 1);
        meteredUpTo.remove(clusterId);
    }

    private void meterUpTo(String clusterId, double acu, long upToSecond) {
        Long from = meteredUpTo.get(clusterId);
        if (from == null) {
            return;
        }
        String tenant = CapacityLedger.idOf(clusterId);
        List<UsageMeter.Sample> list = pending.computeIfAbsent(tenant, k -> new ArrayList<>());
        for (long s = from + 1; s < upToSecond; s++) {
            if (list.size() < MAX_PENDING_SAMPLES) {
                list.add(new UsageMeter.Sample(clusterId, "writer", s, acu));
            }
            CapacityMetrics.ACU_SECONDS.labels(tenant, CapacityMetrics.cluster(clusterId), "writer", CapacityMetrics.nodeLabel(nodeName)).inc(acu);
        }
        meteredUpTo.put(clusterId, Math.max(from, upToSecond - 1));
    }

    /** The batches to send now, per tenant: what is pending for each tenant with no batch in flight. */
    Map<String, List<UsageMeter.Sample>> batchesToSend() {
        Map<String, List<UsageMeter.Sample>> out = new HashMap<>();
        pending.forEach((tenant, list) -> {
            if (!list.isEmpty() && !inFlight.containsKey(tenant)) {
                List<UsageMeter.Sample> batch = List.copyOf(list);
                inFlight.put(tenant, batch.size());
                out.put(tenant, batch);
            }
        });
        return out;
    }

    /** The tenant's ledger kept its batch in flight. */
    void acknowledged(String tenant) {
        Integer count = inFlight.remove(tenant);
        List<UsageMeter.Sample> list = pending.get(tenant);
        if (count != null && list != null) {
            list.subList(0, Math.min(count, list.size())).clear();
            if (list.isEmpty()) {
                pending.remove(tenant);
            }
        }
    }

    /** The tenant's batch was not acknowledged: it goes again with the next. */
    void unacknowledged(String tenant) {
        inFlight.remove(tenant);
    }

    /** Samples not yet acknowledged for {@code tenant}. */
    int pendingSamples(String tenant) {
        List<UsageMeter.Sample> list = pending.get(tenant);
        return list == null ? 0 : list.size();
    }
}
