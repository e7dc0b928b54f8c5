package borealis.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.BankFleet;
import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.PartitionableLinks;
import borealis.actors.testkit.TransferWorkload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, one per zone, started as a user starts them ({@code borealis start --zone --seed},
 * node-to-node TLS with one shared key store): a JVM with a certificate of its own cannot join;
 * the admin API works through any node; and kill -9 of the node that runs a cluster's writer
 * loses no acknowledged transfer of a bank workload that reconnects through a surviving node's
 * proxy, nor of the nineteen other clusters with transfers of their own spread over the nodes;
 * nor does a rolling restart of all three under load; and afterwards the six replicas of every
 * protection group of all twenty clusters hold the same bytes (the storage check). Prints the
 * failover time (kill to the next acknowledged transfer) of each cluster whose writer the killed
 * node ran, and the transactions a rolling restart failed; {@code -Dborealis.failover.rounds=N}
 * runs more rounds (restarting the killed node each time) and prints p50 and p99.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ThreeZoneClusterIT {

    /** Clusters in the failover test ({@code -Dborealis.failover.clusters}). */
    private static final int CLUSTERS = Integer.getInteger("borealis.failover.clusters", 20);

    @TempDir
    Path tmp;

    private final Map<String, Integer> clusterPorts = new TreeMap<>();
    /** Transfer ids, unique across rounds. */
    private final AtomicLong transferIds = new AtomicLong();

    private static Path keyStore(Path file, String cn) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", "cluster-pass").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return file;
    }

    /** Settings every node gets: TLS from {@code keyStore}; generous failure detection (four JVMs share two cores). */
    private static String config(Path keyStore) {
        return """
                borealis.node.cluster-tls.key-store = "%s"
                borealis.node.cluster-tls.key-store-password = "cluster-pass"
                borealis.volume.group-size = 262144
                borealis.volume.commit-timeout = 60s
                pekko.cluster.failure-detector.acceptable-heartbeat-pause = 4s
                """.formatted(keyStore);
    }

    private NodeProcess node(String zone, int clusterPort, List<Integer> seeds, Path keyStore) throws Exception {
        String seedList = String.join(",", seeds.stream().map(p -> "127.0.0.1:" + p).toList());
        return new NodeProcess(tmp.resolve(zone))
                .withArgs(List.of("--zone=" + zone.substring(0, 1), "--seed=" + seedList, "--cluster-port=" + clusterPort))
                .withConfig(config(keyStore));
    }

    private static String metrics(NodeProcess n) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(n.adminUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Up and reachable members of a zone, as {@code n} sees them. */
    private static int membersIn(NodeProcess n, String zone) throws Exception {
        return metrics(n).lines().filter(l -> l.startsWith("borealis_nodes{") && l.contains("\"" + zone + "\""))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void awaitZonesUp(NodeProcess... nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (NodeProcess n : nodes) {
            while (membersIn(n, "zone-a") < 1 || membersIn(n, "zone-b") < 1 || membersIn(n, "zone-c") < 1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not every zone is up: " + metrics(n).lines().filter(l -> l.startsWith("borealis_nodes")).toList());
                }
                Thread.sleep(250);
            }
        }
    }

    @Test
    void aThreeZoneClusterOverTlsKeepsEveryAcknowledgedTransferWhenTheWritersNodeIsKilled() throws Exception {
        Path clusterKeys = keyStore(tmp.resolve("cluster.p12"), "borealis-cluster");
        List<Integer> ports = List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
        Map<String, NodeProcess> nodes = new TreeMap<>();
        List<String> zones = List.of("a", "b", "c");
        try {
            for (int i = 0; i < 3; i++) {
                clusterPorts.put(zones.get(i), ports.get(i));
                nodes.put(zones.get(i), node(zones.get(i), ports.get(i), ports, clusterKeys).start());
            }
            awaitZonesUp(nodes.values().toArray(NodeProcess[]::new));

            intruderCannotJoin(nodes.get("a"), ports);

            // The admin API of any node serves the whole cluster.
            nodes.get("b").admin().createTenant("bank");
            nodes.get("c").admin().createCluster("bank", "ledger", "app", "secret-pass");
            assertEquals(200, nodes.get("a").admin().call("GET", "/v1/clusters/bank/ledger", null).status());

            // Nineteen more clusters with transfers of their own, spread over the nodes: a kill
            // takes down the writers of several at once.
            List<String> fleetNames = java.util.stream.IntStream.rangeClosed(2, CLUSTERS).mapToObj(i -> "ledger-" + i).toList();
            List<Long> failovers = new ArrayList<>();
            int rounds = Integer.getInteger("borealis.failover.rounds", 1);
            try (BankFleet fleet = BankFleet.start(List.copyOf(nodes.values()), "bank", fleetNames, transferIds, Duration.ofMillis(200))) {
                fleet.awaitProgress(5);
                for (int round = 1; round <= rounds; round++) {
                    failovers.addAll(killTheWritersNode(nodes, round == 1, fleet));
                }
                fleet.awaitProgress(5);
                fleet.stopAndVerify(nodes.get("a"));
                rollingRestart(nodes);
                long bytes = BankFleet.awaitReplicasIdentical(nodes.get("b"), "bank", "ledger", Duration.ofSeconds(120))
                        + fleet.awaitReplicasIdentical(nodes.get("b"), Duration.ofSeconds(120));
                System.out.printf("storage check: the six replicas of every group of all %d clusters hold the same bytes"
                        + " (%d bytes per replica in all)%n", CLUSTERS, bytes);
            }
            Collections.sort(failovers);
            System.out.printf("failover (kill -9 of a writer's node to the next acknowledged transfer of each cluster whose writer it ran),"
                            + " %d round(s), %d failovers: p50 %d ms, p99 %d ms, max %d ms; all: %s%n", rounds, failovers.size(),
                    failovers.get((failovers.size() - 1) / 2), failovers.get((int) Math.ceil(failovers.size() * 0.99) - 1),
                    failovers.get(failovers.size() - 1), failovers);
        } catch (Throwable e) {
            printLogs(nodes);
            throw e;
        } finally {
            stopAll(nodes);
        }
    }

    /**
     * The node running the writer is cut off from the two others (both ways, by relays in front of
     * each node's cluster port: packets dropped, not refused), with a client on each side. The
     * majority side downs it and writes again; the cut-off node commits nothing after the cut
     * (it holds two replicas of six; a commit needs four), downs itself and exits; after healing and
     * a restart, money is exact and every transfer either side acknowledged is there.
     */
    @Test
    void aWriterCutOffFromTheOthersCommitsNothingAndTheMajorityTakesOver() throws Exception {
        Path clusterKeys = keyStore(tmp.resolve("cluster.p12"), "borealis-cluster");
        List<String> zones = List.of("a", "b", "c");
        List<String> hosts = List.of("127.0.5.1", "127.0.5.2", "127.0.5.3");
        List<Integer> advertised = List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
        List<PartitionableLinks.Link> links = new ArrayList<>();
        Map<String, NodeProcess> nodes = new TreeMap<>();
        Map<String, String> hostOf = new TreeMap<>();
        String seeds = String.join(",", List.of(hosts.get(0) + ":" + advertised.get(0), hosts.get(1) + ":" + advertised.get(1),
                hosts.get(2) + ":" + advertised.get(2)));
        for (int i = 0; i < 3; i++) {
            int bound = NodeProcess.freePort();
            links.add(new PartitionableLinks.Link(hosts.get(i), advertised.get(i), bound));
            hostOf.put(zones.get(i), hosts.get(i));
            clusterPorts.put(zones.get(i), advertised.get(i));
            nodes.put(zones.get(i), new NodeProcess(tmp.resolve(zones.get(i)))
                    .withArgs(List.of("--zone=" + zones.get(i), "--seed=" + seeds, "--cluster-host=" + hosts.get(i),
                            "--cluster-port=" + advertised.get(i)))
                    .withConfig(config(clusterKeys) + """
                            pekko.remote.artery.bind.hostname = "%s"
                            pekko.remote.artery.bind.port = %d
                            pekko.remote.artery.advanced.tcp.outbound-client-hostname = "%s"
                            """.formatted(hosts.get(i), bound, hosts.get(i))));
        }
        try (PartitionableLinks network = new PartitionableLinks(links)) {
            try {
                for (NodeProcess n : nodes.values()) {
                    n.start();
                }
                awaitZonesUp(nodes.values().toArray(NodeProcess[]::new));
                cutOffTheWriter(nodes, hostOf, network);
            } catch (Throwable e) {
                printLogs(nodes);
                throw e;
            } finally {
                stopAll(nodes);
            }
        }
    }

    private void cutOffTheWriter(Map<String, NodeProcess> nodes, Map<String, String> hostOf, PartitionableLinks network)
            throws Exception {
        nodes.get("a").admin().createTenant("bank");
        nodes.get("a").admin().createCluster("bank", "ledger", "app", "secret-pass");
        String victim = writerNode(nodes, true);
        NodeProcess majority = nodes.entrySet().stream().filter(n -> !n.getKey().equals(victim)).findFirst().get().getValue();
        NodeProcess minority = nodes.get(victim);
        TransferWorkload outside = new TransferWorkload(List.of(majority.jdbcUrl("bank", "ledger")), transferIds);
        TransferWorkload inside = new TransferWorkload(List.of(minority.jdbcUrl("bank", "ledger")), transferIds);
        Thread t1 = new Thread(outside, "bank-majority");
        Thread t2 = new Thread(inside, "bank-minority");
        t1.start();
        t2.start();
        try {
            outside.awaitAcked(20);
            inside.awaitAcked(20);
            long cutAt = System.nanoTime();
            network.isolate(hostOf.get(victim));
            // The majority side downs the silent node (failure detector, then the resolver) and writes again.
            int before = outside.acked.size();
            outside.awaitAcked(before + 20);
            long resumedMs = TimeUnit.NANOSECONDS.toMillis(outside.firstAckOfTransferBegunAfter(cutAt) - cutAt);
            // The cut-off node downs itself (it is the minority) and its process ends.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (minority.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(!minority.isAlive(), "the cut-off node downed itself and exited");
            long exitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
            // Nothing committed there after the cut (a commit needs four replicas; it holds two).
            // A commit in flight at the cut may still be acknowledged within a round trip.
            long lateAcks = inside.ackedAfter(cutAt + TimeUnit.SECONDS.toNanos(1));
            assertEquals(0, lateAcks, "the cut-off writer acknowledged no commit after the cut");
            System.out.printf("partition: writer's node %s cut off; the majority side wrote again after %d ms; the cut-off side"
                    + " acknowledged %d transfer(s) after the cut and exited within %d ms of it%n", victim, resumedMs, lateAcks,
                    exitedMs);
            network.heal();
            minority.start();
            awaitZonesUp(nodes.values().toArray(NodeProcess[]::new));
            outside.awaitAcked(outside.acked.size() + 10);
        } finally {
            outside.stop.set(true);
            inside.stop.set(true);
            t1.join(60_000);
            t2.join(60_000);
        }
        List<Long> acked = new ArrayList<>(outside.acked);
        acked.addAll(inside.acked);
        TransferWorkload.verify(majority.jdbcUrl("bank", "ledger"), acked);
    }

    /** The zone of the node running bank/ledger's writer (a first statement resumes it; in round one it creates the tables). */
    private String writerNode(Map<String, NodeProcess> nodes, boolean first) throws Exception {
        try (Connection c = DriverManager.getConnection(nodes.get("a").jdbcUrl("bank", "ledger"), "app", "secret-pass");
             Statement s = c.createStatement()) {
            if (first) {
                TransferWorkload.createSchema(s);
            }
            s.execute("select count(*) from accounts");
        }
        String zone = zoneOfWriter(nodes, "ledger");
        if (zone.isEmpty()) {
            throw new AssertionError("the writer of ledger runs on none of the three nodes right after a statement");
        }
        return zone;
    }

    /**
     * The zone of the node running a cluster's writer, as the admin API tells, or "" if it runs
     * nowhere: a writer being handed to another node (the shard coordinator's rebalance) runs
     * nowhere for a moment, so it is asked again for up to 3 s, and one handed off without
     * sessions starts again only on its next connect.
     */
    private String zoneOfWriter(Map<String, NodeProcess> nodes, String cluster) throws Exception {
        String writerNode = "";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        while (true) {
            writerNode = nodes.get("a").admin().call("GET", "/v1/clusters/bank/" + cluster, null).body()
                    .path("compute").path("node").asText();
            if (!writerNode.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        for (var port : clusterPorts.entrySet()) {
            // The admin API names the instance's node by its cluster address.
            if (writerNode.endsWith(":" + port.getValue())) {
                return port.getKey();
            }
        }
        if (writerNode.isEmpty()) {
            return "";
        }
        throw new AssertionError("the writer of " + cluster + " runs on a node that is none of the three: " + writerNode);
    }

    /** Stops every node; with {@code -Dborealis.keep-logs=DIR} their logs are copied there (the test's directory goes). */
    private static void stopAll(Map<String, NodeProcess> nodes) throws Exception {
        for (NodeProcess n : nodes.values()) {
            n.close();
        }
        String keep = System.getProperty("borealis.keep-logs");
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            for (var n : nodes.entrySet()) {
                Files.copy(n.getValue().logFile().toPath(), Path.of(keep, n.getKey() + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void printLogs(Map<String, NodeProcess> nodes) throws java.io.IOException {
        for (var n : nodes.entrySet()) {
            if (!n.getValue().logFile().exists()) {
                System.out.println("---- node " + n.getKey() + ": never started (no log) ----");
                continue; // a missing log must not hide the failure being reported
            }
            List<String> lines = Files.readAllLines(n.getValue().logFile().toPath());
            System.out.println("---- node " + n.getKey() + ", last 80 lines ----");
            lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
        }
    }

    /** A JVM with a certificate the cluster does not trust asks to join as a zone-c node: it never becomes a member. */
    private void intruderCannotJoin(NodeProcess a, List<Integer> seeds) throws Exception {
        Path ownKeys = keyStore(tmp.resolve("intruder.p12"), "borealis-cluster");
        try (NodeProcess intruder = node("c-intruder", NodeProcess.freePort(), seeds, ownKeys).start()) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            while (System.nanoTime() < until) {
                assertEquals(1, membersIn(a, "zone-c"), "only the cluster's own zone-c node is a member");
                Thread.sleep(500);
            }
            assertEquals(0, membersIn(intruder, "zone-a"), "the intruder sees no member of the cluster");
            String log = Files.readString(intruder.logFile().toPath());
            assertTrue(log.contains("SSLHandshakeException") || log.contains("certificate") || log.contains("SSL"),
                    "the intruder's handshakes failed: " + log.lines().filter(l -> l.contains("WARN")).limit(5).toList());
        }
    }

    /**
     * Kills the node running the writer of bank/ledger while transfers run through another node's
     * proxy, and the fleet's through every node's; restarts it. Returns, for ledger and each fleet
     * cluster whose writer the node ran, the milliseconds from the kill to the next acknowledged
     * transfer.
     */
    private List<Long> killTheWritersNode(Map<String, NodeProcess> nodes, boolean first, BankFleet fleet) throws Exception {
        String victim = writerNode(nodes, first);
        List<String> alsoThere = new ArrayList<>();
        for (String cluster : fleet.loads().keySet()) {
            if (zoneOfWriter(nodes, cluster).equals(victim)) {
                alsoThere.add(cluster);
            }
        }
        NodeProcess proxy = null;
        for (var n : nodes.entrySet()) {
            if (!n.getKey().equals(victim)) {
                proxy = n.getValue();
                break;
            }
        }
        String url = proxy.jdbcUrl("bank", "ledger");
        TransferWorkload bank = new TransferWorkload(List.of(url), transferIds);
        Thread worker = new Thread(bank, "bank-transfers");
        worker.start();
        try {
            bank.awaitAcked(bank.acked.size() + 30);
            IdleClients idle = first ? IdleClients.open(url) : null;
            long killedAt = System.nanoTime();
            nodes.get(victim).kill();
            // A transfer in flight at the kill may still be acknowledged just after it: only one
            // begun after the kill shows that writes go on.
            while (bank.firstAckOfTransferBegunAfter(killedAt) < 0) {
                assertTrue(System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(120), "writes resumed within 120 s");
                Thread.sleep(10);
            }
            List<Long> failoverMs = new ArrayList<>(List.of(TimeUnit.NANOSECONDS.toMillis(bank.firstAckOfTransferBegunAfter(killedAt) - killedAt)));
            for (String cluster : alsoThere) {
                TransferWorkload load = fleet.loads().get(cluster);
                while (load.firstAckOfTransferBegunAfter(killedAt) < 0) {
                    assertTrue(System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(120), cluster + " writes again within 120 s");
                    Thread.sleep(10);
                }
                failoverMs.add(TimeUnit.NANOSECONDS.toMillis(load.firstAckOfTransferBegunAfter(killedAt) - killedAt));
            }
            System.out.printf("round: killed node %s (the writer's of ledger and of %d more of %d clusters), writes acknowledged again"
                    + " after (ms) %s%n", victim, alsoThere.size(), CLUSTERS, failoverMs);
            if (idle != null) {
                idle.checkAfterFailover();
            }
            bank.awaitAcked(bank.acked.size() + 20);
            bank.stop.set(true);
            worker.join(60_000);
            nodes.get(victim).start();
            awaitZonesUp(nodes.values().toArray(NodeProcess[]::new));
            TransferWorkload.verify(url, bank.acked);
            return failoverMs;
        } finally {
            bank.stop.set(true);
            worker.join(60_000);
        }
    }

    /**
     * Clients of the proxy that survives, connected before the writer's node dies: one idle
     * between transactions, with a setting and a server-side prepared statement (pgjdbc names it
     * from the fifth execution on), and one inside a transaction.
     */
    private record IdleClients(Connection idle, PreparedStatement prepared, Connection inTransaction) {
        static IdleClients open(String url) throws SQLException {
            Connection idle = DriverManager.getConnection(url + "&socketTimeout=90", "app", "secret-pass");
            try (Statement s = idle.createStatement()) {
                s.execute("set application_name = 'survivor'");
            }
            PreparedStatement prepared = idle.prepareStatement("select count(*) from accounts where id >= ?");
            for (int i = 0; i < 6; i++) {
                prepared.setInt(1, 0);
                try (ResultSet rs = prepared.executeQuery()) {
                    assertTrue(rs.next());
                }
            }
            Connection inTransaction = DriverManager.getConnection(url + "&socketTimeout=90", "app", "secret-pass");
            inTransaction.setAutoCommit(false);
            try (Statement s = inTransaction.createStatement(); ResultSet rs = s.executeQuery("select count(*) from accounts")) {
                assertTrue(rs.next());
            }
            return new IdleClients(idle, prepared, inTransaction);
        }

        /**
         * The idle client goes on as if nothing happened (its session was opened again on the new
         * writer, with its setting and prepared statement); the one in a transaction learns that
         * its transaction is gone, as PostgreSQL's clients do when their server dies.
         */
        void checkAfterFailover() throws SQLException {
            try (idle; inTransaction) {
                prepared.setInt(1, 0);
                try (ResultSet rs = prepared.executeQuery()) {
                    assertTrue(rs.next());
                    assertTrue(rs.getLong(1) > 0, "the idle client reads the accounts through its prepared statement");
                }
                try (Statement s = idle.createStatement(); ResultSet rs = s.executeQuery("show application_name")) {
                    assertTrue(rs.next());
                    assertEquals("survivor", rs.getString(1), "the idle client's setting followed it");
                }
                SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
                    try (Statement s = inTransaction.createStatement()) {
                        s.executeQuery("select count(*) from accounts").close();
                    }
                });
                assertTrue(e.getSQLState() != null && (e.getSQLState().equals("57P01") || e.getSQLState().startsWith("08")),
                        "a client in a transaction is told its connection ended: " + e.getSQLState() + " " + e.getMessage());
            }
        }
    }

    /**
     * Restarts each node in turn (SIGTERM, as an upgrade would, then the same data directory) while
     * transfers run through every node's proxy: money is exact and every acknowledged transfer is
     * there. Prints how many transactions failed (in flight on a stopping node).
     */
    private void rollingRestart(Map<String, NodeProcess> nodes) throws Exception {
        List<String> urls = nodes.values().stream().map(n -> n.jdbcUrl("bank", "ledger")).toList();
        TransferWorkload bank = new TransferWorkload(urls, transferIds);
        Thread worker = new Thread(bank, "bank-transfers");
        worker.start();
        long started = System.nanoTime();
        try {
            bank.awaitAcked(20);
            for (var n : nodes.entrySet()) {
                n.getValue().close();
                n.getValue().start();
                awaitZonesUp(nodes.values().toArray(NodeProcess[]::new));
                bank.awaitAcked(bank.acked.size() + 20);
            }
        } finally {
            bank.stop.set(true);
            worker.join(60_000);
        }
        TransferWorkload.verify(urls.get(0), bank.acked);
        System.out.printf("rolling restart of 3 nodes under load: %d transfers acknowledged in %d s, %d transaction(s) failed%n",
                bank.acked.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), bank.failed.get());
    }
}
