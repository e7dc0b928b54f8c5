package borealis.actors.consistency;

import borealis.actors.consistency.History.Outcome;
import borealis.actors.consistency.ListAppendChecker.Anomaly;
import borealis.actors.consistency.ListAppendChecker.Report;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One checked run: a fresh list-append table on a node, clients at one isolation level for a
 * while, one fault injected halfway through, a final read once the node answers again, and the
 * checker's verdict.
 */
public final class ConsistencyRun {

    /**
     * What is done to the node halfway through a run: nothing, {@code kill -9} and restart,
     * {@code SIGSTOP} for 3 s (a node in its own JVM); two zones' replicas down in turn, a replica
     * whose disk is lost (a node in the test's JVM). See {@link ConsistencyTarget}.
     */
    public enum Fault {
        NONE, KILL, FREEZE, ZONE_DOWN, REPLICA_WIPED;

        /** Whether the fault is done to a node in its own JVM (else to one in the test's). */
        public boolean needsProcess() {
            return this == KILL || this == FREEZE;
        }
    }

    /** A run's figures and the anomalies PostgreSQL forbids at its level that it found. */
    public record Result(String isolation, Fault fault, long ok, long failed, long unknown, Report report,
                         Map<Anomaly, Integer> forbidden, boolean finalReadDone) {
        @Override
        public String toString() {
            return String.format("%-15s %-13s ok %5d  failed %5d  unknown %3d  edges %6d  anomalies %s  forbidden %s%s",
                    isolation, fault, ok, failed, unknown, report.edges(), report.counts(), forbidden,
                    finalReadDone ? "" : "  (no final read)");
        }
    }

    private ConsistencyRun() {}

    public static Result run(ConsistencyTarget node, String tenant, String table, String isolation, Fault fault,
                             int clients, Duration duration, long seed) throws Exception {
        return run(node, tenant, table, isolation, fault, clients, 0, duration, seed);
    }

    /**
     * As above, with {@code readers} more clients running read-only transactions on the cluster's
     * reader endpoint ({@code <name>-ro}; the cluster must have a reader).
     */
    public static Result run(ConsistencyTarget node, String tenant, String table, String isolation, Fault fault,
                             int clients, int readers, Duration duration, long seed) throws Exception {
        String url = node.jdbcUrl(tenant, "db") + "&loginTimeout=20&socketTimeout=30";
        ListAppendWorkload w = new ListAppendWorkload(() -> DriverManager.getConnection(url, "app", "secret-pass"),
                table, isolation, 6);
        w.setUp();
        CompletableFuture<Void> injected = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(duration.toMillis() / 2);
                node.inject(fault, tenant, "db");
            } catch (Exception e) {
                throw new IllegalStateException("fault " + fault + " failed", e);
            }
        });
        String readerUrl = node.jdbcUrl(tenant, "db-ro") + "&loginTimeout=20&socketTimeout=30";
        History h = w.run(clients, readers, () -> DriverManager.getConnection(readerUrl, "app", "secret-pass"), duration, seed);
        injected.join();
        Map<Integer, List<Integer>> finalReads = w.finalReads(Duration.ofSeconds(90));
        Report report = ListAppendChecker.check(h.txns(), finalReads, h.emptyAppends());
        return new Result(isolation, fault, h.count(Outcome.OK), h.count(Outcome.FAIL), h.count(Outcome.INFO), report,
                report.found(Anomaly.forbiddenAt(isolation)), !finalReads.isEmpty());
    }
}
