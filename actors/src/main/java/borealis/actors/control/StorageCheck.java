package borealis.actors.control;

import borealis.actors.storage.StorageSegment;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A scrub of a cluster's volume: do the six replicas of every protection group hold the same
 * bytes? Each group is read in 1 MiB ranges; every replica hashes its applied bytes of a range
 * where it lives (only the digest travels), and the replicas that stand at the group's highest
 * applied LSN are compared with each other. A replica below that LSN is "behind" (still catching
 * up, or the volume is being written), not compared; one whose digest is not the majority's
 * "differs" from the first such offset on.
 *
 * <p>Ranges are asked one after another, so a scrub of a large volume takes a while but never
 * holds a replica for more than one read.
 */
final class StorageCheck {

    private static final int RANGE = 1 << 20;

    private StorageCheck() {}

    /** What one replica turned out to be; {@code firstDifference} is a group-local offset, or -1. */
    private static final class Outcome {
        long appliedLsn = -1;
        String state = "consistent";
        long firstDifference = -1;
        String detail;

        void worse(String newState, String why) {
            if (rank(newState) > rank(state)) {
                state = newState;
                detail = why;
            }
        }

        private static int rank(String state) {
            return List.of("consistent", "behind", "no answer", "unreadable", "differs").indexOf(state);
        }
    }

    static CompletableFuture<Views.StorageCheck> run(ClusterSharding sharding, String tenant, String cluster, String volumeId, long groupSize,
                                                     Duration timeout) {
        VolumeLayout layout = new VolumeLayout(groupSize);
        return StorageUsage.inspect(sharding, volumeId, layout, 0, timeout).thenCompose(group0 -> {
            int highest = group0.stream().mapToInt(ReplicaStatus::highestGroup).max().orElse(0);
            List<Views.ReplicaCheck> all = new ArrayList<>();
            long[] bytes = new long[1];
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int g = 0; g <= highest; g++) {
                int group = g;
                chain = chain.thenCompose(v -> checkGroup(sharding, volumeId, layout, group, timeout)).thenAccept(r -> {
                    all.addAll(r.replicas());
                    bytes[0] += r.bytes();
                });
            }
            return chain.thenApply(v -> {
                boolean consistent = all.stream().noneMatch(r -> r.state().equals("differs") || r.state().equals("unreadable"));
                boolean complete = all.stream().allMatch(r -> r.state().equals("consistent"));
                return new Views.StorageCheck(tenant, cluster, volumeId, highest + 1, bytes[0], consistent, complete, all);
            });
        });
    }

    private record GroupResult(List<Views.ReplicaCheck> replicas, long bytes) {}

    private static CompletableFuture<GroupResult> checkGroup(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group,
                                                             Duration timeout) {
        return StorageUsage.inspect(sharding, volumeId, layout, group, timeout).thenCompose(statuses -> {
            long length = statuses.stream().mapToLong(ReplicaStatus::materializedLength).max().orElse(0);
            Outcome[] outcomes = new Outcome[VolumeLayout.REPLICAS];
            Arrays.setAll(outcomes, i -> new Outcome());
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (long offset = 0; offset < length; offset += RANGE) {
                long at = offset;
                int len = (int) Math.min(RANGE, length - offset);
                chain = chain.thenCompose(v -> digests(sharding, volumeId, layout, group, at, len, timeout))
                        .thenAccept(answers -> compare(answers, at, outcomes));
            }
            if (length == 0) {
                chain = chain.thenCompose(v -> digests(sharding, volumeId, layout, group, 0, 0, timeout))
                        .thenAccept(answers -> compare(answers, 0, outcomes));
            }
            return chain.thenApply(v -> {
                List<Views.ReplicaCheck> replicas = new ArrayList<>();
                for (int r = 0; r < outcomes.length; r++) {
                    Outcome o = outcomes[r];
                    replicas.add(new Views.ReplicaCheck(group, r, o.appliedLsn, o.state, o.firstDifference, o.detail));
                }
                return new GroupResult(replicas, length);
            });
        });
    }

    /** Compares one range's answers (indexed by replica; null: no answer) and updates the outcomes. */
    private static void compare(StorageSegment.BlocksDigest[] answers, long offset, Outcome[] outcomes) {
        long top = -1;
        for (int r = 0; r < answers.length; r++) {
            StorageSegment.BlocksDigest a = answers[r];
            if (a == null) {
                outcomes[r].worse("no answer", "no answer for the range at " + offset);
                continue;
            }
            outcomes[r].appliedLsn = Math.max(outcomes[r].appliedLsn, a.appliedLsn());
            if (a.sha256() == null) {
                outcomes[r].worse("unreadable", a.error());
                continue;
            }
            top = Math.max(top, a.appliedLsn());
        }
        Map<String, Integer> votes = new HashMap<>();
        for (StorageSegment.BlocksDigest a : answers) {
            if (a != null && a.sha256() != null && a.appliedLsn() == top) {
                votes.merge(java.util.HexFormat.of().formatHex(a.sha256()), 1, Integer::sum);
            }
        }
        int most = votes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        boolean clear = votes.values().stream().filter(n -> n == most).count() == 1;
        for (int r = 0; r < answers.length; r++) {
            StorageSegment.BlocksDigest a = answers[r];
            if (a == null || a.sha256() == null) {
                continue;
            }
            if (a.appliedLsn() < top) {
                outcomes[r].worse("behind", "applied LSN " + a.appliedLsn() + " below the group's " + top + " at the range at " + offset);
                continue;
            }
            String hex = java.util.HexFormat.of().formatHex(a.sha256());
            if (votes.get(hex) == most && clear) {
                continue;
            }
            if (outcomes[r].firstDifference < 0) {
                outcomes[r].firstDifference = offset;
            }
            outcomes[r].worse("differs", "the range at " + offset + " differs from " + (clear ? "the " + most + " replicas that agree"
                    : "replicas as many as those it agrees with") + " at applied LSN " + top);
        }
    }

    private static CompletableFuture<StorageSegment.BlocksDigest[]> digests(ClusterSharding sharding, String volumeId, VolumeLayout layout,
                                                                           int group, long offset, int length, Duration timeout) {
        List<CompletableFuture<StorageSegment.BlocksDigest>> asks = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            asks.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, group, r))
                    .<StorageSegment.BlocksDigest>ask(reply -> new StorageSegment.DigestBlocks(offset, length, reply), timeout)
                    .toCompletableFuture().exceptionally(e -> null));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> asks.stream().map(CompletableFuture::join).toArray(StorageSegment.BlocksDigest[]::new));
    }
}
