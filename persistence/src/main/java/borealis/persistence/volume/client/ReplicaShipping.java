package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The writer's shipping of log records to the six replicas of each protection group: a
 * {@link ReplicaLink} per replica, the records queued since a group's last flush, and the appends
 * that carry them. Each replica has a few batches in flight; whatever arrives meanwhile goes out
 * together in the next one. Replies go back to the {@link ReplicatedVolume}, which counts them
 * toward quorums. Guarded by the volume's lock: every method is called holding it.
 */
final class ReplicaShipping {

    /** Where the outcome of an append goes (the volume, which takes its lock). */
    interface Replies {
        void onAppendReply(int group, int replica, List<LogRecord> batch, SegmentTransport.AppendResult result);
    }

    private final SegmentTransport transport;
    private final long epoch;
    private final ReplicatedVolume.Settings settings;
    /** Whether the volume still sends: neither fenced nor closed. */
    private final BooleanSupplier sending;
    private final Replies replies;

    private ReplicaLink[][] links = new ReplicaLink[16][];
    /** Bytes queued per group since its last flush, and the groups with records not yet flushed. */
    private long[] queuedBytes = new long[16];
    private final BitSet unsent = new BitSet();
    /** Set by recovery, before the first record. */
    private long epochStart;
    private QuorumTracker tracker;

    private final AtomicLong bytesShipped = new AtomicLong();
    private final AtomicLong recordsShipped = new AtomicLong();
    private final AtomicLong appendsSent = new AtomicLong();

    ReplicaShipping(SegmentTransport transport, long epoch, ReplicatedVolume.Settings settings, BooleanSupplier sending,
                    Replies replies) {
        this.transport = transport;
        this.epoch = epoch;
        this.settings = settings;
        this.sending = sending;
        this.replies = replies;
    }

    /** Recovery is done: this epoch's log starts at {@code epochStart}, and {@code tracker} counts the acknowledgements. */
    void start(long epochStart, QuorumTracker tracker) {
        this.epochStart = epochStart;
        this.tracker = tracker;
    }

    void ensureGroup(int group) {
        if (group >= links.length) {
            int n = Math.max(group + 1, links.length * 2);
            links = Arrays.copyOf(links, n);
            queuedBytes = Arrays.copyOf(queuedBytes, n);
        }
        if (links[group] == null) {
            links[group] = new ReplicaLink[VolumeLayout.REPLICAS];
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                links[group][r] = new ReplicaLink();
            }
        }
    }

    ReplicaLink link(int group, int replica) {
        return links[group][replica];
    }

    /** The links to a group's six replicas. */
    ReplicaLink[] linksOf(int group) {
        return links[group];
    }

    /** Queues a record for the six replicas of its group; once a batch's worth has queued, the group is flushed. */
    void queue(LogRecord r) {
        recordsShipped.incrementAndGet();
        queuedBytes[r.group()] += r.wireSize();
        unsent.set(r.group());
        for (int replica = 0; replica < VolumeLayout.REPLICAS; replica++) {
            links[r.group()][replica].enqueue(r);
        }
        if (queuedBytes[r.group()] >= settings.maxBatchBytes()) {
            flush(r.group());
        }
    }

    /** Sends what is queued for every group. */
    void flush() {
        for (int g = unsent.nextSetBit(0); g >= 0; g = unsent.nextSetBit(g + 1)) {
            flush(g);
        }
    }

    private void flush(int group) {
        unsent.clear(group);
        queuedBytes[group] = 0;
        for (int replica = 0; replica < VolumeLayout.REPLICAS; replica++) {
            pump(group, replica);
        }
    }

    /** Sends the next batch to a replica if none is in flight. */
    void pump(int group, int replica) {
        ReplicaLink link = links[group][replica];
        if (link.canSend() && sending.getAsBoolean()) {
            send(group, replica, link, link.nextBatch(settings.maxBatchBytes()));
        }
    }

    private void send(int group, int replica, ReplicaLink link, List<LogRecord> batch) {
        int bytes = 0;
        for (LogRecord r : batch) {
            bytes += r.wireSize();
        }
        // The hint is the group's newest durable LSN (an LSN of this group), so a replica can tell
        // from it alone whether it misses a record.
        long hint = tracker.lastDurableInGroup(group);
        link.hintSent = hint;
        bytesShipped.addAndGet(bytes);
        appendsSent.incrementAndGet();
        transport.append(group, replica, epoch, epochStart, batch, hint)
                .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> replies.onAppendReply(group, replica, batch,
                        error != null ? SegmentTransport.AppendResult.failed(String.valueOf(error)) : result));
    }

    /**
     * The periodic pass over replicas with nothing in flight: retry suspect ones, ask lagging ones
     * how far they have caught up, and tell idle ones how far their group is durable.
     * {@code lastLsnInGroup}: each group's newest LSN.
     */
    void retryAndNotify(int highestGroup, long[] lastLsnInGroup) {
        long vdl = tracker.vdl();
        for (int g = 0; g <= highestGroup; g++) {
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                ReplicaLink link = links[g][r];
                if (!link.inFlight.isEmpty()) {
                    continue;
                }
                if (link.suspect) {
                    link.dropDurable(tracker);
                    send(g, r, link, link.queue.isEmpty() ? link.probe() : link.nextBatch(settings.maxBatchBytes()));
                } else if (link.queue.isEmpty() && lastLsnInGroup[g] > vdl && link.scl < lastLsnInGroup[g]) {
                    // It took records but has not caught up to them: ask again (an empty batch).
                    send(g, r, link, link.probe());
                } else if (link.queue.isEmpty() && link.hintSent < tracker.lastDurableInGroup(g)) {
                    link.hintSent = tracker.lastDurableInGroup(g);
                    transport.durableNotice(g, r, epoch, link.hintSent);
                }
            }
        }
    }

    /** Which groups lack a write quorum, for error messages. */
    String quorumReport(int highestGroup, long[] lastLsnInGroup) {
        StringBuilder sb = new StringBuilder();
        long vdl = tracker.vdl();
        for (int g = 0; g <= highestGroup; g++) {
            if (lastLsnInGroup[g] <= vdl) {
                continue;
            }
            int caughtUp = 0;
            for (ReplicaLink l : links[g]) {
                caughtUp += l.scl >= lastLsnInGroup[g] ? 1 : 0;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append("group ").append(g).append(": ").append(caughtUp)
                    .append(" of 6 replicas caught up, 4 needed");
        }
        return sb.length() == 0 ? "quorum reached meanwhile" : sb.toString();
    }

    /** How many of a group's replicas are suspect. */
    int suspectReplicas(int group) {
        int down = 0;
        for (ReplicaLink l : links[group]) {
            down += l.suspect ? 1 : 0;
        }
        return down;
    }

    long bytesShipped() {
        return bytesShipped.get();
    }

    long recordsShipped() {
        return recordsShipped.get();
    }

    long appendsSent() {
        return appendsSent.get();
    }
}
