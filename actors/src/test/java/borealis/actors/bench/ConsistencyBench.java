package borealis.actors.bench;

import borealis.actors.consistency.ConsistencyRun;
import borealis.actors.consistency.ConsistencyRun.Fault;
import borealis.actors.consistency.ConsistencyRun.Result;
import borealis.actors.consistency.ConsistencyTarget;
import borealis.actors.consistency.ListAppendChecker.Anomaly;
import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.NodeProcess;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hundreds of checked list-append runs, cycling through the three isolation levels and the faults
 * of {@link Fault} (none, {@code kill -9} and restart, {@code SIGSTOP} for 3 s against a node in
 * its own JVM; two zones' replicas down in turn, a replica's disk lost against a node in this
 * JVM), then a table per isolation level: runs, transactions, anomalies found, and those
 * PostgreSQL 15 forbids at that level (the target is none).
 *
 * <p>Run: {@code bin/bench-consistency [--runs 200] [--seconds 10] [--clients 4]
 * [--faults none,kill,freeze,zone_down,replica_wiped] [--levels serializable,repeatable_read]
 * [--readers 2]} (readers: that many more clients in read-only transactions on a reader instance).
 */
public final class ConsistencyBench {

    /** Small protection groups: a run's table spans several, so every group's replicas are hit. */
    private static final long GROUP_SIZE = 256 * 1024;

    private static final List<String> LEVELS = List.of("read committed", "repeatable read", "serializable");

    private record Totals(int[] runs, long[] txns, Map<Anomaly, Integer> anomalies, Map<Anomaly, Integer> forbidden) {
        Totals() {
            this(new int[1], new long[3], new TreeMap<>(), new TreeMap<>());
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = 200;
        int seconds = 10;
        int clients = 4;
        int readers = 0;
        List<String> levels = LEVELS;
        List<Fault> faults = List.of(Fault.values());
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--readers" -> readers = Integer.parseInt(args[i + 1]);
                case "--levels" -> levels = java.util.Arrays.stream(args[i + 1].split(","))
                        .map(l -> l.trim().replace('_', ' ')).peek(l -> {
                            if (!LEVELS.contains(l)) {
                                throw new IllegalArgumentException("unknown isolation level " + l);
                            }
                        }).toList();
                case "--faults" -> faults = java.util.Arrays.stream(args[i + 1].split(","))
                        .map(f -> Fault.valueOf(f.trim().toUpperCase(java.util.Locale.ROOT))).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("borealis-consistency");
        Map<String, Totals> totals = new LinkedHashMap<>();
        LEVELS.forEach(l -> totals.put(l, new Totals()));
        long started = System.nanoTime();
        boolean replicaFaults = faults.stream().anyMatch(f -> !f.needsProcess() && f != Fault.NONE);
        try (NodeProcess process = new NodeProcess(dir.resolve("data")).start();
             InProcessNode local = replicaFaults ? InProcessNode.start(dir.resolve("local"), Map.of("borealis.volume.group-size", GROUP_SIZE)) : null) {
            for (AdminClient admin : local == null ? List.of(process.admin()) : List.of(process.admin(), local.admin())) {
                admin.createTenant("jepsen");
                admin.createCluster("jepsen", "db", "app", "secret-pass");
            }
            if (readers > 0) {
                process.admin().call("POST", "/v1/clusters/jepsen/db/readers", null).ok();
            }
            ConsistencyTarget inProcess = ConsistencyTarget.of(process);
            ConsistencyTarget inThisJvm = local == null ? null : ConsistencyTarget.of(local, new VolumeLayout(GROUP_SIZE));
            for (int i = 0; i < runs; i++) {
                String level = levels.get(i % levels.size());
                Fault fault = faults.get((i / levels.size()) % faults.size());
                ConsistencyTarget node = fault.needsProcess() || inThisJvm == null ? inProcess : inThisJvm;
                // Reader clients need the process node (its cluster has the reader).
                int readOnly = node == inProcess ? readers : 0;
                Result r = ConsistencyRun.run(node, "jepsen", "la_" + i, level, fault, clients, readOnly, Duration.ofSeconds(seconds), i);
                System.out.printf("run %3d  %s%n", i + 1, r);
                r.forbidden().keySet().forEach(a -> System.out.printf("         %s: %s%n", a, r.report().examples().get(a)));
                Totals t = totals.get(level);
                t.runs[0]++;
                t.txns[0] += r.ok();
                t.txns[1] += r.failed();
                t.txns[2] += r.unknown();
                r.report().counts().forEach((a, n) -> t.anomalies.merge(a, n, Integer::sum));
                r.forbidden().forEach((a, n) -> t.forbidden.merge(a, n, Integer::sum));
                try (Connection c = DriverManager.getConnection(node.jdbcUrl("jepsen", "db"), "app", "secret-pass");
                     Statement s = c.createStatement()) {
                    s.execute("drop table la_" + i); // sql-built: the run's own table name, from a counter
                }
            }
        }
        System.out.printf("%n%d runs of %d s, %d clients, faults %s in turn, %.0f min%n",
                runs, seconds, clients, faults, (System.nanoTime() - started) / 60e9);
        System.out.printf("%-16s %5s %9s %8s %8s  %-40s %s%n", "isolation", "runs", "committed", "failed", "unknown", "anomalies found", "forbidden by PostgreSQL");
        totals.forEach((level, t) -> System.out.printf("%-16s %5d %9d %8d %8d  %-40s %s%n", level, t.runs[0], t.txns[0], t.txns[1], t.txns[2],
                t.anomalies, t.forbidden.isEmpty() ? "none" : t.forbidden));
    }
}
