package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.scaling.UsageMeter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageMeteringTest {

    private static final String CLUSTER = "t1/c1";
    private static final String TENANT = CapacityLedger.idOf(CLUSTER);

    @Test
    void metersEveryWholeSecondAtTheAllocationItHad() {
        UsageMetering m = new UsageMetering("node-a");
        m.attached(CLUSTER, 10_400);
        m.meter(CLUSTER, 1.0, 12_900); // seconds 10 and 11
        m.meter(CLUSTER, 2.0, 13_100); // second 12
        List<UsageMeter.Sample> batch = m.batchesToSend().get(TENANT);
        assertEquals(3, batch.size());
        assertEquals(List.of(10L, 11L, 12L), batch.stream().map(UsageMeter.Sample::epochSecond).toList());
        assertEquals(4.0, batch.stream().mapToDouble(UsageMeter.Sample::acu).sum(), 1e-9);
    }

    @Test
    void theSecondItLeavesInCountsWholeAndMeteringStops() {
        UsageMetering m = new UsageMetering("node-a");
        m.attached(CLUSTER, 5_000);
        m.left(CLUSTER, 0.5, 5_010);
        m.meter(CLUSTER, 0.5, 9_000);
        assertEquals(1, m.pendingSamples(TENANT));
    }

    @Test
    void aBatchNotAcknowledgedGoesAgainWithWhatAccruedSince() {
        UsageMetering m = new UsageMetering("node-a");
        m.attached(CLUSTER, 0);
        m.meter(CLUSTER, 1.0, 2_000);
        assertEquals(2, m.batchesToSend().get(TENANT).size());
        m.meter(CLUSTER, 1.0, 3_000);
        assertTrue(m.batchesToSend().isEmpty(), "one batch in flight per tenant");
        m.unacknowledged(TENANT);
        Map<String, List<UsageMeter.Sample>> again = m.batchesToSend();
        assertEquals(3, again.get(TENANT).size());
        m.meter(CLUSTER, 1.0, 4_000);
        m.acknowledged(TENANT);
        assertEquals(1, m.pendingSamples(TENANT), "only what was in flight is dropped");
    }
}
