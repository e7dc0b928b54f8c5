package borealis.actors.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds a server used so far, read from /proc (Linux, 100 ticks per second): a Borealis node
 * (one JVM), or a PostgreSQL server (its postmaster, what it reaped of exited backends, and its live
 * children); and the node's SQL-thread CPU from its Prometheus metrics. Differences over a run,
 * divided by its transactions, give the CPU per transaction of each.
 */
final class ServerCpu {

    private static final double TICKS = 100.0;

    private ServerCpu() {}

    /** User and system CPU of one process, its threads included ({@code withReaped}: and of its children it waited for). */
    static double process(long pid, boolean withReaped) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // Fields after the command (which may hold spaces) start after its closing parenthesis.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
        double ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withReaped) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks / TICKS;
    }

    /** The PostgreSQL server whose data directory is {@code pgData}: postmaster, reaped backends, live children. */
    static double postgres(Path pgData) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
        double cpu = process(postmaster, true);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[1]) == postmaster) {
                        cpu += process(Long.parseLong(p.getFileName().toString()), false);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile: the postmaster's reaped time has it
                }
            }
        }
        return cpu;
    }

    /** The SQL-thread CPU of every instance of the node ({@code borealis_instance_cpu_seconds_total}). */
    static double sqlThreads(String adminUrl) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(adminUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : List.of(metrics.split("\n"))) {
            if (line.startsWith("borealis_instance_cpu_seconds_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
