package borealis.actors.bench;

import borealis.actors.consistency.ConsistencyRun;
import borealis.actors.consistency.ConsistencyRun.Fault;
import borealis.actors.consistency.ConsistencyRun.Result;
import borealis.actors.consistency.ListAppendChecker.Anomaly;
import borealis.actors.testkit.NodeProcess;
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
 * Hundreds of checked list-append runs against one node in its own JVM, cycling through the three
 * isolation levels and three faults (none, {@code kill -9} and restart, {@code SIGSTOP} for 3 s),
 * then a table per isolation level: runs, transactions, anomalies found, and those PostgreSQL 15
 * forbids at that level (the target is none).
 *
 * <p>Run: {@code bin/bench-consistency [--runs 200] [--seconds 10] [--clients 4]}.
 */
public final class ConsistencyBench {

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
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("borealis-consistency");
        Map<String, Totals> totals = new LinkedHashMap<>();
        LEVELS.forEach(l -> totals.put(l, new Totals()));
        long started = System.nanoTime();
        try (NodeProcess node = new NodeProcess(dir.resolve("data")).start()) {
            node.admin().createTenant("jepsen");
            node.admin().createCluster("jepsen", "db", "app", "secret-pass");
            for (int i = 0; i < runs; i++) {
                String level = LEVELS.get(i % 3);
                Fault fault = Fault.values()[(i / 3) % 3];
                Result r = ConsistencyRun.run(node, "jepsen", "la_" + i, level, fault, clients, Duration.ofSeconds(seconds), i);
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
        System.out.printf("%n%d runs of %d s, %d clients, faults none / kill -9 / SIGSTOP 3 s in turn, %.0f min%n",
                runs, seconds, clients, (System.nanoTime() - started) / 60e9);
        System.out.printf("%-16s %5s %9s %8s %8s  %-40s %s%n", "isolation", "runs", "committed", "failed", "unknown", "anomalies found", "forbidden by PostgreSQL");
        totals.forEach((level, t) -> System.out.printf("%-16s %5d %9d %8d %8d  %-40s %s%n", level, t.runs[0], t.txns[0], t.txns[1], t.txns[2],
                t.anomalies, t.forbidden.isEmpty() ? "none" : t.forbidden));
    }
}
