package borealis.actors.bench;

import borealis.actors.testkit.AdminClient;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 18's density benchmark, part 1, on the embedded default in its own JVM (the launcher's
 * {@code -Xmx2g -XX:+UseParallelGC}, so RSS and heap are the node's alone):
 *
 * <ol>
 *   <li>create {@code --clusters} tenants with one cluster each ({@code minAcu 0}, {@code maxAcu 2},
 *       auto-pause after {@code --auto-pause} s) through the admin API: the creation rate;</li>
 *   <li>warm-up ({@code --warm-up true}): every cluster starts once (creating its database), 8 at a
 *       time, and pauses: the rotation then measures resumes, not first starts;</li>
 *   <li>rotation: every second, {@code --per-second} clusters chosen at random each run one short
 *       transaction (an upsert on a one-row table) through a fresh pgjdbc connection, for
 *       {@code --seconds}: transactions, errors by SQLSTATE, connect-to-first-row p50/p99 for
 *       clusters the bench had not touched within the auto-pause time ("cold": paused unless
 *       admission kept them) and for the others ("warm"), instances live at a time (sampled from
 *       the node's metrics), node RSS and live heap;</li>
 *   <li>settle: after {@code --settle} s without load, the live heap again, per touched cluster.</li>
 * </ol>
 *
 * Run: {@code bin/bench-density [--clusters 10000] [--seconds 300] [--per-second 200] [--warm-up true]}.
 */
public final class DensityBench {

    private static final String PASSWORD = "density-pass-1";

    private DensityBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        int clusters = Integer.parseInt(opt.getOrDefault("clusters", "10000"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "300"));
        int perSecond = Integer.parseInt(opt.getOrDefault("per-second", "200"));
        int autoPause = Integer.parseInt(opt.getOrDefault("auto-pause", "5"));
        int settle = Integer.parseInt(opt.getOrDefault("settle", "150"));
        int clients = Integer.parseInt(opt.getOrDefault("client-threads", "400"));
        boolean warmUp = Boolean.parseBoolean(opt.getOrDefault("warm-up", "true"));
        Path dir = Files.createTempDirectory("borealis-density");
        try (NodeProcess node = new NodeProcess(dir.resolve("data"), List.of("-Xmx2g", "-XX:+UseParallelGC",
                "-Dpekko.actor.serialize-messages=off", "-Dpekko.loglevel=WARNING")).start()) {
            System.out.printf(Locale.ROOT, "node pid %d, log %s%n", node.pid(), node.logFile());
            Footprint empty = Footprint.of(node);
            System.out.println("empty node:            " + empty);

            long t0 = System.nanoTime();
            AtomicInteger failed = new AtomicInteger();
            create(node.admin(), clusters, autoPause, failed);
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            Footprint created = Footprint.of(node);
            System.out.printf(Locale.ROOT, "created %d clusters (%d failed) in %.1f s: %.1f per second%n", clusters, failed.get(),
                    createSeconds, clusters / createSeconds);
            System.out.printf(Locale.ROOT, "after creation:        %s; %.1f KB of heap per never-started cluster%n", created,
                    (created.heapBytes - empty.heapBytes) / 1024.0 / clusters);

            Rotation r = new Rotation(node, clusters, autoPause, clients);
            if (warmUp) {
                long w0 = System.nanoTime();
                Rotation first = new Rotation(node, clusters, autoPause, 8);
                first.everyOnce();
                double warmSeconds = (System.nanoTime() - w0) / 1e9;
                System.out.printf(Locale.ROOT, "warm-up: %d first starts in %.1f s (%.1f per second, 8 at a time), %d errors%n",
                        first.committed.get(), warmSeconds, clusters / warmSeconds, first.errors.values().stream().mapToInt(AtomicInteger::get).sum());
                System.out.println("  connect-to-first-row, first start: " + percentiles(first.coldMs));
                Thread.sleep((autoPause + 5) * 1000L);
            }
            r.run(seconds, perSecond);
            Footprint loaded = Footprint.of(node);
            r.report();
            System.out.println("after the rotation:    " + loaded);

            Thread.sleep(settle * 1000L);
            Footprint settled = Footprint.of(node);
            int started = warmUp ? clusters : r.touched.size();
            System.out.printf(Locale.ROOT, "settled (%d s idle):   %s; %.1f KB of heap per cluster started and paused (%d), beyond creation%n",
                    settle, settled, (settled.heapBytes - created.heapBytes) / 1024.0 / Math.max(1, started), started);
        } finally {
            BenchDirs.keepNodeLogAndDelete(dir, "density-node.log");
        }
        System.exit(0);
    }

    private static void create(AdminClient admin, int clusters, int autoPause, AtomicInteger failed) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < clusters; i++) {
            String tenant = "d" + i;
            pool.execute(() -> {
                try {
                    admin.call("POST", "/v1/tenants", Map.of("name", tenant)).ok();
                    admin.call("POST", "/v1/clusters", Map.of("tenant", tenant, "name", "db", "masterUsername", "app",
                            "masterPassword", PASSWORD, "minAcu", 0, "maxAcu", 2, "secondsUntilAutoPause", autoPause)).ok();
                } catch (Exception | AssertionError e) {
                    if (failed.incrementAndGet() <= 3) {
                        System.out.println("creating " + tenant + " failed: " + e.getMessage());
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(2, TimeUnit.HOURS);
    }

    /** The rotating workload and what it saw. */
    private static final class Rotation {
        final NodeProcess node;
        final int clusters;
        final long autoPauseNanos;
        final ExecutorService clients;
        final Map<Integer, Long> lastTouched = new ConcurrentHashMap<>();
        final java.util.Set<Integer> touched = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Double> coldMs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> warmMs = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        final AtomicLong committed = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final List<Integer> liveSamples = new ArrayList<>();
        int maxInFlight;

        Rotation(NodeProcess node, int clusters, int autoPauseSeconds, int clientThreads) {
            this.node = node;
            this.clusters = clusters;
            this.autoPauseNanos = TimeUnit.SECONDS.toNanos(autoPauseSeconds);
            this.clients = Executors.newFixedThreadPool(clientThreads);
        }

        void run(int seconds, int perSecond) throws Exception {
            long start = System.nanoTime();
            for (int s = 0; s < seconds; s++) {
                for (int i = 0; i < perSecond; i++) {
                    int c = ThreadLocalRandom.current().nextInt(clusters);
                    inFlight.incrementAndGet();
                    clients.execute(() -> transaction(c));
                }
                maxInFlight = Math.max(maxInFlight, inFlight.get());
                if (s % 5 == 0) {
                    liveSamples.add(liveInstances());
                }
                long next = start + TimeUnit.SECONDS.toNanos(s + 1);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            clients.shutdown();
            clients.awaitTermination(5, TimeUnit.MINUTES);
        }

        /** Every cluster once, as many at a time as the client threads. */
        void everyOnce() throws InterruptedException {
            for (int c = 0; c < clusters; c++) {
                int n = c;
                inFlight.incrementAndGet();
                clients.execute(() -> transaction(n));
            }
            clients.shutdown();
            clients.awaitTermination(4, TimeUnit.HOURS);
            lastTouched.clear();
            touched.clear();
        }

        void transaction(int c) {
            long begin = System.nanoTime();
            Long last = lastTouched.put(c, begin);
            boolean cold = last == null || begin - last > autoPauseNanos;
            touched.add(c);
            Properties p = new Properties();
            p.setProperty("user", "app");
            p.setProperty("password", PASSWORD);
            p.setProperty("loginTimeout", "120");
            try (Connection conn = DriverManager.getConnection(node.jdbcUrl("d" + c, "db"), p); Statement st = conn.createStatement()) {
                try (ResultSet rs = st.executeQuery("select 1")) {
                    rs.next();
                }
                (cold ? coldMs : warmMs).add((System.nanoTime() - begin) / 1e6);
                st.execute("create table if not exists kv(k int primary key, v bigint not null)");
                conn.setAutoCommit(false);
                st.executeUpdate("insert into kv values (1, 1) on conflict (k) do update set v = kv.v + 1");
                conn.commit();
                committed.incrementAndGet();
            } catch (SQLException e) {
                errors.computeIfAbsent(String.valueOf(e.getSQLState()), k -> new AtomicInteger()).incrementAndGet();
                if (errorSamples.size() < 5) {
                    errorSamples.add("d" + c + ": " + e.getSQLState() + " " + e.getMessage());
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }

        int liveInstances() {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return (int) r.body().lines().filter(l -> l.startsWith("borealis_instance_acu{")).count();
            } catch (Exception e) {
                return -1;
            }
        }

        void report() {
            int errorCount = errors.values().stream().mapToInt(AtomicInteger::get).sum();
            System.out.printf(Locale.ROOT, "rotation: %d transactions committed, %d errors %s, %d distinct clusters, most in flight %d%n",
                    committed.get(), errorCount, errors, touched.size(), maxInFlight);
            errorSamples.forEach(e -> System.out.println("  error: " + e));
            System.out.println("  connect-to-first-row, cold (paused): " + percentiles(coldMs));
            System.out.println("  connect-to-first-row, warm:          " + percentiles(warmMs));
            System.out.printf(Locale.ROOT, "  live instances (every 5 s): max %d, mean %.0f%n",
                    liveSamples.stream().mapToInt(Integer::intValue).max().orElse(0),
                    liveSamples.stream().mapToInt(Integer::intValue).average().orElse(0));
        }
    }

    static String percentiles(ConcurrentLinkedQueue<Double> samples) {
        List<Double> s = new ArrayList<>(samples);
        if (s.isEmpty()) {
            return "no samples";
        }
        Collections.sort(s);
        return String.format(Locale.ROOT, "n %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms", s.size(), s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1));
    }

    /** The node's resident memory and its live heap (after the full collection a class histogram forces). */
    record Footprint(long rssBytes, long heapBytes) {
        static Footprint of(NodeProcess node) throws Exception {
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + node.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            Process p = new ProcessBuilder("jcmd", String.valueOf(node.pid()), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            long heap = out.lines().filter(l -> l.startsWith("Total")).map(l -> l.trim().split("\\s+")).mapToLong(f -> Long.parseLong(f[2]))
                    .findFirst().orElse(-1);
            return new Footprint(rss, heap);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RSS %.0f MB, live heap %.1f MB", rssBytes / 1048576.0, heapBytes / 1048576.0);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
