package borealis.actors.bench;

import borealis.actors.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 19's side-by-side benchmark: the same pgbench 15 client against a local PostgreSQL 15 (fsync
 * and synchronous_commit on, {@code ../shared/tools/local-postgres}) and an embedded Borealis node in
 * its own JVM (the launcher's {@code -Xmx2g -XX:+UseParallelGC}; one cluster at {@code --min-acu} to
 * {@code --max-acu}), run alternately in one process so both see the same machine. Prints every run
 * and, per workload, the median of each side and the ratio Borealis/PostgreSQL (for {@code -i}, the
 * time ratio). Usage: {@code bin/bench-pgbench [--scale 10] [--clients 8] [--seconds 30] [--runs 2]
 * [--workloads init,tpcb,select,tpcb-prepared,select-prepared] [--min-acu 4] [--max-acu 8] [--warmup 30] [--jfr node.jfr]
 * [--node-options "-Dx=y ..."]}.
 */
public final class PgbenchParityBench {

    private static final String PASSWORD = "bench-Pw-19";

    private record Workload(String name, List<String> args, boolean timed) {}

    /** A server pgbench runs against, and how to read the CPU it used (SQL threads: Borealis only, else null). */
    private record Side(String conninfo, CpuReader server, CpuReader sql) {}

    private interface CpuReader {
        double seconds() throws Exception;
    }

    /** One run: its figure (tps, or seconds for -i) and CPU microseconds per transaction (server, SQL threads). */
    private record Result(double figure, double serverMicros, double sqlMicros) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int scale = Integer.parseInt(opt.getOrDefault("scale", "10"));
        String clients = opt.getOrDefault("clients", "8");
        String seconds = opt.getOrDefault("seconds", "30");
        int runs = Integer.parseInt(opt.getOrDefault("runs", "2"));
        List<String> chosen = List.of(opt.getOrDefault("workloads", "init,tpcb,select,tpcb-prepared,select-prepared").split(","));
        List<String> load = List.of("-c", clients, "-j", "2", "-T", seconds);
        Map<String, Workload> all = new LinkedHashMap<>();
        all.put("init", new Workload("pgbench -i -s " + scale, List.of("-i", "-s", String.valueOf(scale), "-q"), true));
        all.put("tpcb", new Workload("TPC-B-like " + String.join(" ", load), load, false));
        all.put("select", new Workload("select-only -S " + String.join(" ", load), concat(List.of("-S"), load), false));
        all.put("tpcb-prepared", new Workload("TPC-B-like -M prepared", concat(List.of("-M", "prepared"), load), false));
        all.put("select-prepared", new Workload("select-only -S -M prepared", concat(List.of("-S", "-M", "prepared"), load), false));

