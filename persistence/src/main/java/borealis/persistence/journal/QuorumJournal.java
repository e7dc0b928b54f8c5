package borealis.persistence.journal;

import borealis.persistence.serialization.BorealisSerializable;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Status;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * The control plane's journal (tenants, clusters, users, the capacity ledger): a copy on every node
 * of the {@code role} in its node-local {@link JournalStore}, a write acknowledged once a majority of
 * them have it on disk, recovery from a majority.
 *
 * <p>With the node-local journal alone, a control-plane entity that moved to another node (its node
 * died) started there from nothing: the cluster's users, and with them every password, were gone
 * (seen: a three-node cluster answered "password authentication failed" after one node was killed).
 * Here, any majority of replicas read at recovery intersects the majority that acknowledged each
 * write, so an acknowledged event survives the loss of a minority of nodes. Recovery takes the
 * union of what the majority holds and writes back to each replica what it lacked (read repair).
 * Cluster Sharding keeps one incarnation of an entity at a time; an event written by an older one
 * that lost its majority is at most one that was never acknowledged, and Pekko's replay filter
 * discards an old writer's events that interleave with a newer one's.
 *
 * <p>The plugin actor is also the replica: peers reach it at the same path on every node. With
 * {@code replicas = 1} (a single node) it is the node-local journal.
 */
public final class QuorumJournal extends AsyncWriteJournal {

    // ---- protocol between the replicas (Kryo ids 300-309, JournalKryoRegistrar) ----

    /** Events of one atomic write of one persistent actor, serialized as {@link PersistentRepr}. */
    public record Batch(String persistenceId, long[] seqNrs, byte[][] payloads) implements BorealisSerializable {}

    /** Keep these batches (events already held are skipped: a repeat or a repair is harmless). */
    public record Write(List<Batch> batches) implements BorealisSerializable {}

    public record Written(int batches) implements BorealisSerializable {}

    public record ReadHighest(String persistenceId) implements BorealisSerializable {}

    public record Highest(long seqNr) implements BorealisSerializable {}

    /** Events in {@code [from, to]}, at most {@code maxEvents} and about {@code maxBytes}. */
    public record Replay(String persistenceId, long from, long to, int maxEvents, int maxBytes) implements BorealisSerializable {}

    /** {@code more}: events in the asked range follow the last one sent. */
    public record Events(long[] seqNrs, byte[][] payloads, boolean more) implements BorealisSerializable {}

    public record Delete(String persistenceId, long toSeqNr) implements BorealisSerializable {}

    public record Deleted(long toSeqNr) implements BorealisSerializable {}

    /** A replay page: well inside a remoting frame (1 MiB). */
    private static final int PAGE_EVENTS = 2000;
    private static final int PAGE_BYTES = 256 * 1024;

    private final JournalStore store;
    private final Serialization serialization;
    private final ExecutorService replayPool;
    private final String role;
    private final int replicas;
    private final Duration timeout;
    /** Used from future callbacks as well as the actor: both are safe to share across threads. */
    private final org.apache.pekko.actor.ActorSystem system;
    private final ActorRef self;

