package borealis.engine.insights;

import borealis.engine.pg.session.StatementObserver;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/**
 * What one database records about the statements it runs: Prometheus metrics labelled with its
 * tenant and cluster (never with SQL text), and the {@link TopSql} window.
 */
public final class DatabaseInsights implements StatementObserver {

    static final Counter STATEMENTS = Counter.build("borealis_statements_total",
            "Statements run, by outcome (ok, error).").labelNames("tenant", "cluster", "outcome").register();
    static final Counter TRANSACTIONS = Counter.build("borealis_transactions_total",
            "Transactions ended, by outcome (commit, rollback).").labelNames("tenant", "cluster", "outcome").register();
    static final Histogram LATENCY = Histogram.build("borealis_statement_duration_seconds",
                    "Statement execution time in the engine (excluding the wait for durability).")
            .labelNames("tenant", "cluster")
            .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register();

    private static final java.util.Map<String, DatabaseInsights> BY_CLUSTER = new java.util.concurrent.ConcurrentHashMap<>();

    /** The insights of a cluster hosted in this JVM (kept across pause and resume). */
    public static DatabaseInsights of(String tenant, String cluster) {
        return BY_CLUSTER.computeIfAbsent(tenant + "/" + cluster, k -> new DatabaseInsights(tenant, cluster));
    }

    /** The insights of a cluster if this JVM has any. */
    public static java.util.Optional<DatabaseInsights> find(String tenant, String cluster) {
        return java.util.Optional.ofNullable(BY_CLUSTER.get(tenant + "/" + cluster));
    }

    /** How long the Top SQL window is. */
    public static final int TOP_SQL_WINDOW_MINUTES = 60;

    private final Counter.Child ok;
    private final Counter.Child failed;
    private final Counter.Child commits;
    private final Counter.Child rollbacks;
    private final Histogram.Child latency;
    private final TopSql topSql = new TopSql(TOP_SQL_WINDOW_MINUTES);

    private DatabaseInsights(String tenant, String cluster) {
        ok = STATEMENTS.labels(tenant, cluster, "ok");
        failed = STATEMENTS.labels(tenant, cluster, "error");
        commits = TRANSACTIONS.labels(tenant, cluster, "commit");
        rollbacks = TRANSACTIONS.labels(tenant, cluster, "rollback");
        latency = LATENCY.labels(tenant, cluster);
    }

    /** A statement finished (successfully or not) after {@code nanos} in the engine. */
    @Override
    public void statement(String sql, long nanos, long rows, boolean error) {
        (error ? failed : ok).inc();
        latency.observe(nanos / 1e9);
        topSql.record(sql, nanos, rows, error);
    }

    /** A transaction ended (explicit or implicit). */
    @Override
    public void transaction(boolean committed) {
        (committed ? commits : rollbacks).inc();
    }

    public TopSql topSql() {
        return topSql;
    }
}
