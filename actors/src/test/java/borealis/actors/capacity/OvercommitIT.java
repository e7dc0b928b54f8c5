package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overcommit (issue 18): a node of 1 ACU with the default overcommit (4) runs eight instances of
 * 0.5 ACU at once, each with a session in a transaction (none of them could be paused or parked
 * for room), where without overcommit the third would wait. While they are all busy, the node's CPU
 * is shared in proportion to the allocations: their CPU budgets together stay within the node's.
 */
class OvercommitIT {

    private static final String PASSWORD = "s3cret-pass";
    private static final int CLUSTERS = 8;

    @TempDir
    Path tmp;

    @Test
    void eightBusyInstancesRunOnANodeOfOneAcuAndShareItsCpu() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.capacity.node-acus", 1,
                "borealis.capacity.admission-wait", "10s"))) {
            node.admin().createTenant("acme");
            for (int i = 0; i < CLUSTERS; i++) {
                node.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", "c" + i, "masterUsername", "app",
                        "masterPassword", PASSWORD, "minAcu", 0, "maxAcu", 0.5, "secondsUntilAutoPause", 3600)).ok();
            }
            List<Connection> held = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(CLUSTERS);
            try {
                for (int i = 0; i < CLUSTERS; i++) {
                    Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "c" + i), "app", PASSWORD);
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        s.execute("select 1"); // in a transaction from here on: not pausable, not parkable
                    }
                    held.add(c);
                }
                List<Future<?>> load = new ArrayList<>();
                for (Connection c : held) {
                    load.add(pool.submit(() -> {
                        while (!stop.get()) {
                            try (Statement s = c.createStatement()) {
                                s.execute("select count(*) from generate_series(1, 20000) as g(x) where mod(x * 7, 13) = 1");
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return null;
                    }));
                }
                // After a few ticks the supervisor has seen all of them busy.
                Thread.sleep(4000);
                ScalingSupervisor.Instances all = SupervisorQueries.instances(node);
                assertEquals(CLUSTERS, all.instances().size(), "every instance runs on the node at once");
                double budgets = all.instances().stream().mapToDouble(ScalingSupervisor.InstanceView::cpuPerSecond).sum();
                assertTrue(budgets <= 0.25 * 1.05, "busy instances share the node's 0.25 CPU-s/s (1 ACU), not 8 x 0.125: " + budgets);
                for (ScalingSupervisor.InstanceView v : all.instances()) {
                    assertEquals(0.25 / CLUSTERS, v.cpuPerSecond(), 0.01, "equal allocations, equal shares: " + v);
                }
                stop.set(true);
                for (Future<?> f : load) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
                for (Connection c : held) {
                    c.close();
                }
            }
        }
    }
}
