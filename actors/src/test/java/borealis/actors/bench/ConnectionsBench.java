package borealis.actors.bench;

import borealis.actors.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 18's density benchmark, part 2, on the embedded default in its own JVM: {@code --idle}
 * client connections (10,000) held open to {@code --clusters} clusters (100) while a busy tenant
 * runs pgbench with {@code --clients} (16); the busy tenant's tps with and without them, the time
 * and errors opening them, and the node's memory. Idle sessions park after {@code --park-after}.
 *
 * Run: {@code bin/bench-connections [--idle 10000] [--clusters 100] [--clients 16] [--seconds 20] [--park-after 10s]
 * [--order by-cluster|round-robin]}.
 */
public final class ConnectionsBench {

    private static final String PASSWORD = "conn-pass-1";

    private ConnectionsBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int idle = Integer.parseInt(opt.getOrDefault("idle", "10000"));
        int clusters = Integer.parseInt(opt.getOrDefault("clusters", "100"));
        int clients = Integer.parseInt(opt.getOrDefault("clients", "16"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        String parkAfter = opt.getOrDefault("park-after", "10s");
        boolean roundRobin = opt.getOrDefault("order", "by-cluster").equals("round-robin");
        Path dir = Files.createTempDirectory("borealis-connections");
        try (NodeProcess node = new NodeProcess(dir.resolve("data"), List.of("-Xmx2g", "-XX:+UseParallelGC",
                "-Dpekko.actor.serialize-messages=off", "-Dpekko.loglevel=WARNING"))
                .withConfig("borealis.capacity.park-idle-sessions-after = " + parkAfter + "\n"
                        // The node's cap (10,000 by default, like max_connections) must leave room for the busy clients.
                        + "borealis.proxy.max-connections = " + (idle + 1000) + "\n").start()) {
            node.admin().call("POST", "/v1/tenants", Map.of("name", "busy")).ok();
            node.admin().call("POST", "/v1/clusters", Map.of("tenant", "busy", "name", "db", "masterUsername", "app", "masterPassword",
                    PASSWORD, "minAcu", 4, "maxAcu", 4)).ok();
            for (int i = 0; i < clusters; i++) {
                node.admin().call("POST", "/v1/tenants", Map.of("name", "i" + i)).ok();
                node.admin().call("POST", "/v1/clusters", Map.of("tenant", "i" + i, "name", "db", "masterUsername", "app", "masterPassword",
                        PASSWORD, "minAcu", 0, "maxAcu", 2, "secondsUntilAutoPause", 300)).ok();
            }
            pgbench(node, seconds, "-i", "-s", "1", "-q");
            // Warm-up as long as a measured run: a 5 s one left the first run at 7.7k tps against 17.7k for the last.
            pgbench(node, seconds, "-S", "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds));
            double alone = tps(pgbench(node, seconds, "-S", "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds)));
            DensityBench.Footprint before = DensityBench.Footprint.of(node);
            System.out.printf(Locale.ROOT, "busy tenant alone: pgbench -S -c %d -j 2 -T %d: %.0f tps; node %s%n", clients, seconds, alone, before);

            ConcurrentLinkedQueue<Connection> held = new ConcurrentLinkedQueue<>();
            Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            List<long[]> slowest = new ArrayList<>();
            ExecutorService openers = Executors.newFixedThreadPool(16);
            for (int n = 0; n < idle; n++) {
                // As applications start: each opens its pool, one cluster after another (--order round-robin
                // spreads them, which keeps every cluster resuming while the node holds fewer live ones).
                int cluster = roundRobin ? n % clusters : Math.min(clusters - 1, n / Math.max(1, idle / clusters));
                openers.execute(() -> {
                    long started = System.currentTimeMillis();
                    Properties p = new Properties();
                    p.setProperty("user", "app");
                    p.setProperty("password", PASSWORD);
                    p.setProperty("loginTimeout", "120");
                    try {
                        Connection c = DriverManager.getConnection(node.jdbcUrl("i" + cluster, "db"), p);
                        try (Statement s = c.createStatement()) {
                            s.execute("select 1");
                        }
                        held.add(c);
                    } catch (SQLException e) {
                        errors.computeIfAbsent(String.valueOf(e.getSQLState()), k -> new AtomicInteger()).incrementAndGet();
                        if (samples.size() < 3) {
                            samples.add(e.getSQLState() + " " + e.getMessage());
                        }
                    }
                    // The slowest connects, with their cluster and start (the node log's clock) to find them there.
                    long took = System.currentTimeMillis() - started;
                    synchronized (slowest) {
                        slowest.add(new long[] {took, started, cluster});
                        slowest.sort((a, b) -> Long.compare(b[0], a[0]));
                        if (slowest.size() > 5) {
                            slowest.remove(5);
                        }
                    }
                });
            }
            openers.shutdown();
            openers.awaitTermination(1, TimeUnit.HOURS);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "opened %d of %d idle connections to %d clusters in %.1f s (%.0f per second); errors %s%n",
                    held.size(), idle, clusters, openSeconds, idle / openSeconds, errors);
            samples.forEach(s -> System.out.println("  error: " + s));
            for (long[] slow : slowest) {
                System.out.printf(Locale.ROOT, "  slow connect: %.1f s to i%d, started %s%n", slow[0] / 1000.0, slow[2],
                        java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(slow[1]), java.time.ZoneOffset.UTC));
            }
            System.out.printf(Locale.ROOT, "with them open:        node %s%n", DensityBench.Footprint.of(node));
            Thread.sleep(parseSeconds(parkAfter) * 1000L + 45_000);
            DensityBench.Footprint parked = DensityBench.Footprint.of(node);
            System.out.printf(Locale.ROOT, "after they parked:     node %s; %.1f KB of heap per idle connection%n", parked,
                    (parked.heapBytes() - before.heapBytes()) / 1024.0 / Math.max(1, held.size()));

            double loaded = tps(pgbench(node, seconds, "-S", "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds)));
            System.out.printf(Locale.ROOT, "busy tenant with %d idle connections held: %.0f tps (%.2fx of the first run alone)%n",
                    held.size(), loaded, loaded / alone);
            // 16 at a time, as they were opened: one by one, round-robin order took ten minutes of resumes.
            AtomicInteger stillOpen = new AtomicInteger();
            ExecutorService askers = Executors.newFixedThreadPool(16);
            for (Connection c : held) {
                askers.execute(() -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("select 1");
                        stillOpen.incrementAndGet();
                    } catch (SQLException e) {
                        // counted as not answering
                    }
                });
            }
            askers.shutdown();
            askers.awaitTermination(1, TimeUnit.HOURS);
            System.out.printf(Locale.ROOT, "idle connections that still answer afterwards: %d of %d%n", stillOpen.get(), held.size());
            for (Connection c : held) {
                c.close();
            }
            Thread.sleep(5000);
            double after = tps(pgbench(node, seconds, "-S", "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds)));
            System.out.printf(Locale.ROOT, "busy tenant alone again: %.0f tps; with the idle connections: %.2fx of the mean of both runs alone,"
                    + " %.2fx of this one (target >= 0.9x)%n", after, loaded / ((alone + after) / 2), loaded / after);
        } finally {
            BenchDirs.keepNodeLogAndDelete(dir, "connections-node.log");
        }
        System.exit(0);
    }

    private static long parseSeconds(String d) {
        return Long.parseLong(d.replaceAll("\\D", ""));
    }

    private static String pgbench(NodeProcess node, int seconds, String... args) throws Exception {
        return Pgbench.run(node.pgPort(), "busy.db", PASSWORD, seconds * 4L + 300, args);
    }

    private static double tps(String out) {
        return Pgbench.tps(out);
    }
}
