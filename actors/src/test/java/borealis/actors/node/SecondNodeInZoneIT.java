package borealis.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.BankFleet;
import borealis.actors.testkit.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone with two nodes loses one: the replicas it held start again on the zone's other node,
 * empty, hydrate from their peers before they count, and the storage check finds all six replicas
 * of every group identical again, while writes go on (four JVMs on loopback).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SecondNodeInZoneIT {

    @TempDir
    Path tmp;

    private static final String CONFIG = """
            borealis.node.cluster-tls.allow-plaintext = on
            borealis.volume.group-size = 262144
            borealis.volume.commit-timeout = 60s
            pekko.cluster.failure-detector.acceptable-heartbeat-pause = 4s
            """;

    private NodeProcess node(String name, String zone, int clusterPort, List<Integer> seeds) throws Exception {
        String seedList = String.join(",", seeds.stream().map(p -> "127.0.0.1:" + p).toList());
        return new NodeProcess(tmp.resolve(name))
                .withArgs(List.of("--zone=" + zone, "--seed=" + seedList, "--cluster-port=" + clusterPort))
                .withConfig(CONFIG);
    }

    @Test
    void theReplicasOfALostNodeStartAgainOnItsZonesOtherNodeAndCatchUp() throws Exception {
        List<Integer> seeds = List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        try {
            nodes.put("a", node("a", "a", seeds.get(0), seeds).start());
            nodes.put("b", node("b", "b", seeds.get(1), seeds).start());
            nodes.put("c", node("c", "c", seeds.get(2), seeds).start());
            nodes.put("a2", node("a2", "a", NodeProcess.freePort(), seeds).start());
            awaitMembers(nodes.get("b"), "zone-a", 2);

            NodeProcess b = nodes.get("b");
            b.admin().createTenant("acme");
            b.admin().createCluster("acme", "orders", "app", "secret-pass");
            String url = b.jdbcUrl("acme", "orders");
            try (Connection c = DriverManager.getConnection(url, "app", "secret-pass"); Statement s = c.createStatement()) {
                s.execute("create table items(id int primary key, payload varchar(2000))");
                for (int i = 0; i < 300; i++) {
                    s.execute("insert into items values (" + i + ", repeat('x', 1500))");
                }
            }
            BankFleet.awaitReplicasIdentical(b, "acme", "orders", Duration.ofSeconds(60));
            Set<String> onA2 = replicaDirs(tmp.resolve("a2"));
            assertTrue(!onA2.isEmpty(), "the zone's second node holds some of its replicas: the kill below can show something");

            nodes.get("a2").kill();
            long killed = System.nanoTime();
            // Writes go on (four replicas of six stay up meanwhile), then every replica is whole again.
            int rows = 300;
            try (Connection c = DriverManager.getConnection(url, "app", "secret-pass"); Statement s = c.createStatement()) {
                for (int i = 300; i < 400; i++) {
                    s.execute("insert into items values (" + i + ", repeat('y', 1500))");
                    rows++;
                }
            }
            long bytes = BankFleet.awaitReplicasIdentical(b, "acme", "orders", Duration.ofSeconds(180));
            System.out.printf("a zone's second node killed: its %d replicas started again on the other node and caught up in %.1f s"
                    + " (%d bytes per replica)%n", onA2.size(), (System.nanoTime() - killed) / 1e9, bytes);
            Set<String> onA = replicaDirs(tmp.resolve("a"));
            assertTrue(onA.containsAll(onA2), "every replica the lost node held now lives on the zone's other node: " + onA2 + " vs " + onA);
            try (Connection c = DriverManager.getConnection(nodes.get("c").jdbcUrl("acme", "orders"), "app", "secret-pass");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from items")) {
                rs.next();
                assertEquals(rows, rs.getLong(1));
            }
        } catch (Throwable e) {
            for (var n : nodes.entrySet()) {
                if (n.getValue().logFile().exists()) {
                    List<String> lines = Files.readAllLines(n.getValue().logFile().toPath());
                    System.out.println("---- node " + n.getKey() + ", last 60 lines ----");
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                }
            }
            throw e;
        } finally {
            for (NodeProcess n : nodes.values()) {
                n.close();
            }
        }
    }

    /** The replicas a node's data directory holds files for, as {@code volume/group-replica}. */
    private static Set<String> replicaDirs(Path dataDir) throws Exception {
        Set<String> out = new TreeSet<>();
        Path segments = dataDir.resolve("segments");
        if (!Files.isDirectory(segments)) {
            return out;
        }
        try (Stream<Path> volumes = Files.list(segments)) {
            for (Path v : volumes.filter(Files::isDirectory).toList()) {
                try (Stream<Path> replicas = Files.list(v)) {
                    replicas.filter(Files::isDirectory).forEach(r -> out.add(v.getFileName() + "/" + r.getFileName()));
                }
            }
        }
        return out;
    }

    private static void awaitMembers(NodeProcess n, String zone, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(n.adminUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            int up = metrics.lines().filter(l -> l.startsWith("borealis_nodes{") && l.contains("\"" + zone + "\""))
                    .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            boolean othersUp = metrics.lines().anyMatch(l -> l.startsWith("borealis_nodes{") && l.contains("zone-b"))
                    && metrics.lines().anyMatch(l -> l.startsWith("borealis_nodes{") && l.contains("zone-c"));
            if (up >= count && othersUp) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, zone + " has " + up + " members, not " + count);
            Thread.sleep(250);
        }
    }
}
