package borealis.actors.bench;

import borealis.actors.testkit.BankFleet;
import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.TransferWorkload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rolling upgrade under load (issue 20): three nodes (zones a, b, c) run an older build's
 * distribution ({@code --old-jar}); bank transfers run through every node's proxy; each node in
 * turn is stopped (SIGTERM) and started again on the newer build ({@code --new-jar}). Prints, per
 * node, how long it was away and the transactions that failed meanwhile, then checks that money is
 * exact, every acknowledged transfer is there, and the six replicas of every group are identical.
 *
 * <pre>
 * bin/bench-upgrade [--from REV]
 * </pre>
 */
public final class UpgradeBench {

    private static final String CONFIG = """
            borealis.node.cluster-tls.allow-plaintext = on
            borealis.volume.group-size = 262144
            borealis.volume.commit-timeout = 60s
            pekko.cluster.failure-detector.acceptable-heartbeat-pause = 4s
            """;

    private UpgradeBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path oldJar = Path.of(opts.get("old-jar"));
        Path newJar = Path.of(opts.get("new-jar"));
        Path tmp = Files.createTempDirectory("borealis-upgrade-bench");
        List<Integer> seeds = List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
        String seedList = String.join(",", seeds.stream().map(p -> "127.0.0.1:" + p).toList());
        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        int status = 1;
        try {
            List<String> zones = List.of("a", "b", "c");
            for (int i = 0; i < 3; i++) {
                nodes.put(zones.get(i), new NodeProcess(tmp.resolve(zones.get(i)))
                        .withArgs(List.of("--zone=" + zones.get(i), "--seed=" + seedList, "--cluster-port=" + seeds.get(i)))
                        .withConfig(CONFIG).withJar(oldJar).start());
            }
            awaitZonesUp(nodes.values());
            System.out.println("old build up on three nodes: " + oldJar);
            NodeProcess b = nodes.get("b");
            b.admin().createTenant("bank");
            b.admin().createCluster("bank", "ledger", "app", "secret-pass");
            try (Connection c = DriverManager.getConnection(b.jdbcUrl("bank", "ledger"), "app", "secret-pass");
                 Statement s = c.createStatement()) {
                TransferWorkload.createSchema(s);
            }
            List<String> urls = nodes.values().stream().map(n -> n.jdbcUrl("bank", "ledger")).toList();
            TransferWorkload bank = new TransferWorkload(urls, new AtomicLong()).paced(Duration.ofMillis(20));
            Thread worker = new Thread(bank, "bank-transfers");
            worker.start();
            bank.awaitAcked(50);
            long began = System.nanoTime();
            for (var n : nodes.entrySet()) {
                long failedBefore = bank.failed.get();
                long down = System.nanoTime();
                n.getValue().close();
                n.getValue().withJar(newJar).start();
                awaitZonesUp(nodes.values());
                double away = (System.nanoTime() - down) / 1e9;
                bank.awaitAcked(bank.acked.size() + 50);
                System.out.printf(Locale.ROOT, "node %s upgraded: away %.1f s; transactions failed meanwhile: %d; acknowledged so far: %d%n",
                        n.getKey(), away, bank.failed.get() - failedBefore, bank.acked.size());
            }
            bank.stop.set(true);
            worker.join(60_000);
            TransferWorkload.verify(urls.get(0), bank.acked);
            long bytes = BankFleet.awaitReplicasIdentical(b, "bank", "ledger", Duration.ofSeconds(120));
            System.out.printf(Locale.ROOT, "rolling upgrade done in %.1f s: %d transfers acknowledged, all present, money exact; %d failed"
                    + " (in flight on a stopped node); the six replicas of every group identical (%d bytes per replica)%n",
                    (System.nanoTime() - began) / 1e9, bank.acked.size(), bank.failed.get(), bytes);
            status = 0;
        } catch (Throwable e) {
            e.printStackTrace();
            for (var n : nodes.entrySet()) {
                if (n.getValue().logFile().exists()) {
                    List<String> lines = Files.readAllLines(n.getValue().logFile().toPath());
                    System.out.println("---- node " + n.getKey() + ", last 40 lines ----");
                    lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
                }
            }
        } finally {
            for (NodeProcess n : nodes.values()) {
                n.close();
            }
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(status);
    }

    private static void awaitZonesUp(java.util.Collection<NodeProcess> nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (NodeProcess n : nodes) {
            while (true) {
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(n.adminUrl() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                List<String> up = new ArrayList<>();
                for (String zone : List.of("zone-a", "zone-b", "zone-c")) {
                    if (metrics.lines().anyMatch(l -> l.startsWith("borealis_nodes{") && l.contains("\"" + zone + "\"") && !l.endsWith(" 0.0"))) {
                        up.add(zone);
                    }
                }
                if (up.size() == 3) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not every zone is up: " + up);
                }
                Thread.sleep(250);
            }
        }
    }
}
