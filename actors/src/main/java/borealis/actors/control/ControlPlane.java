package borealis.actors.control;

import borealis.actors.auth.ScramVerifier;
import borealis.actors.proxy.ClusterNames;
import borealis.scaling.AcuRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * The control plane's operations, validated, over the Tenant, TenantDirectory and DbCluster
 * entities. The admin API and anything else that manages tenants goes through here.
 */
public final class ControlPlane {

    /** Parameters of a new cluster, as the API receives them. */
    public record NewCluster(String tenant, String name, String masterUsername, String masterPassword, Double minAcu,
                             Double maxAcu, Integer secondsUntilAutoPause) {}

    private final ClusterSharding sharding;
    private final Duration timeout;
    private final long groupSize;

    public ControlPlane(ClusterSharding sharding, Duration timeout, long groupSize) {
        this.sharding = sharding;
        this.timeout = timeout;
        this.groupSize = groupSize;
    }

    public CompletionStage<Tenant.TenantInfo> createTenant(String name) {
        if (!ClusterNames.validName(name)) {
            return failed(ApiException.badRequest(nameRule("tenant", name)));
        }
        return sharding.entityRefFor(Tenant.TYPE_KEY, name)
                .<StatusReply<Tenant.TenantInfo>>ask(Tenant.Create::new, timeout)
                .thenCompose(r -> r.isError() ? failed(ApiException.conflict(r.getError().getMessage())) : done(r.getValue()))
                .thenCompose(info -> sharding.entityRefFor(TenantDirectory.TYPE_KEY, TenantDirectory.ID)
                        .<TenantDirectory.Done>ask(replyTo -> new TenantDirectory.Register(name, replyTo), timeout)
                        .thenApply(d -> info));
    }

    public CompletionStage<List<String>> listTenants() {
        return sharding.entityRefFor(TenantDirectory.TYPE_KEY, TenantDirectory.ID)
                .<TenantDirectory.Tenants>ask(TenantDirectory.ListTenants::new, timeout)
                .thenApply(TenantDirectory.Tenants::names);
    }

    public CompletionStage<Tenant.TenantInfo> describeTenant(String name) {
        if (!ClusterNames.validName(name)) {
            return failed(ApiException.badRequest(nameRule("tenant", name)));
        }
        return sharding.entityRefFor(Tenant.TYPE_KEY, name)
                .<StatusReply<Tenant.TenantInfo>>ask(Tenant.Get::new, timeout)
                .thenCompose(r -> r.isError() ? failed(ApiException.notFound(r.getError().getMessage())) : done(r.getValue()));
    }

    public CompletionStage<DbCluster.ClusterInfo> createCluster(NewCluster c) {
        String problem = validate(c);
        if (problem != null) {
            return failed(ApiException.badRequest(problem));
        }
        double min = c.minAcu() == null ? 0.5 : c.minAcu();
        double max = c.maxAcu() == null ? Math.max(min, 4) : c.maxAcu();
        int pause = c.secondsUntilAutoPause() == null ? 300 : c.secondsUntilAutoPause();
        ClusterSpec spec = new ClusterSpec(c.tenant(), c.name(), min, max, pause, groupSize, DbCluster.newEngineSecret());
        ScramVerifier verifier = ScramVerifier.create(c.masterPassword());
        return describeTenant(c.tenant())
                .thenCompose(t -> sharding.entityRefFor(DbCluster.TYPE_KEY, spec.id())
                        .<StatusReply<DbCluster.ClusterInfo>>ask(replyTo -> new DbCluster.Create(spec, c.masterUsername(), verifier, replyTo), timeout))
                .thenCompose(r -> r.isError() ? failed(ApiException.conflict(r.getError().getMessage())) : done(r.getValue()))
                .thenCompose(info -> sharding.entityRefFor(Tenant.TYPE_KEY, c.tenant())
                        .<StatusReply<Tenant.TenantInfo>>ask(replyTo -> new Tenant.AddCluster(c.name(), replyTo), timeout)
                        .thenApply(t -> info));
    }

    private static String validate(NewCluster c) {
        if (!ClusterNames.validName(c.tenant())) {
            return nameRule("tenant", c.tenant());
        }
        if (!ClusterNames.validName(c.name())) {
            return nameRule("cluster", c.name());
        }
        if (c.masterUsername() == null || !c.masterUsername().matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            return "masterUsername must be 1-63 letters, digits or underscores, starting with a letter or underscore";
        }
        if (c.masterPassword() == null || c.masterPassword().length() < 8) {
            return "masterPassword must have at least 8 characters";
        }
        double min = c.minAcu() == null ? 0.5 : c.minAcu();
        double max = c.maxAcu() == null ? Math.max(min, 4) : c.maxAcu();
        if (!AcuRules.validMin(min)) {
            return "minAcu must be 0 or between 0.5 and 256 in steps of 0.5, got " + min;
        }
        if (!AcuRules.validMax(max)) {
            return "maxAcu must be between 0.5 and 256 in steps of 0.5, got " + max;
        }
        if (min > max) {
            return "minAcu (" + min + ") must not exceed maxAcu (" + max + ")";
        }
        if (c.secondsUntilAutoPause() != null && c.secondsUntilAutoPause() < 1) {
            return "secondsUntilAutoPause must be at least 1, got " + c.secondsUntilAutoPause();
        }
        return null;
    }

    private static String nameRule(String what, String name) {
        return what + " name \"" + name + "\" is invalid: use 1-63 lower-case letters, digits and hyphens, starting with a letter";
    }

    public CompletionStage<DbCluster.ClusterInfo> describeCluster(String tenant, String name) {
        if (!ClusterNames.validName(tenant) || !ClusterNames.validName(name)) {
            return failed(ApiException.badRequest("invalid tenant or cluster name"));
        }
        return sharding.entityRefFor(DbCluster.TYPE_KEY, ClusterSpec.id(tenant, name))
                .<StatusReply<DbCluster.ClusterInfo>>ask(DbCluster.Get::new, timeout)
                .thenCompose(r -> r.isError() ? failed(ApiException.notFound(r.getError().getMessage())) : done(r.getValue()));
    }

    /** Clusters of one tenant, or of every tenant when {@code tenant} is null. */
    public CompletionStage<List<DbCluster.ClusterInfo>> listClusters(String tenant) {
        CompletionStage<List<String>> tenants = tenant == null ? listTenants() : describeTenant(tenant).thenApply(t -> List.of(t.name()));
        return tenants.thenCompose(names -> {
            List<CompletableFuture<List<DbCluster.ClusterInfo>>> perTenant = new ArrayList<>();
            for (String t : names) {
                perTenant.add(describeTenant(t).thenCompose(info -> {
                    List<CompletableFuture<DbCluster.ClusterInfo>> clusters = new ArrayList<>();
                    for (String c : info.clusters()) {
                        clusters.add(describeCluster(t, c).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(clusters.toArray(new CompletableFuture<?>[0]))
                            .thenApply(v -> clusters.stream().map(CompletableFuture::join).toList());
                }).toCompletableFuture());
            }
            return CompletableFuture.allOf(perTenant.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> perTenant.stream().flatMap(f -> f.join().stream()).toList());
        });
    }

    private static <T> CompletionStage<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
