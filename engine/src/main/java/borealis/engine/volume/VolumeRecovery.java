package borealis.engine.volume;

import borealis.persistence.volume.LogRecord;
import borealis.persistence.volume.RecoveryPlan;
import borealis.persistence.volume.ReplicaStatus;
import borealis.persistence.volume.VolumeLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** After a write quorum answered, how long to wait for the stragglers' (more complete) statuses. */
    private static final long STRAGGLER_GRACE_MS = 200;

    record Outcome(long vcl, long size, int highestGroup, Map<Integer, Long> lastLsnInGroup) {}

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
        replicate(plan, highest);
        Map<Integer, Long> last = new HashMap<>();
        for (RecoveryPlan.GroupPlan g : plan.groups()) {
            last.put(g.group(), g.lastLsn());
        }
        install.accept(new Outcome(plan.vcl(), plan.volumeSize(), highest, last));
        log.info("volume {}: recovery in epoch {} took {} ms (durable base {}, VCL {})", id, epoch,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), plan.durableBase(), plan.vcl());
    }

    /** Adopts the epoch on the replicas of a group; returns at least a write quorum of statuses. */
    private List<ReplicaStatus> beginEpoch(int group) throws IOException {
        List<ReplicaStatus> ok = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch quorum = new CountDownLatch(VolumeLayout.WRITE_QUORUM);
        CountDownLatch all = new CountDownLatch(VolumeLayout.REPLICAS);
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            transport.beginEpoch(group, r, epoch)
                    .orTimeout(remainingMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((status, error) -> {
                        if (error == null) {
                            ok.add(status);
                            quorum.countDown();
                        } else {
                            failed.add(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
                            if (failed.size() > VolumeLayout.REPLICAS - VolumeLayout.WRITE_QUORUM) {
                                // A quorum can no longer be reached: stop waiting.
                                while (quorum.getCount() > 0) {
                                    quorum.countDown();
                                }
                            }
                        }
                        all.countDown();
                    });
        }
        await(quorum, remainingMillis());
        await(all, Math.min(STRAGGLER_GRACE_MS, remainingMillis()));
        synchronized (failed) {
            for (Throwable t : failed) {
                if (t instanceof VolumeFencedException f) {
                    throw f;
                }
            }
        }
        if (ok.size() < VolumeLayout.WRITE_QUORUM) {
            throw new VolumeUnavailableException("volume " + id + " group " + group + ": only " + ok.size()
                    + " of 6 replicas answered the recovery (4 needed): " + failed);
        }
        synchronized (ok) {
            return new ArrayList<>(ok);
        }
    }

    /** Seals every group at VCL+1 and makes the records at or below the VCL durable again. */
    private void replicate(RecoveryPlan plan, int highest) throws IOException {
        List<CompletableFuture<Void>> groups = new ArrayList<>();
        for (int g = 0; g <= highest; g++) {
            RecoveryPlan.GroupPlan gp = plan.group(g);
            List<LogRecord> records = gp == null ? List.of() : gp.toReplicate();
            CompletableFuture<Void> quorum = new CompletableFuture<>();
            AtomicInteger acks = new AtomicInteger();
            AtomicInteger answers = new AtomicInteger();
            int group = g;
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                // The hint must be an LSN of this group (replicas compare it with their SCL).
                long hint = gp == null ? 0 : Math.min(gp.lastLsn(), plan.durableBase());
                transport.append(g, r, epoch, plan.vcl() + 1, records, hint)
                        .orTimeout(remainingMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((res, err) -> {
                            if (err == null && res.accepted()) {
                                if (acks.incrementAndGet() == VolumeLayout.WRITE_QUORUM) {
                                    quorum.complete(null);
                                }
                            } else if (err == null && res.fenced()) {
                                quorum.completeExceptionally(new VolumeFencedException("volume " + id
                                        + " was opened by a newer writer during recovery (replica epoch " + res.replicaEpoch() + ")"));
                            }
                            if (answers.incrementAndGet() == VolumeLayout.REPLICAS && acks.get() < VolumeLayout.WRITE_QUORUM) {
                                quorum.completeExceptionally(new VolumeUnavailableException("volume " + id + " group " + group
                                        + ": only " + acks.get() + " of 6 replicas took the recovery records (4 needed)"));
                            }
                        });
            }
            groups.add(quorum);
        }
        join(CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0])));
    }

    private long remainingMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static void await(CountDownLatch latch, long millis) throws IOException {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during volume recovery", e);
        }
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
