package borealis.actors.bench;

import borealis.actors.node.BorealisNode;
import borealis.actors.storage.StorageSegment;
import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.StorageProbe;
import borealis.persistence.files.Trees;
import borealis.persistence.journal.SegmentLogJournal;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The storage benchmark: one embedded node (six replicas on local disk), N pgjdbc clients doing
 * single-row autocommit UPDATEs on a table of R rows for S seconds. Prints commits/s, commit
 * latency percentiles, bytes shipped to replicas and bytes written to the journal per commit, and
 * (with the segment journal) the repair speed of a wiped replica. {@code --journal} swaps the
 * segment replicas' journal for a stock plugin to compare.
 *
 * <pre>
 * bin/bench-storage [--clients 8] [--seconds 60] [--warmup 5] [--rows 100000] [--journal segment|jdbc-postgres|jdbc-h2|inmem]
 *                    [--backup on|off]
 * </pre>
 */
public final class StorageBench {

    private static final String TENANT = "bench";
    private static final String CLUSTER = "writes";
    private static final String VOLUME = TENANT + "/" + CLUSTER;
    private static final long GROUP_SIZE = 1L << 30;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        int rows = Integer.parseInt(opts.getOrDefault("rows", "100000"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
        String journal = opts.getOrDefault("journal", "segment");
        boolean backup = !opts.getOrDefault("backup", "on").equals("off");
        Path data = Files.createTempDirectory("borealis-bench");

        try (BorealisNode node = BorealisNode.start(ConfigFactory.parseMap(Map.of("borealis.backup.enabled", backup,
                "borealis.backup.dir", data.resolve("backup").toString(), "borealis.encryption.master-key-file",
                data.resolve("master.key").toString())).withFallback(config(data, journal)))) {
            AdminClient admin = new AdminClient("http://127.0.0.1:" + node.adminPort(), "bench-token");
            admin.createTenant(TENANT);
            admin.createCluster(TENANT, CLUSTER, "app", "bench-pass");
            String url = "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/" + TENANT + "." + CLUSTER + "?sslmode=disable";
            load(url, rows);
            StorageProbe probe = StorageProbe.forCluster(node, VOLUME, new VolumeLayout(GROUP_SIZE));
            run(url, clients, warmup, rows, null, null);
            ReplicatedVolume.Stats v0 = probe.volume().stats();
            SegmentLogJournal.Stats j0 = journalStats(node);
            long cpu0 = processCpuNanos();
            Map<String, Long> threads0 = cpuByThreadGroup();
            long gc0 = gcMillis();
            Map<String, Double> hist0 = latencyBuckets();
            AtomicReference<Throwable> firstError = new AtomicReference<>();
            Result r = run(url, clients, seconds, rows, null, firstError);
            long cpu = processCpuNanos() - cpu0;
            Map<String, Long> threads1 = cpuByThreadGroup();
            long gc = gcMillis() - gc0;
            Map<String, Double> hist1 = latencyBuckets();
            ReplicatedVolume.Stats v1 = probe.volume().stats();
            SegmentLogJournal.Stats j1 = journalStats(node);

            System.out.printf(Locale.ROOT, "journal=%s backup=%s clients=%d seconds=%d rows=%d%n", journal, backup ? "on" : "off", clients,
                    seconds, rows);
            System.out.printf(Locale.ROOT, "commits: %d (%.0f/s), errors: %d%s%n", r.commits(), r.commits() / (double) seconds, r.errors(),
                    firstError.get() == null ? "" : " (first: " + firstError.get() + ")");
            System.out.printf(Locale.ROOT, "commit latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                    r.percentile(50), r.percentile(90), r.percentile(99), r.percentile(100));
            // CPU per commit (the whole JVM: clients, engine, replicas, journal) is steadier than
            // commits/s when other processes share the cores.
            System.out.printf(Locale.ROOT, "process CPU: %.0f us/commit (%.2f cores busy), load average %.1f%n",
                    cpu / 1e3 / Math.max(1, r.commits()), cpu / 1e9 / seconds,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            StringBuilder byGroup = new StringBuilder();
            threads1.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > cpu / 100)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> byGroup.append(String.format(Locale.ROOT, " %s %.0f", e.getKey(), e.getValue() / 1e3 / Math.max(1, r.commits()))));
            System.out.printf(Locale.ROOT, "thread CPU us/commit: bench-clients %.0f%s%n", r.clientCpuNanos() / 1e3 / Math.max(1, r.commits()), byGroup);
            printLatencySplit(hist0, hist1);
            System.out.printf(Locale.ROOT, "GC: %d ms in %d s (%.0f us/commit)%n", gc, seconds, gc * 1e3 / Math.max(1, r.commits()));
            System.out.printf(Locale.ROOT, "shipped to replicas: %.0f bytes/commit, all 6 replicas together (%.2f records/commit, %.2f appends/commit)%n",
                    (v1.bytesShipped() - v0.bytesShipped()) / (double) r.commits(),
                    (v1.recordsShipped() - v0.recordsShipped()) / (double) r.commits(),
                    (v1.appendsSent() - v0.appendsSent()) / (double) r.commits());
            if (j0 != null && j1 != null) {
                long syncs = j1.syncs() - j0.syncs();
                System.out.printf(Locale.ROOT, "journal written: %.0f bytes/commit, %.2f fsyncs/commit (%.2f ms each), %d bytes on disk%n",
                        (j1.bytesWritten() - j0.bytesWritten()) / (double) r.commits(), syncs / (double) r.commits(),
                        (j1.syncNanos() - j0.syncNanos()) / 1e6 / Math.max(1, syncs), j1.sizeOnDisk());
            }
            if (journal.equals("segment")) {
                repair(probe);
            }
        }
        // A run leaves hundreds of MB behind (journal, block files); the PostgreSQL of
        // jdbc-postgres lives there too and is stopped by a shutdown hook, so that one stays.
        if (!journal.equals("jdbc-postgres")) {
            Trees.delete(data);
        }
    }

    /**
     * CPU time of the threads of this process, summed by name with digits dropped: Java threads by
     * their full names, and the JVM's own (JIT compilers, GC) from /proc (Linux only).
     */
    private static Map<String, Long> cpuByThreadGroup() {
        Map<String, Long> out = new java.util.TreeMap<>();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            long ns = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(t.getThreadName().replaceAll("[0-9]+", "N").replace("borealis-", ""), ns, Long::sum);
            }
        }
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.contains("Compiler") || name.startsWith("GC ") || name.startsWith("VM ")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime, in 1/100 s
                        out.merge("jvm " + name.replaceAll("[0-9]+", "N"), ticks * 10_000_000L, Long::sum);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: Java threads only
        }
        return out;
    }

    private static final List<String> SPLIT = List.of(
            "borealis_statement_duration_seconds", "borealis_volume_quorum_write_seconds");

    /** Cumulative bucket counts of the node's engine-time and quorum-wait histograms, by family and bound. */
    private static Map<String, Double> latencyBuckets() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        var samples = io.prometheus.client.CollectorRegistry.defaultRegistry.metricFamilySamples();
        while (samples.hasMoreElements()) {
            var family = samples.nextElement();
            if (SPLIT.contains(family.name)) {
                for (var s : family.samples) {
                    if (s.name.endsWith("_bucket")) {
                        out.merge(family.name + " " + s.labelValues.get(s.labelNames.indexOf("le")), s.value, Double::sum);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Where a commit's time goes, from the node's own histograms over the measured run: the
     * statement in the engine (H2, including writing its chunk) and the wait for the write quorum.
     * Percentiles are bucket upper bounds.
     */
    private static void printLatencySplit(Map<String, Double> before, Map<String, Double> after) {
        for (String family : SPLIT) {
            List<Map.Entry<Double, Double>> buckets = new ArrayList<>();
            after.forEach((k, v) -> {
                if (k.startsWith(family + " ")) {
                    String le = k.substring(family.length() + 1);
                    buckets.add(Map.entry(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                            v - before.getOrDefault(k, 0.0)));
                }
            });
            buckets.sort(Map.Entry.comparingByKey());
            double total = buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).getValue();
            StringBuilder line = new StringBuilder();
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                for (var b : buckets) {
                    if (b.getValue() >= q * total) {
                        line.append(String.format(Locale.ROOT, "  p%.0f <= %s ms", q * 100, b.getKey() * 1e3));
                        break;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s (%.0f observed):%s%n", family, total, line);
        }
    }

    private static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Wipes replica 5 of group 0 and times its hydration from its peers. */
    private static void repair(StorageProbe probe) throws Exception {
        StorageSegment.PeerRecords peer = probe.status(0, 0);
        probe.wipe(0, 5);
        long started = System.nanoTime();
        StorageSegment.PeerRecords s = probe.status(0, 5, Duration.ofMillis(200)); // starts it again
        while (s.scl() < peer.appliedLsn()) {
            Thread.sleep(10);
            s = probe.status(0, 5, Duration.ofMillis(200));
        }
        double secs = (System.nanoTime() - started) / 1e9;
        long bytes = Files.size(probe.blockFile(0, 5));
        System.out.printf(Locale.ROOT, "repair: wiped replica hydrated %d bytes (%d allocated blocks) in %.2f s: %.1f MB/s%n",
                s.length(), bytes / 4096, secs, s.length() / secs / 1e6);
    }

    private static SegmentLogJournal.Stats journalStats(BorealisNode node) {
        return SegmentLogJournal.stats(node.dataDir().resolve("journal/segments")).orElse(null);
    }

    /** Latencies of one run, in nanoseconds. */
    record Result(long commits, long errors, long[] latencies, long clientCpuNanos) {
        double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latencies.length - 1, Math.ceil(p / 100.0 * latencies.length) - 1);
            return latencies[Math.max(0, i)] / 1e6;
        }
    }

    private static Result run(String url, int clients, int seconds, int rows, AtomicBoolean stopFlag,
                              AtomicReference<Throwable> firstError) throws Exception {
        AtomicBoolean stop = stopFlag != null ? stopFlag : new AtomicBoolean();
        List<long[]> perClient = new ArrayList<>();
        long[] counts = new long[clients];
        long[] errors = new long[clients];
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong clientCpu = new java.util.concurrent.atomic.AtomicLong();
        for (int c = 0; c < clients; c++) {
            int me = c;
            long[][] lat = {new long[1 << 16]};
            perClient.add(null);
            Thread t = new Thread(() -> {
                long cpuAtStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                try (Connection conn = DriverManager.getConnection(url, "app", "bench-pass");
                     PreparedStatement up = conn.prepareStatement("update t set v = v + 1 where id = ?")) {
                    while (!stop.get()) {
                        up.setInt(1, 1 + ThreadLocalRandom.current().nextInt(rows));
                        long t0 = System.nanoTime();
                        try {
                            up.executeUpdate();
                        } catch (java.sql.SQLException e) {
                            errors[me]++;
                            if (firstError != null) {
                                firstError.compareAndSet(null, e);
                            }
                            continue;
                        }
                        long d = System.nanoTime() - t0;
                        if (counts[me] == lat[0].length) {
                            lat[0] = Arrays.copyOf(lat[0], lat[0].length * 2);
                        }
                        lat[0][(int) counts[me]++] = d;
                    }
                } catch (Exception e) {
                    errors[me]++;
                    e.printStackTrace();
                }
                clientCpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuAtStart);
                synchronized (perClient) {
                    perClient.set(me, Arrays.copyOf(lat[0], (int) counts[me]));
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (long[] l : perClient) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
        }
        Arrays.sort(all);
        return new Result(total, Arrays.stream(errors).sum(), all, clientCpu.get());
    }

    private static void load(String url, int rows) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "app", "bench-pass"); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v int not null, pad varchar(64) not null)");
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("insert into t values (?, 0, ?)")) {
                for (int i = 1; i <= rows; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "row " + i + " padding padding padding");
                    ins.addBatch();
                    if (i % 1000 == 0 || i == rows) {
                        ins.executeBatch();
                        c.commit();
                    }
                }
            }
        }
    }

    static Config config(Path data, String journal) throws Exception {
        StringBuilder hocon = new StringBuilder();
        hocon.append("borealis.data-dir = \"").append(data).append("\"\n")
                .append("borealis.node.pg-port = 0\nborealis.node.admin-port = 0\nborealis.admin.token = bench-token\n")
                .append("borealis.volume.group-size = ").append(GROUP_SIZE).append('\n');
        switch (journal) {
            case "segment" -> { }
            case "inmem" -> hocon.append("borealis.journal.segments = ${pekko.persistence.journal.inmem}\n");
            case "jdbc-h2" -> {
                String h2 = "jdbc:h2:file:" + data.resolve("jdbc/journal") + ";DB_CLOSE_DELAY=-1";
                createJdbcSchema(h2, "sa", "", "schema/h2/h2-create-schema.sql");
                jdbcJournal(hocon, "slick.jdbc.H2Profile$", h2, "org.h2.Driver", "sa", "");
            }
            case "jdbc-postgres" -> {
                // A local PostgreSQL 15 with fsync and synchronous_commit on (the project's tool).
                int port = borealis.actors.testkit.NodeProcess.freePort();
                Path pg = data.resolve("pg");
                // The server runs as the postgres user when we are root: it must reach its directory.
                Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Process p = new ProcessBuilder(Path.of("..", "shared", "tools", "local-postgres").toString(), "start", pg.toString(),
                        String.valueOf(port), "bench", "bench-pw").inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("local-postgres did not start");
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        new ProcessBuilder(Path.of("..", "shared", "tools", "local-postgres").toString(), "stop", pg.toString())
                                .inheritIO().start().waitFor();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }));
                String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
                createJdbcSchema(url, "bench", "bench-pw", "schema/postgres/postgres-create-schema.sql");
                jdbcJournal(hocon, "slick.jdbc.PostgresProfile$", url, "org.postgresql.Driver", "bench", "bench-pw");
            }
            default -> throw new IllegalArgumentException("--journal must be segment, jdbc-postgres, jdbc-h2 or inmem, got " + journal);
        }
        return ConfigFactory.load(ConfigFactory.parseString(hocon.toString()));
    }

    /** The segment replicas' journal becomes pekko-persistence-jdbc over the given database. */
    private static void jdbcJournal(StringBuilder hocon, String profile, String url, String driver, String user, String password) {
        hocon.append("borealis.journal.segments = ${jdbc-journal}\n")
                .append("borealis.journal.segments.use-shared-db = bench\n")
                .append("pekko-persistence-jdbc.shared-databases.bench {\n")
                .append("  profile = \"").append(profile).append("\"\n")
                .append("  db { url = \"").append(url).append("\", driver = \"").append(driver).append("\", user = \"").append(user)
                .append("\", password = \"").append(password).append("\", numThreads = 8, maxConnections = 8, minConnections = 2 }\n}\n");
    }

    private static void createJdbcSchema(String url, String user, String password, String script) throws Exception {
        String ddl;
        try (InputStream in = StorageBench.class.getClassLoader().getResourceAsStream(script)) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String stmt : ddl.split(";")) {
                if (!stmt.isBlank()) {
                    s.execute(stmt);
                }
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: StorageBench [--clients N] [--seconds S] [--warmup S] [--rows R] [--journal segment|jdbc-postgres|jdbc-h2|inmem]");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
