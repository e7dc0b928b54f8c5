package borealis.actors.proxy;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The proxy's metrics: connections by fate, authentication failures, bytes both ways, and how long
 * clients waited for their session (which includes a resume when the cluster was paused). Labels
 * are bounded: the rejection reason comes from a fixed set, never from client input.
 */
final class ProxyMetrics {

    static final Gauge OPEN = Gauge.build("borealis_proxy_connections", "Client connections open at the proxy.").register();
    static final Gauge AUTHENTICATING = Gauge.build("borealis_proxy_connections_authenticating",
            "Client connections admitted and not yet authenticated.").register();
    static final Counter ACCEPTED = Counter.build("borealis_proxy_connections_accepted_total",
            "Client connections accepted (TCP).").register();
    static final Counter READY = Counter.build("borealis_proxy_sessions_started_total",
            "Connections that authenticated and reached their database.").register();
    static final Counter REATTACHED = Counter.build("borealis_proxy_sessions_reattached_total",
            "Idle client connections whose SQL session's node died, given a new session on the cluster's next writer.").register();
    static final Counter REJECTED = Counter.build("borealis_proxy_connections_rejected_total",
            "Connections refused before their session started, by reason.").labelNames("reason").register();
    static final Counter AUTH_FAILURES = Counter.build("borealis_proxy_auth_failures_total",
            "Failed authentications (wrong password or unknown user).").register();
    static final Counter RECEIVED = Counter.build("borealis_proxy_received_bytes_total", "Bytes received from clients.").register();
    static final Counter SENT = Counter.build("borealis_proxy_sent_bytes_total", "Bytes sent to clients.").register();
    static final Histogram SESSION_WAIT = Histogram.build("borealis_proxy_session_wait_seconds",
                    "Time from authentication until the client's session was ready, including any resume of a paused cluster.")
            .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30).register();

    /** The fixed set of rejection reasons, so each appears in the output from the start. */
    static final String[] REASONS = {"authentication", "unknown_database", "protocol", "unavailable", "too_many_connections",
        "throttled", "other"};

    static {
        for (String r : REASONS) {
            REJECTED.labels(r);
        }
    }

    private ProxyMetrics() {}

    static String reasonOf(String sqlState) {
        if (sqlState == null) {
            return "other";
        }
        return switch (sqlState) {
            case "28P01", "28000" -> "authentication";
            case "3D000" -> "unknown_database";
            case "08P01" -> "protocol";
            case "57P03", "08006" -> "unavailable";
            case "53300" -> "too_many_connections";
            case "53400" -> "throttled";
            default -> "other";
        };
    }
}