        Path dir = Files.createTempDirectory("borealis-pgbench");
        // The PostgreSQL server runs as the postgres user when we are root: it must reach its directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path pgDir = dir.resolve("pg");
        int pgPort = NodeProcess.freePort();
        Path tool = Path.of("..", "shared", "tools", "local-postgres");
        List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-XX:+UseParallelGC", "-Dpekko.actor.serialize-messages=off",
                "-Dpekko.loglevel=WARNING"));
        if (opt.containsKey("node-options")) {
            jvm.addAll(List.of(opt.get("node-options").split(" ")));
        }
        if (opt.containsKey("jfr")) {
            // A CPU profile of the node for the whole run (jfr print --events jdk.ExecutionSample FILE).
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(opt.get("jfr")).toAbsolutePath());
        }
        try (NodeProcess node = new NodeProcess(dir.resolve("data"), jvm).start()) {
            if (new ProcessBuilder(tool.toString(), "start", pgDir.toString(), String.valueOf(pgPort), "app", PASSWORD)
                    .inheritIO().start().waitFor() != 0) {
                throw new IllegalStateException("local-postgres did not start");
            }
            try {
                node.admin().call("POST", "/v1/tenants", Map.of("name", "bench")).ok();
                node.admin().call("POST", "/v1/clusters", Map.of("tenant", "bench", "name", "db", "masterUsername", "app",
                        "masterPassword", PASSWORD, "minAcu", Double.parseDouble(opt.getOrDefault("min-acu", "4")),
                        "maxAcu", Double.parseDouble(opt.getOrDefault("max-acu", "8")))).ok();
                Side borealis = new Side("host=127.0.0.1 port=" + node.pgPort() + " dbname=bench.db user=app sslmode=disable",
                        () -> ServerCpu.process(node.pid(), false), () -> ServerCpu.sqlThreads(node.adminUrl()));
                Side postgres = new Side("host=127.0.0.1 port=" + pgPort + " dbname=postgres user=app sslmode=disable",
                        () -> ServerCpu.postgres(pgDir.resolve("data")), null);
                // Both sides loaded once before the first timed run, so every transaction workload finds its tables.
                if (!chosen.contains("init")) {
                    run(postgres, all.get("init"));
                    run(borealis, all.get("init"));
                }
                // Warm-up, not counted: the first runs met a cold JIT (a first 15 s select-only run at 0.6x of the next).
                // TPC-B and select-only, so both the write and the read path are compiled: after a select-only
                // warm-up alone, C2 still used most of a core during the TPC-B runs (35 s of CPU in the node's
                // first 80 s, 0.6 s in the next 20 s).
                int warmup = Integer.parseInt(opt.getOrDefault("warmup", "30"));
                boolean warm = warmup <= 0;
                List<String> rows = new ArrayList<>();
                for (String name : chosen) {
                    Workload w = all.get(name);
                    if (w == null) {
                        throw new IllegalArgumentException("unknown workload " + name + "; known: " + all.keySet());
                    }
                    if (!w.timed() && !warm) {
                        // Before the first transaction workload, once the tables exist.
                        for (List<String> mode : List.of(List.<String>of(), List.of("-S"))) {
                            List<String> command = new ArrayList<>(mode);
                            command.addAll(List.of("-c", clients, "-j", "2", "-T", String.valueOf(warmup)));
                            Workload up = new Workload("warm-up", command, false);
                            run(postgres, up);
                            run(borealis, up);
                        }
                        warm = true;
                    }
                    double[] pg = new double[runs];
                    double[] bo = new double[runs];
                    for (int r = 0; r < runs; r++) {
                        // Alternate which side goes first, so a warming machine favours neither.
                        boolean pgFirst = r % 2 == 0;
                        Result a = run(pgFirst ? postgres : borealis, w);
                        Result b = run(pgFirst ? borealis : postgres, w);
                        Result p = pgFirst ? a : b;
                        Result o = pgFirst ? b : a;
                        pg[r] = p.figure();
                        bo[r] = o.figure();
                        System.out.printf(Locale.ROOT, "  %-45s run %d: PostgreSQL %s, Borealis %s%s%n", w.name(), r + 1,
                                figure(w, pg[r]), figure(w, bo[r]), w.timed() ? "" : String.format(Locale.ROOT,
                                        "; server CPU per transaction: PostgreSQL %.0f µs, Borealis %.0f µs (SQL threads %.0f µs, the rest %.0f µs)",
                                        p.serverMicros(), o.serverMicros(), o.sqlMicros(), o.serverMicros() - o.sqlMicros()));
                    }
                    double p = median(pg);
                    double b = median(bo);
                    // For -i the ratio of times (lower is better, target <= 2x), else of tps (target >= 1x select, 0.6x TPC-B).
                    double ratio = b / p;
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f× %s |", w.name(), figure(w, p), figure(w, b), ratio,
                            w.timed() ? "the time" : "the tps"));
                }
                System.out.println();
                System.out.println("| workload (median of " + runs + ") | PostgreSQL 15 | Borealis | Borealis/PostgreSQL |");
                System.out.println("|---|---|---|---|");
                rows.forEach(System.out::println);
            } finally {
                new ProcessBuilder(tool.toString(), "stop", pgDir.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            BenchDirs.keepNodeLogAndDelete(dir, "pgbench-node.log");
        }
        System.exit(0);
    }

    /** One pgbench run: the seconds it took for a timed workload ({@code -i}), else its tps. */
    private static Result run(Side side, Workload w) throws Exception {
        double server = side.server().seconds();
        double sql = side.sql() == null ? 0 : side.sql().seconds();
        long t0 = System.nanoTime();
        String out = Pgbench.run(side.conninfo(), PASSWORD, 1800, w.args().toArray(String[]::new));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        if (w.timed()) {
            return new Result(elapsed, 0, 0);
        }
        double transactions = Math.max(1, Pgbench.transactions(out));
        double serverUsed = side.server().seconds() - server;
        double sqlUsed = side.sql() == null ? 0 : side.sql().seconds() - sql;
        return new Result(Pgbench.tps(out), serverUsed * 1e6 / transactions, sqlUsed * 1e6 / transactions);
    }

    private static String figure(Workload w, double v) {
        return w.timed() ? String.format(Locale.ROOT, "%.1f s", v) : String.format(Locale.ROOT, "%.0f tps", v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
