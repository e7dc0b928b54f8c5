package borealis.actors.proxy;

import borealis.actors.audit.AuditLog;
import borealis.actors.auth.AuthThrottle;
import borealis.engine.h2.Database;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a proxy session does around authentication besides SCRAM itself: it throttles repeated
 * failures ({@link AuthThrottle}), writes every outcome to the {@link AuditLog}, and passes the
 * client's address to the compute (for the audit of its statements) in a startup parameter that
 * clients cannot set themselves.
 */
final class AuthGate {

    /** Startup parameters under this prefix are the proxy's; a client's are dropped. */
    static final String RESERVED_PREFIX = "borealis.";

    private final AuditLog audit;
    private final AuthThrottle throttle;
    private final String sourceHost;
    private final String source;
    private String key;
    private String tenant;
    private String cluster;
    private String user;

    AuthGate(ActorSystem<?> system, InetSocketAddress remote) {
        this.audit = AuditLog.get(system);
        this.throttle = AuthThrottle.get(system);
        this.sourceHost = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        this.source = sourceHost + ":" + remote.getPort();
    }

    /** The startup parameters as the compute gets them: the client's reserved ones dropped, its address added. */
    Map<String, String> startupForCompute(Map<String, String> startup) {
        Map<String, String> out = new LinkedHashMap<>();
        startup.forEach((k, v) -> {
            if (!k.toLowerCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX)) {
                out.put(k, v);
            }
        });
        out.put(Database.CLIENT_ADDRESS, source);
        return out;
    }

    /** Names the attempt: who tries which database (and cluster, when the name designates one). */
    void attempt(String database, String clusterId, String user) {
        this.key = AuthThrottle.key(sourceHost, database, user);
        this.user = user;
        if (clusterId != null) {
            int slash = clusterId.indexOf('/');
            this.tenant = clusterId.substring(0, slash);
            this.cluster = clusterId.substring(slash + 1);
        }
    }

    /** How long the throttle makes this attempt's source, database and user wait before it is served. */
    Duration delay() {
        return key == null ? Duration.ZERO : throttle.delay(key);
    }

    /** Runs {@code lookup} after {@code wait} (the attempt's {@link #delay()}). */
    <T> CompletionStage<T> after(Duration wait, Supplier<CompletionStage<T>> lookup) {
        if (wait.isZero()) {
            return lookup.get();
        }
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(x -> lookup.get());
    }

    void failed(String detail) {
        if (key != null) {
            throttle.failed(key);
        }
        audit.authentication(tenant, cluster, user, source, AuditLog.Outcome.FAILURE, detail);
    }

    void succeeded() {
        if (key != null) {
            throttle.succeeded(key);
        }
        audit.authentication(tenant, cluster, user, source, AuditLog.Outcome.SUCCESS, "SCRAM-SHA-256");
    }
}
