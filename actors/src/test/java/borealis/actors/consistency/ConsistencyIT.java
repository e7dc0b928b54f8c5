package borealis.actors.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.consistency.ConsistencyRun.Fault;
import borealis.actors.consistency.ConsistencyRun.Result;
import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.NodeProcess;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of the consistency check ({@code bin/bench-consistency} runs hundreds): one
 * node in its own JVM, list-append clients at each isolation level, the node killed ({@code kill -9})
 * or frozen ({@code SIGSTOP} for 3 s) halfway through, and at SERIALIZABLE two more clients reading
 * on a reader instance; the checker must find none of the anomalies PostgreSQL 15 rules out at
 * that level (for the reader: no state the writer never had), and no acknowledged append may be lost.
 * Then the storage's turn: a node in this JVM loses two zones' replicas in turn during a run.
 */
class ConsistencyIT {

    @TempDir
    Path tmp;

    @Test
    void noForbiddenAnomalyAtAnyIsolationLevelUnderFaults() throws Exception {
        try (NodeProcess node = new NodeProcess(tmp.resolve("data")).start()) {
            node.admin().createTenant("jepsen");
            node.admin().createCluster("jepsen", "db", "app", "secret-pass");
            node.admin().call("POST", "/v1/clusters/jepsen/db/readers", null).ok();
            StringBuilder failures = new StringBuilder();
            Object[][] runs = {
                {"read committed", Fault.FREEZE, 0},
                {"repeatable read", Fault.KILL, 0},
                // Two more clients read on the reader instance: it must never show a state the writer did not have.
                {"serializable", Fault.KILL, 2},
            };
            int i = 0;
            for (Object[] r : runs) {
                Result result = ConsistencyRun.run(ConsistencyTarget.of(node), "jepsen", "la_" + i, (String) r[0], (Fault) r[1], 4, (Integer) r[2], Duration.ofSeconds(10), i);
                i++;
                System.out.println("consistency: " + result);
                assertTrue(result.finalReadDone(), "the node answered after the fault: " + result);
                assertTrue(result.ok() > 20, "the clients got work done: " + result);
                if (!result.forbidden().isEmpty()) {
                    failures.append(result).append('\n');
                    result.forbidden().keySet().forEach(a -> failures.append("  ").append(a).append(": ")
                            .append(result.report().examples().get(a)).append('\n'));
                }
            }
            assertEquals("", failures.toString(), "anomalies PostgreSQL forbids at these levels");
        }
    }

    /** Storage faults: two zones' replicas down in turn while REPEATABLE READ clients run (a node in this JVM). */
    @Test
    void noForbiddenAnomalyWhileZonesOfReplicasGoDown() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("replicas"), Map.of("borealis.volume.group-size", GROUP_SIZE))) {
            node.admin().createTenant("jepsen");
            node.admin().createCluster("jepsen", "db", "app", "secret-pass");
            Result result = ConsistencyRun.run(ConsistencyTarget.of(node, new VolumeLayout(GROUP_SIZE)), "jepsen", "la_z", "repeatable read",
                    Fault.ZONE_DOWN, 4, Duration.ofSeconds(12), 7);
            System.out.println("consistency: " + result);
            assertTrue(result.finalReadDone(), "the cluster answered after the fault: " + result);
            assertTrue(result.ok() > 20, "the clients got work done: " + result);
            assertEquals(Map.of(), result.forbidden(), "anomalies PostgreSQL forbids: " + result.report().examples());
        }
    }

    /** Small protection groups: a run's table spans several, so every group's replicas are hit. */
    private static final long GROUP_SIZE = 256 * 1024;
}
