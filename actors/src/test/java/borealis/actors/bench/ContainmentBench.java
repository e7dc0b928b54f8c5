package borealis.actors.bench;

import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.PgWire;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Containment, measured: a victim tenant's pgbench select-only throughput alone, then while an
 * abusive tenant does each of the things issue 12 names (a runaway recursive query, 100,000
 * pipelined queries it never reads, slowloris and never-authenticating connections, distinct 4 MiB
 * statements, sorts past its temp-file limit, a CPU-heavy loop). Prints each figure and its ratio
 * to the solo run; the target is at least 0.8.
 *
 * <p>Run: {@code bin/bench-containment [--seconds 20] [--clients 4] [--only "4 MiB"]}. One machine plays both
 * tenants and the node, so an abuse that costs the attacker's client CPU (building 4 MiB strings)
 * shows up here and would not on separate machines.
 */
public final class ContainmentBench {

    private static final String PASSWORD = "bench-pass-1";

    private final InProcessNode node;
    private final int seconds;
    private final int clients;
    /** Runs only the abuses whose description contains this (null: all). */
    private final String only;

    private ContainmentBench(InProcessNode node, int seconds, int clients, String only) {
        this.node = node;
        this.seconds = seconds;
        this.clients = clients;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int clients = 4;
        String only = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--only" -> only = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--seconds N, --clients N, --only TEXT)");
            }
        }
        Path dir = Files.createTempDirectory("borealis-bench");
        try (InProcessNode node = InProcessNode.start(dir.resolve("data"), Map.of("pekko.actor.serialize-messages", "off",
                "pekko.loglevel", "WARNING", "borealis.limits.temp-file-limit", "64 MiB", "borealis.limits.storage-quota", "128 MiB"))) {
            // The victim holds 4 ACU (a core) throughout, so that its own scaling stays out of the figures; the
            // abuser is allowed 1 (a quarter of a core): what it takes beyond that is what containment failed to hold back.
            for (String t : List.of("victim", "abuser")) {
                node.admin().createTenant(t);
                double acu = t.equals("victim") ? 4 : 1;
                node.admin().call("POST", "/v1/clusters", Map.of("tenant", t, "name", "db", "masterUsername", "app", "masterPassword",
                        PASSWORD, "minAcu", acu, "maxAcu", acu)).ok();
            }
            new ContainmentBench(node, seconds, clients, only).run();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private void run() throws Exception {
        pgbench("-i", "-s", "1", "-q");
        pgbench("-S", "-c", Integer.toString(clients), "-j", "2", "-T", "5");
        Map<String, Abuse> abuses = new LinkedHashMap<>();
        abuses.put("runaway recursive query (cancelled for memory, again and again)", this::runawayRecursion);
        abuses.put("100,000 pipelined queries never read", this::pipelineFlood);
        abuses.put("200 slowloris connections (1 byte every 2 s, from another address)", stop -> slowloris(200));
        abuses.put("2,000 connections that never authenticate (from another address)", stop -> silentConnections(2000));
        abuses.put("distinct 4 MiB statements", this::largeStatements);
        abuses.put("sorts past the temp-file limit", this::tempFlood);
        abuses.put("inserts up to the storage quota and past it", this::storageFlood);
        abuses.put("CPU-heavy query loop", this::cpuLoop);
        List<String> rows = new ArrayList<>();
        for (Map.Entry<String, Abuse> a : abuses.entrySet()) {
            if (only != null && !a.getKey().contains(only)) {
                continue;
            }
            // Alone, then with the abuse, back to back: the machine's drift between runs stays out of the ratio.
            double solo = victimTps();
            double with = during(a.getValue());
            rows.add(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f |", a.getKey(), solo, with, with / solo));
        }
        System.out.printf(Locale.ROOT, "%nvictim: pgbench -S -c %d -j 2 -T %d, scale 1, each run alone then during the abuse%n", clients,
                seconds);
        System.out.printf(Locale.ROOT, "| abuse by the other tenant | victim tps alone | victim tps during | ratio |%n|---|---|---|---|%n");
        rows.forEach(System.out::println);
    }

    interface Abuse {
        void run(AtomicBoolean stop) throws Exception;
    }

    /** The victim's tps while {@code abuse} runs on its own thread (started a second before). */
    private double during(Abuse abuse) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                abuse.run(stop);
            } catch (Exception e) {
                if (!stop.get()) {
                    System.out.println("abuse ended: " + e);
                }
            }
        }, "abuser");
        t.start();
        Thread.sleep(1000);
        try {
            return victimTps();
        } finally {
            stop.set(true);
            t.join(60_000);
        }
    }

    private double victimTps() throws Exception {
        return Pgbench.tps(pgbench("-S", "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds)));
    }

    private String pgbench(String... args) throws Exception {
        return Pgbench.run(node.pgPort(), "victim.db", PASSWORD, seconds * 4L + 300, args);
    }

    private Connection abuser() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/abuser.db?sslmode=disable", "app", PASSWORD);
    }

    private void runawayRecursion(AtomicBoolean stop) throws Exception {
        try (Connection c = abuser(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                try {
                    s.execute("with recursive t(n, pad) as (select 1, repeat('y', 10000) union all select n + 1, repeat('y', 10000) from t)"
                            + " select count(*) from t");
                } catch (SQLException e) {
                    // 53200: cancelled for memory; go again
                }
            }
        }
    }

    private void pipelineFlood(AtomicBoolean stop) throws Exception {
        try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
            w.login(Map.of("user", "app", "database", "abuser.db"), "app", PASSWORD);
            byte[] q = PgWire.query("select '" + "x".repeat(1500) + "'");
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                // Blocks once the server stops reading: its input bound, then the TCP window.
                w.send(q);
            }
            while (!stop.get()) {
                Thread.sleep(100);
            }
        }
    }

    private void slowloris(int n) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(fromAttacker());
            }
            byte[] startup = startup(Map.of("user", "app", "database", "abuser.db"));
            for (int b = 0; b < startup.length; b++) {
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write(startup[b]);
                    } catch (IOException e) {
                        // cut by the authentication timeout, as it should be
                    }
                }
                Thread.sleep(2000);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private void silentConnections(int n) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                try {
                    sockets.add(fromAttacker());
                } catch (IOException e) {
                    break;
                }
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 2));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private void largeStatements(AtomicBoolean stop) throws Exception {
        StringBuilder filler = new StringBuilder(4 << 20);
        while (filler.length() < (4 << 20) - 64) {
            filler.append("abcdefghijklmnopqrstuvwxyz0123456789");
        }
        String f = filler.toString();
        try (Connection c = abuser(); Statement s = c.createStatement()) {
            for (int i = 0; !stop.get(); i++) {
                s.execute("select length('" + i + f + "')");
            }
        }
    }

    private void tempFlood(AtomicBoolean stop) throws Exception {
        try (Connection c = abuser(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                try {
                    s.execute("select g, md5(g::text) from generate_series(1, 3000000) g order by 2 limit 1");
                } catch (SQLException e) {
                    // 53400: past the temp-file limit
                }
            }
        }
    }

    private void storageFlood(AtomicBoolean stop) throws Exception {
        try (Connection c = abuser(); Statement s = c.createStatement()) {
            s.execute("create table if not exists fill(id bigint primary key, pad text)");
            for (long round = 0; !stop.get(); round++) {
                try {
                    s.execute("insert into fill select " + round * 900 + " + g, repeat('z', 2000) from generate_series(1, 900) g");
                } catch (SQLException e) {
                    // 53100 once the quota is reached: the abuser keeps knocking
                    Thread.sleep(10);
                }
            }
        }
    }

    private void cpuLoop(AtomicBoolean stop) throws Exception {
        try (Connection c = abuser(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("select count(*) from generate_series(1, 2000000) g where g % 7 = 3");
            }
        }
    }

    /**
     * A connection from another address (127.0.0.2): the limits on connections still authenticating
     * are per source address as well as per node, so an attacker sharing the victim's address
     * shares its allowance (as behind one NAT).
     */
    private Socket fromAttacker() throws IOException {
        return new Socket(java.net.InetAddress.getLoopbackAddress(), node.pgPort(), java.net.InetAddress.getByName("127.0.0.2"), 0);
    }

    private static byte[] startup(Map<String, String> params) {
        return PgWire.startupPacket(params);
    }
}
