package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.node.BorealisNode;
import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.StorageProbe;
import borealis.persistence.volume.log.VolumeLayout;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone lost and rebuilt, across real nodes: three actor systems in a cluster, one per zone
 * (the first also runs compute and the control plane), talking over Pekko remoting. The zone-c node
 * is shut down during writes (two replicas of every group gone), writes go on; it comes back on an
 * empty disk, and its replicas hydrate from their peers over the network until they equal them.
 */
class ZoneLossIT {

    private static final long GROUP_SIZE = 256 * 1024;
    private static final VolumeLayout LAYOUT = new VolumeLayout(GROUP_SIZE);

    @TempDir
    Path tmp;

    private static BorealisNode start(Path data, String roles, String seed) throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("borealis.data-dir", data.toString());
        o.put("borealis.node.pg-port", 0);
        o.put("borealis.node.admin-port", 0);
        o.put("borealis.admin.token", "test-token");
        o.put("borealis.volume.group-size", GROUP_SIZE);
        o.put("borealis.volume.request-timeout", "1s");
        o.put("borealis.volume.retry-interval", "200ms");
        o.put("borealis.storage.sync.timeout", "1s");
        o.put("pekko.cluster.roles", List.of(roles.split(",")));
        if (seed != null) {
            o.put("borealis.node.join", "seeds");
            o.put("pekko.cluster.seed-nodes", List.of(seed));
        }
        return BorealisNode.start(ConfigFactory.load(ConfigFactory.parseMap(o)));
    }

    @Test
    void writesGoOnWithoutAZoneAndTheZoneHydratesBack() throws Exception {
        BorealisNode a = start(tmp.resolve("a"), "zone-a,compute,control", null);
        String seed = Cluster.get(a.system()).selfMember().address().toString();
        BorealisNode b = start(tmp.resolve("b"), "zone-b", seed);
        BorealisNode c = start(tmp.resolve("c"), "zone-c", seed);
        try {
            awaitMembersUp(a, 3);
            AdminClient admin = new AdminClient("http://127.0.0.1:" + a.adminPort(), "test-token");
            admin.createTenant("zones");
            admin.createCluster("zones", "db", "app", "secret-pass");
            String url = "jdbc:postgresql://127.0.0.1:" + a.pgPort() + "/zones.db?sslmode=disable";
            List<Integer> acked = new ArrayList<>();
            try (Connection conn = DriverManager.getConnection(url, "app", "secret-pass");
                 Statement s = conn.createStatement();
                 PreparedStatement ins = conn.prepareStatement("insert into t values (?, ?)")) {
                s.execute("create table t(id int primary key, v varchar(400) not null)");
                int id = 0;
                for (; id < 100; id++) {
                    ins.setInt(1, id);
                    ins.setString(2, "x".repeat(300));
                    assertEquals(1, ins.executeUpdate());
                    acked.add(id);
                }
                c.close(); // zone c is gone: two replicas of every group
                for (; id < 300; id++) {
                    ins.setInt(1, id);
                    ins.setString(2, "y".repeat(300));
                    assertEquals(1, ins.executeUpdate(), "writes go on without zone c");
                    acked.add(id);
                }
                // Zone c comes back on a new, empty disk.
                c = start(tmp.resolve("c-new"), "zone-c", seed);
                awaitMembersUp(a, 3);
                for (; id < 350; id++) {
                    ins.setInt(1, id);
                    ins.setString(2, "z".repeat(300));
                    assertEquals(1, ins.executeUpdate());
                    acked.add(id);
                }
                try (ResultSet rs = s.executeQuery("select count(*) from t")) {
                    rs.next();
                    assertEquals(acked.size(), rs.getInt(1));
                }
            }

            StorageProbe probe = StorageProbe.forCluster(a, "zones/db", LAYOUT);
            int groups = LAYOUT.groupOf(probe.volume().size() - 1) + 1;
            assertTrue(groups >= 2, "the database spans several groups");
            for (int g = 0; g < groups; g++) {
                awaitEqual(probe, g);
            }
        } finally {
            c.close();
            b.close();
            a.close();
        }
    }

    private static void awaitMembersUp(BorealisNode node, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            long up = java.util.stream.StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(), false)
                    .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up()).count();
            if (up == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(up + " of " + n + " members up");
            }
            Thread.sleep(100);
        }
    }

    /** The zone-c replicas of a group catch up and hold the same bytes as replica 0. */
    private static void awaitEqual(StorageProbe probe, int group) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            StorageSegment.PeerRecords zero = probe.status(group, 0);
            StorageSegment.PeerRecords four = probe.status(group, 4);
            StorageSegment.PeerRecords five = probe.status(group, 5);
            boolean same = zero.appliedLsn() == zero.scl() && four.appliedLsn() == zero.appliedLsn()
                    && five.appliedLsn() == zero.appliedLsn() && four.length() == zero.length() && five.length() == zero.length();
            if (same) {
                for (long at = 0; at < zero.length(); at += 256 * 1024) {
                    int n = (int) Math.min(256 * 1024, zero.length() - at);
                    byte[] expected = probe.blocks(group, 0, at, n).data();
                    for (int r : new int[] {4, 5}) {
                        StorageSegment.PeerBlocks blocks = probe.blocks(group, r, at, n);
                        assertNull(blocks.error());
                        assertArrayEquals(expected, blocks.data(), "replica " + r + " of group " + group + " at " + at);
                    }
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("group " + group + " did not converge: " + zero + " / " + four + " / " + five);
            }
            Thread.sleep(100);
        }
    }
}
