package borealis.actors.bench;

import borealis.actors.capacity.CapacityLedger;
import borealis.actors.capacity.ScalingSupervisor;
import borealis.actors.testkit.InProcessNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The live capacity benchmark on the embedded default (one node, every role):
 *
 * <ol>
 *   <li><b>resume</b>: connect-to-first-row latency against a paused cluster whose database holds
 *       about 100 MB, over 50 resumes (p50, p99); the same against the running cluster for scale.</li>
 *   <li><b>step</b>: pgbench from 1 to 16 clients on a cluster at 0.5 ACU: the time until the
 *       allocation stops rising and the per-second p99 latency settles, and client errors.</li>
 * </ol>
 *
 * Run: {@code mvn -B -q -pl actors -am -Pbench-capacity verify} (figures on stdout), or with
 * arguments {@code resume} or {@code step} to run one part.
 */
public final class CapacityBench {

    private static final String PASSWORD = "bench-pass-1";
    private static final int RESUMES = 50;
    private static final int WARMUP_RESUMES = 5;
    private static final int ROWS = 100_000;
    /** p99 counts as settled within 1.5 times, or this many milliseconds of, its steady value. */
    private static final double SETTLE_SLACK_MS = 10;
    /** ...for this many consecutive 3-second windows. */
    private static final int SETTLED_WINDOWS = 5;

    private CapacityBench() {}

