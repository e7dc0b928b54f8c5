package borealis.actors.consistency;

import borealis.actors.consistency.ConsistencyRun.Fault;
import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.StorageProbe;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;

/** Where a checked run's clients connect, and how its fault is done to the node. */
public interface ConsistencyTarget {

    String jdbcUrl(String tenant, String cluster);

    void inject(Fault fault, String tenant, String cluster) throws Exception;

    /** A node in its own JVM: killed ({@code kill -9}, then started again) or frozen ({@code SIGSTOP} for 3 s). */
    static ConsistencyTarget of(NodeProcess node) {
        return new ConsistencyTarget() {
            @Override
            public String jdbcUrl(String tenant, String cluster) {
                return node.jdbcUrl(tenant, cluster);
            }

            @Override
            public void inject(Fault fault, String tenant, String cluster) throws Exception {
                switch (fault) {
                    case NONE -> { }
                    case KILL -> {
                        node.kill();
                        node.start();
                    }
                    case FREEZE -> node.freeze(Duration.ofSeconds(3));
                    default -> throw new IllegalArgumentException(fault + " needs a node in the test's JVM");
                }
            }
        };
    }

    /**
     * A node in the test's JVM, whose storage replicas the run breaks: a whole zone's replicas
     * down, or a replica that loses its disk.
     */
    static ConsistencyTarget of(InProcessNode node, VolumeLayout layout) {
        return new ConsistencyTarget() {
            @Override
            public String jdbcUrl(String tenant, String cluster) {
                return node.jdbcUrl(tenant, cluster);
            }

            @Override
            public void inject(Fault fault, String tenant, String cluster) throws Exception {
                StorageProbe probe = StorageProbe.forCluster(node.node(), borealis.actors.cluster.ClusterSpec.id(tenant, cluster), layout);
                int groups = probe.volume().stats().groups();
                switch (fault) {
                    case NONE -> { }
                    case ZONE_DOWN -> {
                        // Zone a's replicas die for 3 s, then zone b's: while b is down every write
                        // quorum needs zone a's replicas, which must have caught up first.
                        for (int zone = 0; zone < 2; zone++) {
                            for (int g = 0; g < groups; g++) {
                                probe.takeDown(g, 2 * zone);
                                probe.takeDown(g, 2 * zone + 1);
                            }
                            Thread.sleep(3000);
                            for (int g = 0; g < groups; g++) {
                                probe.bringBack(g, 2 * zone);
                                probe.bringBack(g, 2 * zone + 1);
                            }
                        }
                    }
                    case REPLICA_WIPED -> {
                        for (int g = 0; g < groups; g++) {
                            probe.wipe(g, 0);
                        }
                    }
                    default -> throw new IllegalArgumentException(fault + " needs a node in its own JVM");
                }
            }
        };
    }
}
