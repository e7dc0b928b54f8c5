package borealis.actors.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pgbench client, run against one database of a node's proxy as user {@code app}. */
final class Pgbench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private Pgbench() {}

    /** Runs pgbench with {@code args}; its output, or an exception with it when it fails or outlasts {@code timeoutSeconds}. */
    static String run(int pgPort, String database, String password, long timeoutSeconds, String... args) throws Exception {
        return run("host=127.0.0.1 port=" + pgPort + " dbname=" + database + " user=app sslmode=disable", password, timeoutSeconds, args);
    }

    /** Runs pgbench with {@code args} against the server {@code conninfo} names. */
    static String run(String conninfo, String password, long timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pgbench"));
        cmd.addAll(List.of(args));
        cmd.add(conninfo);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pgbench " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: (\\d+)");

    /** The transactions a run completed. */
    static long transactions(String out) {
        Matcher m = TRANSACTIONS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no transaction count in pgbench output:\n" + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** The tps a run reported. */
    static double tps(String out) {
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }
}