    public static void main(String[] args) throws Exception {
        boolean all = args.length == 0;
        List<String> parts = List.of(args);
        Path dir = Files.createTempDirectory("borealis-bench");
        try (InProcessNode node = InProcessNode.start(dir.resolve("data"), Map.of("borealis.capacity.node-acus", 16,
                "pekko.actor.serialize-messages", "off", "pekko.loglevel", "WARNING"))) {
            node.admin().createTenant("bench");
            if (all || parts.contains("resume")) {
                resume(node);
            }
            if (all || parts.contains("step")) {
                step(node, dir);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    // ---- (a) resume ----

    static void resume(InProcessNode node) throws Exception {
        node.admin().call("POST", "/v1/clusters", Map.of("tenant", "bench", "name", "sleepy", "masterUsername", "app",
                "masterPassword", PASSWORD, "minAcu", 0, "maxAcu", 4, "secondsUntilAutoPause", 1)).ok();
        String url = node.jdbcUrl("bench", "sleepy");
        long loadStart = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "app", PASSWORD); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar(1100))");
            s.execute("create table seq(x int primary key)");
            s.execute("insert into seq select * from system_range(1, 10000)");
            // About 1 KB of incompressible text per row.
            for (int from = 0; from < ROWS; from += 10_000) {
                s.execute("insert into t select x + " + from + ", repeat(cast(random_uuid() as varchar), 28) from seq");
            }
            try (ResultSet rs = s.executeQuery("select count(*), sum(length(v)) from t")) {
                rs.next();
                System.out.printf(Locale.ROOT, "resume: loaded %d rows, %.1f MB of values in %.1f s%n", rs.getLong(1), rs.getLong(2) / 1e6,
                        (System.nanoTime() - loadStart) / 1e9);
            }
        }
        quiesce();
        Random random = new Random(7);
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            warm.add(connectToFirstRow(url, 1 + random.nextInt(ROWS)));
        }
        // A few resumes to warm the resume path (JIT), not counted.
        for (int i = 0; i < WARMUP_RESUMES; i++) {
            awaitState(node, "sleepy", "paused", Duration.ofSeconds(60));
            connectToFirstRow(url, 1 + random.nextInt(ROWS));
        }
        List<Double> cold = new ArrayList<>();
        CONNECT_MS.clear();
        for (int i = 0; i < RESUMES; i++) {
            awaitState(node, "sleepy", "paused", Duration.ofSeconds(60));
            cold.add(connectToFirstRow(url, 1 + random.nextInt(ROWS)));
        }
        System.out.printf(Locale.ROOT, "resume: connect-to-first-row, running cluster: p50 %.1f ms, p99 %.1f ms (n=%d)%n",
                percentile(warm, 50), percentile(warm, 99), warm.size());
        System.out.printf(Locale.ROOT, "resume: connect-to-first-row, paused cluster (~100 MB): p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)%n",
                percentile(cold, 50), percentile(cold, 99), Collections.max(cold), cold.size());
        List<CapacityLedger.ScalingEvent> events = node.node().capacity().scalingEvents("bench", "sleepy", 1000).toCompletableFuture().get();
        System.out.printf(Locale.ROOT, "resume: of which connect (startup, SCRAM, resume, session): p50 %.1f ms, p99 %.1f ms%n",
                percentile(CONNECT_MS, 50), percentile(CONNECT_MS, 99));
        List<Double> sorted = new ArrayList<>(cold);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "resume: slowest five: %s ms%n", sorted.subList(sorted.size() - 5, sorted.size()).stream()
                .map(d -> String.format(Locale.ROOT, "%.1f", d)).toList());
        // The resume events in order: the first opened the cluster, then the warm-up ones, then one per measured connect.
        List<CapacityLedger.ScalingEvent> resumes = events.stream().filter(e -> e.kind().equals("resume")).toList();
        int offset = resumes.size() - RESUMES;
        for (Double slow : sorted.subList(sorted.size() - 3, sorted.size())) {
            int i = cold.indexOf(slow);
            System.out.printf(Locale.ROOT, "resume: slow one (%.1f ms, connect %.1f ms): %s%n", slow, CONNECT_MS.get(i),
                    offset + i >= 0 ? resumes.get(offset + i).detail() : "?");
        }
        System.out.printf(Locale.ROOT, "resume: %d resume events, %d pause events recorded%n",
                events.stream().filter(e -> e.kind().equals("resume")).count(), events.stream().filter(e -> e.kind().equals("pause")).count());
    }

    /** Connect (startup, SCRAM, session; a resume when paused) of the last {@link #connectToFirstRow}, in ms. */
    private static final List<Double> CONNECT_MS = new ArrayList<>();

    /**
     * Waits (at most two minutes) until this process has used under 10% of a core for 3 s: after
     * the load the storage replicas are still applying and snapshotting 6 x 100 MB of log, and a
     * resume measured meanwhile measures that.
     */
    private static void quiesce() throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        int quiet = 0;
        long lastCpu = os.getProcessCpuTime();
        while (quiet < 3 && System.nanoTime() - start < 120_000_000_000L) {
            Thread.sleep(1000);
            long cpu = os.getProcessCpuTime();
            quiet = cpu - lastCpu < 100_000_000L ? quiet + 1 : 0;
            lastCpu = cpu;
        }
        System.out.printf(Locale.ROOT, "resume: waited %.0f s for the node to go quiet after the load%n", (System.nanoTime() - start) / 1e9);
    }

    private static double connectToFirstRow(String url, int id) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "app", PASSWORD);
             PreparedStatement ps = c.prepareStatement("select v from t where id = ?")) {
            CONNECT_MS.add((System.nanoTime() - t0) / 1e6);
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("row " + id + " missing");
                }
                return (System.nanoTime() - t0) / 1e6;
            }
        }
    }

    private static void awaitState(InProcessNode node, String cluster, String state, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            var s = node.node().capacity().status("bench", cluster).toCompletableFuture().get();
            if (s.isPresent() && s.get().state().equals(state)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(cluster + " did not become " + state + " within " + limit);
    }

    // ---- (b) pgbench step ----

    /** pgbench's select-only transaction: CPU-bound on the compute. */
    static final String SELECT_ONLY = """
            \\set aid random(1, 100000)
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            """;

    /** pgbench's simple-update transaction (-N), with COMMIT: bound by commit latency (quorum writes). */
    static final String SIMPLE_UPDATE = """
            \\set aid random(1, 100000)
            \\set tid random(1, 10)
            \\set delta random(-5000, 5000)
            BEGIN;
            UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, 1, :aid, :delta, CURRENT_TIMESTAMP);
            COMMIT;
            """;

    static void step(InProcessNode node, Path dir) throws Exception {
        // Warm the JVM first (on another cluster), so that interpreted code does not pass for load.
        String warm = createPgbenchCluster(node, "warm", 0);
        pgbench(node, "warm", writeScript(dir, "warm-select.sql", SELECT_ONLY), dir.resolve("warm1"), 8, 10, 0);
        pgbench(node, "warm", writeScript(dir, "warm-update.sql", SIMPLE_UPDATE), dir.resolve("warm2"), 8, 10, 0);
        System.out.println("step: warmed up on " + warm);
        for (String[] variant : List.of(new String[] {"select-only", SELECT_ONLY}, new String[] {"simple-update", SIMPLE_UPDATE})) {
            String cluster = createPgbenchCluster(node, variant[0], 0.5);
            Path script = writeScript(dir, variant[0] + ".sql", variant[1]);
            ActorRef<ScalingSupervisor.Command> supervisor = supervisor(node);
            TreeMap<Long, Double> allocation = new TreeMap<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    ScalingSupervisor.Instances all = AskPattern.<ScalingSupervisor.Command, ScalingSupervisor.Instances>ask(supervisor,
                            ScalingSupervisor.GetInstances::new, Duration.ofSeconds(2), node.node().system().scheduler()).toCompletableFuture().get();
                    all.instances().stream().filter(i -> i.clusterId().equals("bench/" + cluster)).findFirst().ifPresent(i -> {
                        synchronized (allocation) {
                            allocation.put(System.currentTimeMillis(), i.acu());
                        }
                    });
                } catch (Exception e) {
                    // a missed sample
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                // Loading the tables scaled the cluster up: start from its minimum.
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                int atMinimum = 0;
                while (atMinimum < 15 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    Double last;
                    synchronized (allocation) {
                        last = allocation.isEmpty() ? null : allocation.lastEntry().getValue();
                    }
                    atMinimum = last != null && last == 0.5 ? atMinimum + 1 : 0;
                }
                // One client at a light rate (the cluster stays at its 0.5 ACU), then sixteen flat out.
                PgbenchRun one = pgbench(node, cluster, script, dir.resolve(cluster + "-1"), 1, 10, 50);
                PgbenchRun sixteen = pgbench(node, cluster, script, dir.resolve(cluster + "-16"), 16, 20, 0);
                Thread.sleep(300);
                sampler.shutdownNow();
                report(variant[0], one, sixteen, allocation);
            } finally {
                sampler.shutdownNow();
            }
        }
    }

    private static Path writeScript(Path dir, String name, String text) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, text);
        return script;
    }

    /** A cluster with pgbench's tables at scale 1 (100,000 accounts). */
    private static String createPgbenchCluster(InProcessNode node, String name, double minAcu) throws Exception {
        node.admin().call("POST", "/v1/clusters", Map.of("tenant", "bench", "name", name, "masterUsername", "app",
                "masterPassword", PASSWORD, "minAcu", minAcu, "maxAcu", 16, "secondsUntilAutoPause", 300)).ok();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("bench", name), "app", PASSWORD); Statement s = c.createStatement()) {
            s.execute("create table pgbench_branches(bid int primary key, bbalance int, filler char(88))");
            s.execute("create table pgbench_tellers(tid int primary key, bid int, tbalance int, filler char(84))");
            s.execute("create table pgbench_accounts(aid int primary key, bid int, abalance int, filler char(84))");
            s.execute("create table pgbench_history(tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))");
            s.execute("create table seq(x int primary key)");
            s.execute("insert into seq select * from system_range(1, 100000)");
            s.execute("insert into pgbench_branches values (1, 0, '')");
            s.execute("insert into pgbench_tellers select x, 1, 0, '' from seq where x <= 10");
            s.execute("insert into pgbench_accounts select x, 1, 0, '' from seq");
        }
        return name;
    }

    private static ActorRef<ScalingSupervisor.Command> supervisor(InProcessNode node) throws Exception {
        var system = node.node().system();
        Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                replyTo -> Receptionist.find(ScalingSupervisor.SERVICE_KEY, replyTo), Duration.ofSeconds(5), system.scheduler())
                .toCompletableFuture().get();
        return listing.getServiceInstances(ScalingSupervisor.SERVICE_KEY).iterator().next();
    }

    /** One transaction from pgbench's log: when it ended (ms since the epoch) and how long it took (ms). */
    record Tx(double endMillis, double latencyMillis) {}

    record PgbenchRun(int clients, int exitCode, List<Tx> transactions, String summary) {}

    /** Runs pgbench ({@code rate} transactions per second, 0 for as fast as it goes) with a per-transaction log. */
    private static PgbenchRun pgbench(InProcessNode node, String cluster, Path script, Path logDir, int clients, int seconds, int rate)
            throws Exception {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>(List.of("pgbench", "-n", "-h", "127.0.0.1", "-p", String.valueOf(node.pgPort()), "-U", "app",
                "-c", String.valueOf(clients), "-j", String.valueOf(Math.min(clients, 2)), "-T", String.valueOf(seconds), "-l",
                "--log-prefix=" + logDir.resolve("tx"), "-f", script.toString()));
        if (rate > 0) {
            cmd.add("-R");
            cmd.add(String.valueOf(rate));
        }
        cmd.add("bench." + cluster);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PASSWORD);
        pb.environment().put("PGSSLMODE", "disable");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        List<Tx> txs = new ArrayList<>();
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path log : logs.toList()) {
                for (String line : Files.readAllLines(log)) {
                    // client_id transaction_no time script_no time_epoch time_us
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 6) {
                        txs.add(new Tx(Long.parseLong(f[4]) * 1000.0 + Long.parseLong(f[5]) / 1000.0, Long.parseLong(f[2]) / 1000.0));
                    }
                }
            }
        }
        txs.sort((a, b) -> Double.compare(a.endMillis(), b.endMillis()));
        return new PgbenchRun(clients, code, txs, out);
    }

    private static void report(String name, PgbenchRun one, PgbenchRun sixteen, TreeMap<Long, Double> allocation) {
        for (PgbenchRun r : List.of(one, sixteen)) {
            String failed = r.summary().lines().filter(l -> l.contains("failed") || l.contains("aborted") || l.contains("tps =")
                    || l.contains("latency average")).reduce((a, b) -> a + "; " + b).orElse("");
            System.out.printf(Locale.ROOT, "step %s: pgbench %d client(s): exit %d, %d transactions; %s%n", name, r.clients(), r.exitCode(),
                    r.transactions().size(), failed.trim());
        }
        List<Tx> txs = sixteen.transactions();
        double step = txs.stream().mapToDouble(t -> t.endMillis() - t.latencyMillis()).min().orElse(0);
        double end = txs.get(txs.size() - 1).endMillis();
        // Per-second p99 after the step, for the record; settling is judged on pooled 3-second
        // windows (a second holds too few commits for a stable p99) against the second half's p99.
        List<Double> p99 = new ArrayList<>();
        for (double w = step; w + 1000 <= end; w += 1000) {
            p99.add(percentile(latencies(txs, w, w + 1000), 99));
        }
        double steady = percentile(latencies(txs, step + (end - step) / 2, end + 1), 99);
        // Settled: from the first second whose next five 3-second windows all have their p99
        // within 1.5 times (or 10 ms) of the second half's (a later lone spike is not the step's).
        List<Boolean> within = new ArrayList<>();
        for (int i = 0; step + (i + 3) * 1000.0 <= end; i++) {
            double windowP99 = percentile(latencies(txs, step + i * 1000.0, step + (i + 3) * 1000.0), 99);
            within.add(windowP99 <= Math.max(steady * 1.5, steady + SETTLE_SLACK_MS));
        }
        int settledAt = within.size();
        for (int i = 0; i + SETTLED_WINDOWS <= within.size(); i++) {
            if (!within.subList(i, i + SETTLED_WINDOWS).contains(false)) {
                settledAt = i;
                break;
            }
        }
        double lastRise = step;
        double before = Double.NaN;
        double peak = 0;
        synchronized (allocation) {
            Double prev = null;
            for (Map.Entry<Long, Double> e : allocation.entrySet()) {
                if (e.getKey() < step) {
                    before = e.getValue();
                } else if (prev != null && e.getValue() > prev) {
                    lastRise = e.getKey();
                }
                prev = e.getValue();
                peak = Math.max(peak, e.getValue());
            }
        }
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < Math.min(p99.size(), 12); i++) {
            series.append(String.format(Locale.ROOT, "%.0f ", p99.get(i)));
        }
        System.out.printf(Locale.ROOT, "step %s: allocation %.1f ACU before the step, peak %.1f; last rise %.2f s after the step%n", name,
                before, peak, (lastRise - step) / 1000);
        System.out.printf(Locale.ROOT, "step %s: per-second p99 after the step (ms): %s... p99 of the second half %.1f ms; 3-second p99 within 1.5x (or 10 ms) of it for 5 s from %d s after the step%n",
                name, series, steady, settledAt);
        System.out.printf(Locale.ROOT, "step %s: time to settle = %.2f s (allocation stops rising, p99 settles)%n", name,
                Math.max((lastRise - step) / 1000, settledAt));
    }

    private static List<Double> latencies(List<Tx> txs, double from, double to) {
        List<Double> out = new ArrayList<>();
        for (Tx t : txs) {
            if (t.endMillis() >= from && t.endMillis() < to) {
                out.add(t.latencyMillis());
            }
        }
        return out;
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }
}
