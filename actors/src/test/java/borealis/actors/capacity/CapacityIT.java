package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity end to end on one node: pause after idleness and resume on connect (one resume for
 * many concurrent connects), a load that raises the allocation and the CPU budget, and metering
 * that matches the allocation history and survives a restart.
 */
class CapacityIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    static Path tmp;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.capacity.node-acus", 8));
        node.admin().createTenant("acme");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static void createCluster(String name, double min, double max, int pause) throws Exception {
        node.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", name, "masterUsername", "app", "masterPassword", PASSWORD,
                "minAcu", min, "maxAcu", max, "secondsUntilAutoPause", pause)).ok();
    }

    private static Connection connect(String cluster) throws Exception {
        return DriverManager.getConnection(node.jdbcUrl("acme", cluster), "app", PASSWORD);
    }

    private static String state(String cluster) throws Exception {
        return node.node().capacity().status("acme", cluster).toCompletableFuture().get()
                .map(CapacityLedger.ComputeStatus::state).orElse("paused");
    }

    private static List<CapacityLedger.ScalingEvent> events(String cluster) throws Exception {
        return node.node().capacity().scalingEvents("acme", cluster, 1000).toCompletableFuture().get();
    }

    private static long count(List<CapacityLedger.ScalingEvent> events, String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static BooleanSupplier stateIs(String cluster, String expected) {
        return () -> {
            try {
                return state(cluster).equals(expected);
            } catch (Exception e) {
                return false;
            }
        };
    }

    private static ScalingSupervisor.InstanceView instance(String clusterId) throws Exception {
        return SupervisorQueries.instances(node).instances().stream().filter(i -> i.clusterId().equals(clusterId)).findFirst().orElse(null);
    }

    @Test
    void pausedClusterResumesOnConnectAndConcurrentConnectsShareOneResume() throws Exception {
        createCluster("sleepy", 0, 2, 2);
        try (Connection c = connect("sleepy"); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar(20))");
            s.execute("insert into t values (1, 'before pause')");
        }
        await("the idle cluster to pause", Duration.ofSeconds(30), stateIs("sleepy", "paused"));
        assertEquals(null, instance("acme/sleepy"), "a paused instance holds no capacity");
        // The last seconds' samples may still be on their way to the ledger (a lost one is re-sent):
        // take the total once two reads 1.5 s apart agree; a cluster that kept accruing never would.
        double pausedTotal = Double.NaN;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            double first = node.node().capacity().usage("acme", "sleepy", null, null).toCompletableFuture().get().totalAcuSeconds();
            Thread.sleep(1500);
            double second = node.node().capacity().usage("acme", "sleepy", null, null).toCompletableFuture().get().totalAcuSeconds();
            if (first == second) {
                pausedTotal = second;
                break;
            }
        }
        assertFalse(Double.isNaN(pausedTotal), "a paused cluster's ACU-seconds stop growing");
        Thread.sleep(2500);
        assertEquals(pausedTotal, node.node().capacity().usage("acme", "sleepy", null, null).toCompletableFuture().get().totalAcuSeconds(),
                "a paused cluster accrues nothing");

        // One client: resumes, and its first query sees the data.
        try (Connection c = connect("sleepy"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select v from t where id = 1")) {
            assertTrue(rs.next());
            assertEquals("before pause", rs.getString(1));
            assertEquals("running", state("sleepy"));
        }
        await("the cluster to pause again", Duration.ofSeconds(30), stateIs("sleepy", "paused"));
        long resumesBefore = count(events("sleepy"), "resume");

        // Eight clients at once against the paused cluster: all get in, with one resume.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                results.add(pool.submit((Callable<Integer>) () -> {
                    try (Connection c = connect("sleepy"); Statement s = c.createStatement()) {
                        s.execute("insert into t values (" + (100 + n) + ", 'concurrent')");
                        try (ResultSet rs = s.executeQuery("select count(*) from t where id >= 100")) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertTrue(f.get() >= 1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(resumesBefore + 1, count(events("sleepy"), "resume"), "concurrent connects start one resume");
        List<CapacityLedger.ScalingEvent> ev = events("sleepy");
        assertTrue(count(ev, "pause") >= 2, ev.toString());
        assertTrue(ev.stream().anyMatch(e -> e.kind().equals("pause") && e.reason().equals("idle")), ev.toString());
    }

    @Test
    void loadRaisesTheAllocationAndTheCpuBudgetAndMeteringMatchesTheHistory() throws Exception {
        createCluster("busy", 0, 4, 3);
        try (Connection c = connect("busy"); Statement s = c.createStatement()) {
            s.execute("create table n(x int primary key)");
            s.execute("insert into n select * from system_range(1, 2000)");
        }
        ScalingSupervisor.InstanceView start = instance("acme/busy");
        assertEquals(0.5, start.acu());
        assertEquals(0.125, start.cpuPerSecond(), 1e-9);

        // Four sessions of CPU-bound queries, until the allocation has grown.
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(pool.submit(() -> {
                int queries = 0;
                try (Connection c = connect("busy"); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = s.executeQuery("select count(*) from n a, n b where a.x + b.x = 1999")) {
                            rs.next();
                            queries++;
                        }
                    }
                }
                return queries;
            }));
        }
        try {
            await("the allocation to grow", Duration.ofSeconds(60), () -> {
                try {
                    ScalingSupervisor.InstanceView v = instance("acme/busy");
                    return v != null && v.acu() >= 2;
                } catch (Exception e) {
                    return false;
                }
            });
            ScalingSupervisor.InstanceView grown = instance("acme/busy");
            assertEquals(grown.acu() * 0.25, grown.cpuPerSecond(), 1e-9, "the CPU budget follows the allocation");
            assertEquals((long) (grown.acu() * (64L << 20)), grown.cacheBytes(), "so does the cache (the volume's blocks and the engine's pages)");
            // Prometheus sees it too (the supervisor publishes every tick; ACU-seconds from the first whole second).
            List<String> names = List.of("borealis_instance_acu{tenant=\"acme\",cluster=\"busy\"", "borealis_node_capacity_acu",
                    "borealis_instance_cpu_budget_ratio{tenant=\"acme\",cluster=\"busy\"", "borealis_acu_seconds_total{tenant=\"acme\",cluster=\"busy\"",
                    "borealis_scaling_events_total{tenant=\"acme\",cluster=\"busy\",kind=\"scale-up\"", "borealis_resume_seconds_bucket");
            String[] metrics = {""};
            try {
                await("every capacity metric in /metrics", Duration.ofSeconds(10), () -> {
                    try {
                        metrics[0] = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + node.node().adminPort() + "/metrics")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    } catch (java.io.IOException | InterruptedException e) {
                        return false;
                    }
                    return names.stream().allMatch(metrics[0]::contains);
                });
            } catch (AssertionError e) {
                for (String name : names) {
                    assertTrue(metrics[0].contains(name), name + " in /metrics");
                }
                throw e;
            }
        } finally {
            stop.set(true);
            for (Future<Integer> w : workers) {
                assertTrue(w.get() > 0, "no client error during scaling");
            }
            pool.shutdownNow();
        }
        List<CapacityLedger.ScalingEvent> ev = events("busy");
        assertTrue(ev.stream().anyMatch(e -> e.kind().equals("scale-up") && e.reason().startsWith("cpu")), ev.toString());

        // Idle again: pauses; the ACU-seconds metered equal the allocation held over time.
        await("the cluster to pause", Duration.ofSeconds(60), stateIs("busy", "paused"));
        ev = events("busy");
        double expected = 0;
        double tolerance = 0;
        CapacityLedger.ScalingEvent previous = null;
        for (CapacityLedger.ScalingEvent e : ev) {
            if (previous != null && !previous.kind().equals("pause")) {
                expected += previous.toAcu() * Duration.between(previous.at(), e.at()).toMillis() / 1000.0;
            }
            // Each change lands within a second of its tick; the first and last second count whole.
            tolerance += Math.max(e.fromAcu(), e.toAcu()) * 1.5;
            previous = e;
        }
        double metered = node.node().capacity().usage("acme", "busy", null, null).toCompletableFuture().get().totalAcuSeconds();
        assertEquals(expected, metered, tolerance + 1, "metered " + metered + " against the history " + ev);

        // Durable: a restart on the same data directory reads the same total.
        Path data = node.node().dataDir();
        node.close();
        node = InProcessNode.start(data, Map.of("borealis.capacity.node-acus", 8));
        assertEquals(metered, node.node().capacity().usage("acme", "busy", null, null).toCompletableFuture().get().totalAcuSeconds(), 1e-9);
    }
}
