package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a volume as a new writer (Aurora's crash recovery, adapted):
 *
 * <ol>
 *   <li>Adopt the new epoch on at least a write quorum of group 0's replicas, which fences the old
 *       writer there; learn from them how many groups exist (GROW records); do the same for every
 *       other group.</li>
 *   <li>From the statuses, compute the volume-complete LSN with {@link RecoveryPlan}.</li>
 *   <li>Send every group the records at or below it that some replica lacks, sealed at VCL+1 so
 *       replicas drop what lies above; wait for a write quorum of each group.</li>
 * </ol>
 */
final class VolumeRecovery {

    private static final Logger log = LoggerFactory.getLogger(VolumeRecovery.class);
    /**
     * After a write quorum adopted the epoch, how long to wait for the other replicas' statuses.
     * Four statuses are enough (every acknowledged record is on four replicas, so on two of any
     * four); a straggler's only adds records nobody acknowledged. The wait is paid in full when a
     * replica is dead, as after a failover: 200 ms for group 0, the other groups and the seal
     * each made 600 of the 700 ms of a recovery with a zone's node killed (ThreeZoneClusterIT).
     */
    private static final long STRAGGLER_GRACE_MS = 20;

    /**
     * {@code holding}: per group, the replicas known to hold it up to the VCL (they answered the
     * recovery); the others are not asked for reads until they report what they hold.
     */
    record Outcome(long vcl, long size, int highestGroup, Map<Integer, Long> lastLsnInGroup, Map<Integer, Set<Integer>> holding) {}

    private final String id;
    private final VolumeLayout layout;
    private final SegmentTransport transport;
    private final long epoch;
    private final ReplicatedVolume.Settings settings;
    private final long deadline;

    VolumeRecovery(String id, VolumeLayout layout, SegmentTransport transport, long epoch, ReplicatedVolume.Settings settings) {
        this.id = id;
        this.layout = layout;
        this.transport = transport;
        this.epoch = epoch;
        this.settings = settings;
        this.deadline = System.nanoTime() + settings.openTimeout().toNanos();
    }

    void run(Consumer<Outcome> install) throws IOException {
        long started = System.nanoTime();
        Map<Integer, List<ReplicaStatus>> statuses = new HashMap<>();
        statuses.put(0, beginEpoch(0));
        int highest = RecoveryPlan.highestGroup(statuses.get(0));
        Map<Integer, CompletableFuture<List<ReplicaStatus>>> others = new HashMap<>();
        for (int g = 1; g <= highest; g++) {
            int group = g;
            others.put(g, CompletableFuture.supplyAsync(() -> {
                try {
                    return beginEpoch(group);
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        for (Map.Entry<Integer, CompletableFuture<List<ReplicaStatus>>> e : others.entrySet()) {
            statuses.put(e.getKey(), join(e.getValue()));
        }
        RecoveryPlan plan = new RecoveryPlan(layout, statuses);
        Map<Integer, Set<Integer>> holding = replicate(plan, highest);
        Map<Integer, Long> last = new HashMap<>();
        for (RecoveryPlan.GroupPlan g : plan.groups()) {
            last.put(g.group(), g.lastLsn());
        }
        install.accept(new Outcome(plan.vcl(), plan.volumeSize(), highest, last, holding));
        log.info("volume {}: recovery in epoch {} took {} ms (durable base {}, VCL {})", id, epoch,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), plan.durableBase(), plan.vcl());
    }

    /**
     * Adopts the epoch on the replicas of a group; returns at least a write quorum of statuses.
     * Replicas that do not answer are asked again every retry interval until the open deadline
     * (a node may still be joining, a replica still starting).
     */
    private List<ReplicaStatus> beginEpoch(int group) throws IOException {
        Map<Integer, ReplicaStatus> ok = new ConcurrentHashMap<>();
        Map<Integer, Throwable> failed = new ConcurrentHashMap<>();
        rounds(group, ok::containsKey, r -> transport.beginEpoch(group, r, epoch).handle((status, error) -> {
            if (error == null) {
                ok.put(r, status);
                failed.remove(r);
                return true;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            failed.put(r, cause);
            if (cause instanceof VolumeFencedException) {
                throw new CompletionException(cause);
            }
            return false;
        }), () -> ok.size() >= VolumeLayout.WRITE_QUORUM, STRAGGLER_GRACE_MS);
        if (ok.size() < VolumeLayout.WRITE_QUORUM) {
            throw new VolumeUnavailableException("volume " + id + " group " + group + ": only " + ok.size()
                    + " of 6 replicas answered the recovery within " + settings.openTimeout() + " (4 needed): " + failed.values());
        }
        return new ArrayList<>(ok.values());
    }

    /**
     * Seals every group at VCL+1 and makes the records at or below the VCL durable again: a
     * replica counts once its SCL covers the group's last record (one with a hole catches up
     * from its peers meanwhile and is asked again). Returns, per group, the replicas that hold it.
     */
    private Map<Integer, Set<Integer>> replicate(RecoveryPlan plan, int highest) throws IOException {
        Map<Integer, Set<Integer>> holdingByGroup = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> groups = new ArrayList<>();
        for (int g = 0; g <= highest; g++) {
            int group = g;
            RecoveryPlan.GroupPlan gp = plan.group(g);
            List<LogRecord> records = gp == null ? List.of() : gp.toReplicate();
            long last = gp == null ? 0 : gp.lastLsn();
            // The hint must be an LSN of this group (replicas compare it with their SCL).
            long hint = Math.min(last, plan.durableBase());
            Set<Integer> holding = ConcurrentHashMap.newKeySet();
            holdingByGroup.put(group, holding);
            groups.add(CompletableFuture.runAsync(() -> {
                try {
                    rounds(group, holding::contains, r -> transport.append(group, r, epoch, plan.vcl() + 1, records, hint)
                            .thenApply(res -> {
                                if (res.fenced()) {
                                    throw new CompletionException(new VolumeFencedException("volume " + id
                                            + " was opened by a newer writer during recovery (replica epoch " + res.replicaEpoch() + ")"));
                                }
                                if (res.accepted() && res.scl() >= last) {
                                    holding.add(r);
                                    return true;
                                }
                                return false;
                            }), () -> holding.size() >= VolumeLayout.WRITE_QUORUM, 0);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
                if (holding.size() < VolumeLayout.WRITE_QUORUM) {
                    throw new CompletionException(new VolumeUnavailableException("volume " + id + " group " + group + ": only "
                            + holding.size() + " of 6 replicas hold the recovered records (4 needed) within " + settings.openTimeout()));
                }
            }));
        }
        join(CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0])));
        return holdingByGroup;
    }

    /**
     * Asks every replica not yet {@code done} at once, waits for the round (or for {@code enough}
     * plus {@code graceMillis} for stragglers, whose answers only add information), and repeats every
     * retry interval until {@code enough} or the open deadline. A round's future failing (a newer
     * writer) ends recovery.
     */
    private void rounds(int group, java.util.function.IntPredicate done,
                        java.util.function.IntFunction<CompletableFuture<Boolean>> ask, java.util.function.BooleanSupplier enough,
                        long graceMillis) throws IOException {
        while (true) {
            List<CompletableFuture<Boolean>> round = new ArrayList<>();
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                if (!done.test(r)) {
                    round.add(ask.apply(r).orTimeout(Math.min(remainingMillis(), settings.requestTimeout().toMillis()),
                            TimeUnit.MILLISECONDS));
                }
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(round.toArray(new CompletableFuture<?>[0]));
            long roundEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(remainingMillis(),
                    settings.requestTimeout().toMillis()));
            while (!all.isDone() && !enough.getAsBoolean() && System.nanoTime() < roundEnd) {
                pause(5);
            }
            if (enough.getAsBoolean() && graceMillis > 0) {
                long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(graceMillis, remainingMillis()));
                while (!all.isDone() && System.nanoTime() < graceEnd) {
                    pause(5);
                }
            }
            for (CompletableFuture<Boolean> f : round) {
                if (f.isCompletedExceptionally()) {
                    try {
                        f.join();
                    } catch (CompletionException e) {
                        if (e.getCause() instanceof VolumeFencedException fenced) {
                            throw fenced;
                        }
                    }
                }
            }
            if (enough.getAsBoolean() || remainingMillis() <= 1) {
                return;
            }
            pause(Math.min(settings.retryInterval().toMillis(), remainingMillis()));
            log.debug("volume {} group {}: recovery round without a quorum, asking again", id, group);
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during volume recovery", e);
        }
    }

    private long remainingMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("volume " + id + " recovery failed", c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new VolumeUnavailableException("volume " + id + " recovery did not finish within " + settings.openTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during volume recovery", e);
        }
    }
}