    public QuorumJournal(Config config) {
        this.system = context().system();
        this.self = self();
        Path dir = Path.of(config.getString("dir")).toAbsolutePath();
        this.store = new JournalStore(dir, config.getBytes("max-file-size"), config.getBoolean("fsync"), 0,
                borealis.persistence.crypto.AtRestEncryption.get(system));
        this.serialization = SerializationExtension.get(system);
        this.role = config.getString("role");
        this.replicas = config.getInt("replicas");
        if (replicas < 1) {
            throw new IllegalArgumentException("borealis.journal.control.replicas must be at least 1, got " + replicas);
        }
        this.timeout = config.getDuration("timeout");
        this.replayPool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "borealis-control-journal-replay");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- the journal ----

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        AtomicWrites.Serialized serialized = AtomicWrites.serialize(messages, serialization);
        Write write = new Write(serialized.writes().stream().map(e -> new Batch(e.persistenceId(), e.seqNrs(), e.payloads())).toList());
        List<Optional<Exception>> results = serialized.results();
        CompletableFuture<Iterable<Optional<Exception>>> done = quorum("write", r -> ask(r, write, Written.class))
                .thenApply(answers -> results);
        return FutureConverters.asScala(done);
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        Delete delete = new Delete(persistenceId, toSequenceNr);
        return FutureConverters.asScala(quorum("delete", r -> ask(r, delete, Deleted.class)).thenApply(a -> null));
    }

    /**
     * The highest sequence number a majority knows of. Events above what some of them hold (a
     * write that reached fewer than a majority before its writer died) are first copied to those
     * replicas: otherwise the replay that follows, asking another majority, could miss an event
     * this number counts, and the entity would go on writing after a gap that a later recovery
     * fills with an event it never applied.
     */
    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        ReadHighest read = new ReadHighest(persistenceId);
        return FutureConverters.asScala(quorum("recovery", r -> ask(r, read, Highest.class)).thenCompose(answers -> {
            Address holder = null;
            long max = 0;
            long min = Long.MAX_VALUE;
            for (Map.Entry<Address, Highest> a : answers.entrySet()) {
                if (holder == null || a.getValue().seqNr() > max) {
                    holder = a.getKey();
                    max = a.getValue().seqNr();
                }
                min = Math.min(min, a.getValue().seqNr());
            }
            if (holder == null || min >= max) {
                return CompletableFuture.completedFuture(max);
            }
            long top = max;
            List<Address> behind = answers.entrySet().stream().filter(a -> a.getValue().seqNr() < top).map(Map.Entry::getKey).toList();
            return copyTop(persistenceId, holder, min + 1, top, behind).thenApply(v -> top);
        }));
    }

    /** Copies events {@code [from, to]} from {@code holder} to every replica in {@code behind}, page by page. */
    private CompletableFuture<Void> copyTop(String pid, Address holder, long from, long to, List<Address> behind) {
        return ask(holder, new Replay(pid, from, to, PAGE_EVENTS, PAGE_BYTES), Events.class).toCompletableFuture().thenCompose(page -> {
            if (page.seqNrs().length == 0) {
                return CompletableFuture.completedFuture(null);
            }
            Write write = new Write(List.of(new Batch(pid, page.seqNrs(), page.payloads())));
            CompletableFuture<?>[] writes = behind.stream().map(r -> ask(r, write, Written.class).toCompletableFuture())
                    .toArray(CompletableFuture<?>[]::new);
            long last = page.seqNrs()[page.seqNrs().length - 1];
            return CompletableFuture.allOf(writes).thenCompose(v -> page.more() ? copyTop(pid, holder, last + 1, to, behind)
                    : CompletableFuture.completedFuture(null));
        });
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        return FutureConverters.asScala(replayPage(persistenceId, fromSequenceNr, toSequenceNr, max, replayCallback));
    }

    /**
     * One page from a majority, merged: every answer covers the range up to its last event if it
     * has more, else all of it, so the merge is complete up to the lowest such bound. What a
     * replica lacked there (one that answered late included) is written back to it.
     */
    private CompletableFuture<Void> replayPage(String pid, long from, long to, long left, Consumer<PersistentRepr> callback) {
        if (from > to || left <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        Replay replay = new Replay(pid, from, to, (int) Math.min(PAGE_EVENTS, left), PAGE_BYTES);
        Map<Address, CompletableFuture<Events>> sent = send(r -> ask(r, replay, Events.class));
        return majority("recovery", sent).thenComposeAsync(answers -> {
            long bound = to;
            TreeMap<Long, byte[]> merged = new TreeMap<>();
            for (Events e : answers.values()) {
                for (int i = 0; i < e.seqNrs().length; i++) {
                    merged.putIfAbsent(e.seqNrs()[i], e.payloads()[i]);
                }
                if (e.more()) {
                    bound = Math.min(bound, e.seqNrs()[e.seqNrs().length - 1]);
                }
            }
            long delivered = 0;
            for (Map.Entry<Long, byte[]> event : merged.headMap(bound, true).entrySet()) {
                if (delivered >= left) {
                    break;
                }
                callback.accept(serialization.deserialize(event.getValue(), PersistentRepr.class).get());
                delivered++;
            }
            Map<Long, byte[]> page = merged.headMap(bound, true);
            sent.forEach((replica, answer) -> answer.thenAccept(held -> repair(pid, replica, held, page)));
            boolean more = answers.values().stream().anyMatch(Events::more);
            return more ? replayPage(pid, bound + 1, to, left - delivered, callback) : CompletableFuture.completedFuture(null);
        }, replayPool);
    }

    /** Writes back to a replica the events of a merged page it did not hold (up to what its answer covered). */
    private void repair(String pid, Address replica, Events held, Map<Long, byte[]> page) {
        long covered = held.more() ? held.seqNrs()[held.seqNrs().length - 1] : Long.MAX_VALUE;
        Set<Long> has = new HashSet<>();
        for (long s : held.seqNrs()) {
            has.add(s);
        }
        List<Long> missing = page.keySet().stream().filter(s -> s <= covered && !has.contains(s)).toList();
        if (missing.isEmpty()) {
            return;
        }
        long[] seqNrs = missing.stream().mapToLong(Long::longValue).toArray();
        byte[][] payloads = missing.stream().map(page::get).toArray(byte[][]::new);
        system.log().info("control journal: {} lacked {} event(s) of {}; copying them back", replica, seqNrs.length, pid);
        ask(replica, new Write(List.of(new Batch(pid, seqNrs, payloads))), Written.class);
    }

    // ---- quorums ----

    /** The replicas now: members of the role that are up and reachable (this node first). */
    private List<Address> replicaAddresses() {
        Cluster cluster = Cluster.get(system);
        Set<Member> unreachable = cluster.state().getUnreachable();
        List<Address> out = new ArrayList<>();
        out.add(cluster.selfAddress());
        for (Member m : cluster.state().getMembers()) {
            boolean serving = m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
                    || m.status() == MemberStatus.leaving();
            if (serving && m.hasRole(role) && !unreachable.contains(m) && !m.address().equals(cluster.selfAddress())) {
                out.add(m.address());
            }
        }
        return out;
    }

    /** Sends one request to every replica now reachable. */
    private <T> Map<Address, CompletableFuture<T>> send(Function<Address, CompletionStage<T>> request) {
        Map<Address, CompletableFuture<T>> sent = new java.util.LinkedHashMap<>();
        for (Address target : replicaAddresses()) {
            sent.put(target, request.apply(target).toCompletableFuture());
        }
        return sent;
    }

    private <T> CompletableFuture<Map<Address, T>> quorum(String what, Function<Address, CompletionStage<T>> request) {
        return majority(what, send(request));
    }

    /**
     * The first majority of answers, or a failure once a majority can no longer answer. The
     * majority is of the configured replica count (or of the role's members, if there are more),
     * never of those that happen to be reachable: two sides of a partition cannot both have one.
     */
    private <T> CompletableFuture<Map<Address, T>> majority(String what, Map<Address, CompletableFuture<T>> sent) {
        int total = Math.max(replicas, sent.size());
        int needed = total / 2 + 1;
        CompletableFuture<Map<Address, T>> done = new CompletableFuture<>();
        if (sent.size() < needed) {
            done.completeExceptionally(new IllegalStateException("control-plane " + what + " needs " + needed + " of the " + total
                    + " control nodes, and " + sent.size() + " are reachable"));
            return done;
        }
        Map<Address, T> answers = new java.util.LinkedHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        sent.forEach((target, answer) -> answer.whenComplete((a, error) -> {
            synchronized (answers) {
                if (done.isDone()) {
                    return;
                }
                if (error == null) {
                    answers.put(target, a);
                    if (answers.size() >= needed) {
                        done.complete(Map.copyOf(answers));
                    }
                } else {
                    failures.add(error);
                    if (sent.size() - failures.size() < needed) {
                        done.completeExceptionally(new IllegalStateException("control-plane " + what + ": " + failures.size()
                                + " of " + sent.size() + " control nodes failed, " + needed + " must answer; first: "
                                + failures.get(0).getMessage(), failures.get(0)));
                    }
                }
            }
        }));
        return done;
    }

    /** This node's replica directly; a peer's through its plugin actor, at this actor's path there. */
    private <T> CompletionStage<T> ask(Address replica, Object request, Class<T> type) {
        if (replica.equals(Cluster.get(system).selfAddress())) {
            return local(request).thenApply(type::cast);
        }
        String path = self.path().toStringWithAddress(replica);
        return Patterns.ask(system.actorSelection(path), request, timeout).thenApply(answer -> {
            if (answer instanceof Status.Failure f) {
                throw new IllegalStateException("replica " + replica + ": " + f.cause().getMessage(), f.cause());
            }
            return type.cast(answer);
        });
    }

    // ---- the replica ----

    @Override
    public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
        return ReceiveBuilder.create()
                .match(Write.class, this::answer)
                .match(ReadHighest.class, this::answer)
                .match(Replay.class, this::answer)
                .match(Delete.class, this::answer)
                .build().onMessage();
    }

    private void answer(Object request) {
        ActorRef replyTo = sender();
        local(request).whenComplete((answer, error) -> replyTo.tell(error == null ? answer : new Status.Failure(error), self));
    }

    /** What this node's replica answers to a request. */
    private CompletableFuture<Object> local(Object request) {
        if (request instanceof Write w) {
            List<LogEntry> entries = new ArrayList<>();
            for (Batch b : w.batches()) {
                LogEntry.Events fresh = unheld(b);
                if (fresh != null) {
                    entries.add(fresh);
                }
            }
            return store.append(entries).thenApply(v -> new Written(w.batches().size()));
        } else if (request instanceof ReadHighest r) {
            return CompletableFuture.completedFuture(new Highest(store.highestSequenceNr(r.persistenceId())));
        } else if (request instanceof Replay r) {
            return CompletableFuture.supplyAsync(() -> read(r), replayPool);
        } else if (request instanceof Delete d) {
            long to = Math.min(d.toSeqNr(), store.highestSequenceNr(d.persistenceId()));
            return store.append(List.of(new LogEntry.Delete(d.persistenceId(), to))).thenApply(v -> new Deleted(to));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("not a journal request: " + request.getClass()));
    }

    /** The events of a batch this replica does not hold yet, or null if it holds them all. */
    private LogEntry.Events unheld(Batch b) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < b.seqNrs().length; i++) {
            if (!store.holds(b.persistenceId(), b.seqNrs()[i])) {
                keep.add(i);
            }
        }
        if (keep.size() == b.seqNrs().length) {
            return new LogEntry.Events(b.persistenceId(), b.seqNrs(), b.payloads());
        }
        if (keep.isEmpty()) {
            return null;
        }
        return new LogEntry.Events(b.persistenceId(), keep.stream().mapToLong(i -> b.seqNrs()[i]).toArray(),
                keep.stream().map(i -> b.payloads()[i]).toArray(byte[][]::new));
    }

    private Events read(Replay r) {
        List<Long> seqNrs = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        int bytes = 0;
        boolean more = false;
        for (JournalStore.Located e : store.located(r.persistenceId(), r.from(), r.to(), r.maxEvents() + 1L)) {
            if (seqNrs.size() >= r.maxEvents() || (!seqNrs.isEmpty() && bytes + e.location().length() > r.maxBytes())) {
                more = true;
                break;
            }
            seqNrs.add(e.seqNr());
            payloads.add(store.payload(r.persistenceId(), e));
            bytes += e.location().length();
        }
        return new Events(seqNrs.stream().mapToLong(Long::longValue).toArray(), payloads.toArray(byte[][]::new), more);
    }

    @Override
    public void postStop() throws Exception {
        store.close();
        replayPool.shutdown();
        super.postStop();
    }
}
