package borealis.actors.control;

import borealis.actors.cluster.ClusterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A tenant's usage: ACU-seconds from the capacity service over the range, and the bytes its
 * volumes hold now. When no capacity service reports ACU-seconds, the storage figures still come
 * back and {@code acuSeconds} is null with a note saying why.
 */
final class UsageReport {

    private final ClusterSharding sharding;
    private final CapacityReports capacity;
    private final Duration timeout;

    UsageReport(ClusterSharding sharding, CapacityReports capacity, Duration timeout) {
        this.sharding = sharding;
        this.capacity = capacity;
        this.timeout = timeout;
    }

    CompletionStage<Views.Usage> of(String tenant, List<ClusterSpec> clusters, Instant from, Instant to) {
        List<CompletableFuture<Views.ClusterUsage>> perCluster = new ArrayList<>();
        String[] note = new String[1];
        for (ClusterSpec spec : clusters) {
            String id = spec.id();
            String c = spec.name();
            CompletableFuture<List<CapacityReports.InstanceUsage>> acu = capacity.acuSeconds(id, from, to).toCompletableFuture()
                    .exceptionally(e -> {
                        note[0] = ControlPlane.unwrap(e).getMessage();
                        return null;
                    });
            CompletableFuture<Long> bytes = StorageUsage.bytes(sharding, spec.volumeId(), spec.groupSize(), timeout);
            perCluster.add(acu.thenCombine(bytes, (a, b) -> new Views.ClusterUsage(tenant, c,
                    a == null ? null : a.stream().mapToDouble(CapacityReports.InstanceUsage::acuSeconds).sum(), a, b)));
        }
        return CompletableFuture.allOf(perCluster.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<Views.ClusterUsage> list = perCluster.stream().map(CompletableFuture::join).toList();
            boolean metered = list.stream().allMatch(u -> u.acuSeconds() != null);
            Double acuSeconds = metered ? list.stream().mapToDouble(Views.ClusterUsage::acuSeconds).sum() : null;
            long storage = list.stream().mapToLong(Views.ClusterUsage::storageBytes).sum();
            return new Views.Usage(tenant, from.toString(), to.toString(), acuSeconds, storage, list, metered ? null : note[0]);
        });
    }
}
