package borealis.actors.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clusters of one tenant, each holding the bank schema and running a paced transfer
 * workload through the nodes' proxies in turn (a client whose proxy dies reconnects through the
 * next node), as a multi-tenant backend spreads its databases over a Borealis cluster. At the end
 * every cluster's money is exact, every acknowledged transfer is there, and the six replicas of
 * every protection group hold the same bytes.
 */
public final class BankFleet implements AutoCloseable {

    private final String tenant;
    private final List<NodeProcess> nodes;
    private final Map<String, TransferWorkload> loads = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    private BankFleet(String tenant, List<NodeProcess> nodes) {
        this.tenant = tenant;
        this.nodes = nodes;
    }

    /**
     * Creates {@code names} in {@code tenant} (through each node's admin API in turn), their
     * schema, and starts their workloads; each pauses {@code pace} between transfers, so that
     * twenty of them leave a 2-core machine room for the nodes.
     */
    public static BankFleet start(List<NodeProcess> nodes, String tenant, List<String> names, AtomicLong ids, Duration pace)
            throws Exception {
        BankFleet fleet = new BankFleet(tenant, nodes);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            NodeProcess via = nodes.get(i % nodes.size());
            via.admin().createCluster(tenant, name, "app", "secret-pass");
            try (Connection c = DriverManager.getConnection(via.jdbcUrl(tenant, name), "app", "secret-pass");
                 Statement s = c.createStatement()) {
                TransferWorkload.createSchema(s);
            }
        }
        for (int i = 0; i < names.size(); i++) {
            List<String> urls = new ArrayList<>();
            for (int k = 0; k < nodes.size(); k++) {
                urls.add(nodes.get((i + k) % nodes.size()).jdbcUrl(tenant, names.get(i)));
            }
            TransferWorkload load = new TransferWorkload(urls, ids).paced(pace);
            fleet.loads.put(names.get(i), load);
            Thread t = new Thread(load, "fleet-" + names.get(i));
            fleet.threads.add(t);
            t.start();
        }
        return fleet;
    }

    public Map<String, TransferWorkload> loads() {
        return loads;
    }

    /** Every cluster acknowledged {@code more} transfers beyond what it had. */
    public void awaitProgress(int more) throws Exception {
        for (TransferWorkload load : loads.values()) {
            load.awaitAcked(load.acked.size() + more);
        }
    }

    /** Stops the workloads, then checks each cluster's money and acknowledged transfers through {@code via}. */
    public void stopAndVerify(NodeProcess via) throws Exception {
        close();
        for (var e : loads.entrySet()) {
            TransferWorkload.verify(via.jdbcUrl(tenant, e.getKey()), e.getValue().acked);
        }
    }

    /**
     * The storage check of every cluster finds no replica that differs or cannot be read, and,
     * within {@code patience}, every replica compared (replicas of a restarted node catch up first).
     * Returns the bytes compared per replica, over all clusters.
     */
    public long awaitReplicasIdentical(NodeProcess via, Duration patience) throws Exception {
        long bytes = 0;
        for (String name : loads.keySet()) {
            bytes += awaitReplicasIdentical(via, tenant, name, patience);
        }
        return bytes;
    }

    /** As {@link #awaitReplicasIdentical(NodeProcess, Duration)}, for one cluster. */
    public static long awaitReplicasIdentical(NodeProcess via, String tenant, String name, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            JsonNode check = via.admin().call("GET", "/v1/clusters/" + tenant + "/" + name + "/storage-check", null).body();
            assertTrue(check.path("consistent").asBoolean(), "no replica of " + name + " differs: " + check);
            if (check.path("complete").asBoolean()) {
                return check.path("bytesPerReplica").asLong();
            }
            assertTrue(System.nanoTime() < deadline, "every replica of " + name + " caught up within " + patience + ": " + check);
            Thread.sleep(500);
        }
    }

    @Override
    public void close() throws InterruptedException {
        loads.values().forEach(l -> l.stop.set(true));
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
    }
}
