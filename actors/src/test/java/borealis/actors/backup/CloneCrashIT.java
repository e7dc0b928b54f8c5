package borealis.actors.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.NodeProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the node while a clone is being made (the source's replicas freezing, the clone's
 * seeding): after the restart the source holds exactly what it held and takes writes, and the
 * clone either exists whole or can be made again under the same name.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CloneCrashIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    @Test
    void aNodeKilledMidCloneLeavesTheSourceWholeAndTheCloneWholeOrAbsent() throws Exception {
        Path data = tmp.resolve("data");
        // Many small groups: a clone freezes and seeds dozens of replicas, a window the kill can hit.
        String conf = "borealis.volume.group-size = 131072\n";
        Random random = new Random(42);
        long rows = 0;
        NodeProcess node = new NodeProcess(data).withConfig(conf).start();
        try {
            node.admin().createTenant("acme");
            node.admin().createCluster("acme", "prod", "app", PASSWORD);
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "prod"), "app", PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("create table items(id int primary key, payload varchar(1000))");
                rows = insert(s, 0, 800);
            }
            for (int round = 1; round <= 3; round++) {
                String before = fingerprint(node, "prod");
                String name = "branch-" + round;
                AdminClient api = node.admin();
                CompletableFuture<Integer> asked = CompletableFuture.supplyAsync(() -> {
                    try {
                        return api.call("POST", "/v1/clusters/acme/prod/clone", Map.of("name", name)).status();
                    } catch (Exception e) {
                        return -1; // the node died under it
                    }
                });
                Thread.sleep(random.nextInt(150));
                node.kill();
                int answered = asked.get(60, TimeUnit.SECONDS);
                long layersBefore = layerFiles(data);
                node.start();

                assertEquals(before, fingerprint(node, "prod"), "round " + round + ": the source holds what it held");
                try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "prod"), "app", PASSWORD);
                     Statement s = c.createStatement()) {
                    rows = insert(s, rows, 50);
                }
                int existing = node.admin().call("GET", "/v1/clusters/acme/" + name, null).status();
                if (existing != 200) {
                    assertEquals(201, node.admin().call("POST", "/v1/clusters/acme/prod/clone", Map.of("name", name)).status(),
                            "round " + round + ": the clone can be made again under its name");
                }
                String clone = fingerprint(node, name);
                String source = fingerprint(node, "prod");
                System.out.printf("round %d: killed %s (request answered %d; %d layer files on disk, from this and earlier rounds), clone %s after"
                        + " the restart%n", round, "mid-clone", answered, layersBefore, existing == 200 ? "present" : "made again");
                assertTrue(clone.equals(before) || clone.equals(source),
                        "round " + round + ": the clone is the source as it was at some point: " + clone + " vs " + before + " / " + source);
            }
        } finally {
            node.close();
        }
    }

    /** Frozen layers in the node's segment files (each replica of a clone or its source links one per freeze). */
    private static long layerFiles(Path data) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(data.resolve("segments"))) {
            return files.filter(f -> f.getFileName().toString().matches("layer-[0-9a-f]+")).count();
        }
    }

    private static long insert(Statement s, long from, int n) throws SQLException {
        for (long i = from; i < from + n; i++) {
            s.execute("insert into items values (" + i + ", repeat('r" + i + "-', 60))");
        }
        return from + n;
    }

    /** Row count and a hash of every row, in order. */
    private static String fingerprint(NodeProcess node, String cluster) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", cluster), "app", PASSWORD);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, payload from items order by id")) {
            long count = 0;
            long hash = 17;
            while (rs.next()) {
                count++;
                hash = hash * 31 + rs.getLong(1);
                hash = hash * 31 + rs.getString(2).hashCode();
            }
            return count + ":" + Long.toHexString(hash);
        }
    }
}
