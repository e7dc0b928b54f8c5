package borealis.actors.bench;

import borealis.actors.node.BorealisNode;
import borealis.actors.storage.StorageSegment;
import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.StorageProbe;
import borealis.engine.volume.ReplicatedVolume;
import borealis.persistence.journal.SegmentLogJournal;
import borealis.persistence.volume.VolumeLayout;
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
 * bin/bench-storage [--clients 8] [--seconds 60] [--rows 100000] [--journal segment|jdbc-postgres|jdbc-h2|inmem]
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
        String journal = opts.getOrDefault("journal", "segment");
        Path data = Files.createTempDirectory("borealis-bench");

        try (BorealisNode node = BorealisNode.start(config(data, journal))) {
            AdminClient admin = new AdminClient("http://127.0.0.1:" + node.adminPort(), "bench-token");
            admin.createTenant(TENANT);
            admin.createCluster(TENANT, CLUSTER, "app", "bench-pass");
            String url = "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/" + TENANT + "." + CLUSTER + "?sslmode=disable";
            load(url, rows);
            StorageProbe probe = StorageProbe.forCluster(node, VOLUME, new VolumeLayout(GROUP_SIZE));
            run(url, clients, 5, rows, null, null); // warm-up
            ReplicatedVolume.Stats v0 = probe.volume().stats();
            SegmentLogJournal.Stats j0 = journalStats(node);
            Result r = run(url, clients, seconds, rows, null, null);
            ReplicatedVolume.Stats v1 = probe.volume().stats();
            SegmentLogJournal.Stats j1 = journalStats(node);

            System.out.printf(Locale.ROOT, "journal=%s clients=%d seconds=%d rows=%d%n", journal, clients, seconds, rows);
            System.out.printf(Locale.ROOT, "commits: %d (%.0f/s), errors: %d%n", r.commits(), r.commits() / (double) seconds, r.errors());
            System.out.printf(Locale.ROOT, "commit latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                    r.percentile(50), r.percentile(90), r.percentile(99), r.percentile(100));
            System.out.printf(Locale.ROOT, "shipped to replicas: %.0f bytes/commit, all 6 replicas together (%d records/commit)%n",
                    (v1.bytesShipped() - v0.bytesShipped()) / (double) r.commits(),
                    Math.round((v1.recordsShipped() - v0.recordsShipped()) / (double) r.commits()));
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
    record Result(long commits, long errors, long[] latencies) {
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
        for (int c = 0; c < clients; c++) {
            int me = c;
            long[][] lat = {new long[1 << 16]};
            perClient.add(null);
            Thread t = new Thread(() -> {
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
        return new Result(total, Arrays.stream(errors).sum(), all);
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
                throw new IllegalArgumentException("usage: StorageBench [--clients N] [--seconds S] [--rows R] [--journal segment|jdbc-postgres|jdbc-h2|inmem]");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
