package borealis.actors.compute;

import borealis.engine.governor.CpuGovernor;
import borealis.engine.governor.HeapGuard;
import borealis.engine.pg.PgError;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.serialization.BorealisSerializable;
import borealis.persistence.volume.client.Volume;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One client session on a compute instance: runs a {@link PgSession} on the SQL thread pool and
 * streams its output to the client's proxy session.
 *
 * <p>Frontend messages are processed one batch at a time, in order. Output leaves only once the
 * volume is durable up to the LSN the batch required, and at most {@link #MAX_UNACKED} chunks are
 * unacknowledged by the proxy; a large result is produced chunk by chunk as the client reads it.
 * Input is paced the other way: the session tells the proxy how many submitted messages it has
 * taken off its queue ({@link ClientConnection.InputTaken}), and the proxy reads the socket only
 * while the untaken ones stay within its bound, so a client that pipelines without reading its
 * results stalls in its own TCP window.
 *
 * <p>Phases, each a behaviour: <em>serving</em>; <em>rebinding</em> (a reader's session opening
 * again on a newer snapshot, in place); <em>detached</em> (handed over: the client's proxy takes
 * the session to the instance's new node); <em>draining</em> (after Terminate). A move or a
 * handover waits for a transaction boundary at the end of a request, with all output written.
 */
public final class SqlSession {

    /** Output bytes per chunk before processing pauses for the client to catch up. */
    static final int CHUNK_BYTES = 256 * 1024;
    /** Chunks sent to the proxy and not yet written to the client. */
    static final int MAX_UNACKED = 4;
    /** A client's turn counts at most this long. */
    private static final long CLIENT_TURN_CAP_NANOS = 1_000_000_000L;

    public interface Command extends BorealisSerializable {}

    /** Frontend messages from the client, in order. */
    public record Submit(List<FrontendMessage> messages) implements Command {}

    /** The proxy wrote output chunk {@code seq} to the client. */
    public record Ack(long seq) implements Command {}

    /** CancelRequest for this session. */
    public record Cancel() implements Command {}

    /** The client connection is gone. */
    public record Close() implements Command {}

    /** The instance ends the session: the client gets this FATAL error, then the connection closes. */
    public record End(String sqlState, String message) implements Command {}

    /**
     * The instance is moving or stopping: hand the session over at its next transaction boundary.
     * With {@code park} the instance is pausing to make room: the proxy keeps the session's state and
     * opens it again only when the client next sends something. A session that listens is not
     * parked (it would miss notifications while parked), so the pause does not happen.
     */
    public record Handover(boolean park) implements Command {}

    /** The proxy holds the client's messages from here on (the answer to {@link ClientConnection.Detaching}). */
    public record DetachAck() implements Command {}

    /**
     * On a reader instance: move to another database (a newer snapshot) at the next transaction
     * boundary, in place (the client notices nothing). {@code done} is told the outcome, on the
     * session's thread: null when moved, or why not (the session then stays where it was).
     */
    public record Rebind(Volume volume, Opener opener, java.util.function.Consumer<Throwable> done)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Opens the session again elsewhere from its transferable state. */
    @FunctionalInterface
    public interface Opener {
        PgSession open(PgSession.Handover state) throws Exception;
    }

    private record Rebound(Rebind rebind, PgSession next, Throwable error)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** {@code queued}: the messages the session still holds unprocessed after the call. */
    private record Processed(PgSession.Outcome outcome, byte[] output, Throwable error, int queued, boolean reattachable,
                             PgSession.Handover checkpoint) implements Command {
        Processed(PgSession.Outcome outcome, byte[] output, Throwable error, int queued) {
            this(outcome, output, error, queued, false, null);
        }
    }

    private record Durable(long seq, Throwable error) implements Command {}

    /** Notifications wait for the session (told by the committing session's thread); never leaves the node. */
    private record NotificationsQueued() implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Checks whether the session has waited for its client long enough to be parked. */
    private record ParkIfIdle() implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private static final class Pending {
        final long seq;
        final byte[] bytes;
        boolean durable;

        Pending(long seq, byte[] bytes) {
            this.seq = seq;
            this.bytes = bytes;
        }
    }

    private final ActorContext<Command> ctx;
    private PgSession session;
    private Volume volume;
    private final ActorRef<ClientConnection> client;
    private final ExecutorService sqlPool;
    private final CpuGovernor governor;
    private final ArrayDeque<FrontendMessage> inbox = new ArrayDeque<>();
    private final ArrayDeque<Pending> outbox = new ArrayDeque<>();
    // Requests that wait for a transaction boundary.
    /** A move to another snapshot. */
    private Rebind rebind;
    /** The instance asked for the session to be handed over. */
    private boolean handoverAsked;
    private boolean park;
    /** Idle this long, the session parks itself (0: never). */
    private long parkAfterNanos;
    // Flow within the serving phase.
    /** A batch runs on the SQL pool. */
    private boolean processing;
    /** The session holds more output of a batch, produced once the client reads what was sent. */
    private boolean suspended;
    /**
     * Whether the client's last message handed to the session ended a request (Sync or a simple
     * Query): in between, an unnamed statement or portal (which a move does not carry) may be in use.
     */
    private boolean atRequestBoundary = true;
    /** The batch submitted to the governor and not processed yet (null: none). */
    private CompletableFuture<Processed> queuedWork;

    /** Since when the session waits for its client (0: it does not); reported to the governor. */
    private long clientTurnSince;
    private long nextSeq;
    /** Messages submitted by the client's proxy, and how many of them it was told were taken. */
    private long submitted;
    private long reportedTaken;
    private long acked = -1;
    private long sentUpTo = -1;
    /** {@link PgSession#handoverVersion()} of the last checkpoint made (on the SQL pool, one batch at a time). */
    private volatile long checkpointVersion = Long.MIN_VALUE;
    /** A {@link ClientConnection.Reattachable} to tell once the output up to {@code reattachAfterSeq} is sent. */
    private ClientConnection.Reattachable reattachNote;
    private long reattachAfterSeq;

    private SqlSession(ActorContext<Command> ctx, PgSession session, Volume volume, ActorRef<ClientConnection> client,
                       ExecutorService sqlPool, CpuGovernor governor) {
        this.ctx = ctx;
        this.session = session;
        this.volume = volume;
        this.client = client;
        this.sqlPool = sqlPool;
        this.governor = governor;
        ctx.watch(client);
        listenFor(session);
    }

    /** An idle session sends notifications as they come, without waiting for a query (as PostgreSQL does). */
    private void listenFor(PgSession s) {
        ActorRef<Command> self = ctx.getSelf();
        s.onNotification(() -> self.tell(new NotificationsQueued()));
    }

    /** Statement batches run on {@code sqlPool} once {@code governor} (the instance's CPU budget) admits them. */
    public static Behavior<Command> create(PgSession session, Volume volume, ActorRef<ClientConnection> client, ExecutorService sqlPool,
                                           CpuGovernor governor) {
        return create(session, volume, client, sqlPool, governor, Duration.ZERO);
    }

    /**
     * With {@code parkAfter} > 0, a session whose client has sent nothing for that long is parked
     * at the proxy (see {@link Handover}) when nothing it holds would be lost: it then holds no
     * engine session and no connection slot until its client sends again, and an instance whose
     * sessions are all parked may pause. Checked a few times per period, not per statement.
     */
    public static Behavior<Command> create(PgSession session, Volume volume, ActorRef<ClientConnection> client, ExecutorService sqlPool,
                                           CpuGovernor governor, Duration parkAfter) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            SqlSession s = new SqlSession(ctx, session, volume, client, sqlPool, governor);
            if (!parkAfter.isZero()) {
                s.parkAfterNanos = parkAfter.toNanos();
                Duration every = parkAfter.dividedBy(4).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : parkAfter.dividedBy(4);
                timers.startTimerWithFixedDelay(new ParkIfIdle(), every.isZero() ? parkAfter : every);
            }
            return s.serving();
        }));
    }

    // ---- phases ----

    /** The client's statements run; a move or handover starts at the next transaction boundary. */
    private Behavior<Command> serving() {
        return withEnds(Behaviors.receive(Command.class)
                .onMessage(Submit.class, s -> {
                    accept(s);
                    return advance();
                })
                .onMessage(Processed.class, this::onProcessed)
                .onMessage(Durable.class, d -> onDurable(d, this::advance))
                .onMessage(Ack.class, a -> onAck(a, this::advance))
                .onMessage(Rebind.class, r -> {
                    if (rebind != null) {
                        rebind.done().accept(new IllegalStateException("superseded by a newer move"));
                    }
                    rebind = r;
                    return advance();
                })
                .onMessage(Handover.class, h -> {
                    if (!h.park() || session.canPark()) {
                        handoverAsked = true;
                        park = h.park();
                    }
                    return advance();
                })
                .onMessage(NotificationsQueued.class, n -> advance())
                .onMessage(ParkIfIdle.class, p -> {
                    if (clientTurnSince != 0 && System.nanoTime() - clientTurnSince >= parkAfterNanos && inbox.isEmpty() && !handoverAsked
                            && session.canPark()) {
                        handoverAsked = true;
                        park = true;
                    }
                    return advance();
                }));
    }

    /** The session opens again on another snapshot; the client's statements wait, then run there. */
    private Behavior<Command> rebinding(Rebind r) {
        PgSession old = session;
        CompletableFuture<Rebound> work = CompletableFuture.supplyAsync(() -> {
            try {
                PgSession next = r.opener().open(old.handover());
                old.close();
                return new Rebound(r, next, null);
            } catch (Exception | Error e) {
                return new Rebound(r, null, e);
            }
        }, sqlPool);
        ctx.pipeToSelf(work, (ok, err) -> ok != null ? ok : new Rebound(r, null, err));
        return withEnds(Behaviors.receive(Command.class)
                .onMessage(Submit.class, s -> {
                    accept(s);
                    return Behaviors.same();
                })
                .onMessage(Durable.class, d -> onDurable(d, Behaviors::same))
                .onMessage(Ack.class, a -> onAck(a, Behaviors::same))
                .onMessage(Rebind.class, next -> {
                    if (rebind != null) {
                        rebind.done().accept(new IllegalStateException("superseded by a newer move"));
                    }
                    rebind = next;
                    return Behaviors.same();
                })
                .onMessage(Handover.class, h -> {
                    handoverAsked = true;
                    park = false;
                    return Behaviors.same();
                })
                .onMessage(Rebound.class, done -> {
                    if (done.error() == null) {
                        session = done.next();
                        volume = done.rebind().volume();
                        listenFor(session);
                    }
                    done.rebind().done().accept(done.error());
                    return advanceFrom(serving());
                }));
    }

    /**
     * The client was told to take the session elsewhere and what it sent since comes back to it;
     * the proxy's acknowledgement is the last message, after everything it sent before.
     */
    private Behavior<Command> detached() {
        client.tell(new ClientConnection.Detaching(session.handover(), park));
        return withEnds(Behaviors.receive(Command.class)
                .onMessage(Submit.class, s -> {
                    inbox.addAll(s.messages());
                    return Behaviors.same();
                })
                .onMessage(DetachAck.class, a -> {
                    client.tell(new ClientConnection.Detached(List.copyOf(inbox)));
                    inbox.clear();
                    return Behaviors.stopped();
                }));
    }

    /** The client said Terminate: the rest of the output goes out, then the connection ends. */
    private Behavior<Command> draining() {
        return withEnds(Behaviors.receive(Command.class)
                .onMessage(Durable.class, d -> onDurable(d, this::drained))
                .onMessage(Ack.class, a -> onAck(a, this::drained)));
    }

    private Behavior<Command> drained() {
        if (!outbox.isEmpty()) {
            return Behaviors.same();
        }
        client.tell(new ClientConnection.Ended(null, null));
        return Behaviors.stopped();
    }

    /** What ends a session in any phase: cancel requests, the client going away, the instance ending it. */
    private Behavior<Command> withEnds(BehaviorBuilder<Command> phase) {
        return phase
                .onMessage(Cancel.class, c -> {
                    session.cancel();
                    if (processing && queuedWork != null) {
                        governor.startNow(queuedWork); // still waiting for the budget: it answers the cancel now
                    }
                    return Behaviors.same();
                })
                .onMessage(Close.class, c -> Behaviors.stopped())
                .onMessage(End.class, e -> {
                    client.tell(new ClientConnection.Ended(e.sqlState(), e.message()));
                    return Behaviors.stopped();
                })
                .onMessage(Rebind.class, r -> {
                    r.done().accept(new IllegalStateException("the session is ending"));
                    return Behaviors.same();
                })
                // Anything else is for another phase (input after Terminate, a handover while detached).
                .onMessage(Command.class, other -> Behaviors.same())
                .onSignal(Terminated.class, t -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> {
                    if (processing) {
                        session.cancel();
                    }
                    if (rebind != null) {
                        rebind.done().accept(new IllegalStateException("the session ended"));
                    }
                    // The session is closed on the SQL pool, after any running statement ends.
                    sqlPool.execute(session::close);
                    return Behaviors.same();
                })
                .build();
    }

    // ---- serving ----

    private void accept(Submit s) {
        if (clientTurnSince != 0) {
            // A scaling signal: the part of a session's cycle that no allocation shortens (capped: idle time is not a round trip).
            governor.clientTurn(Math.min(System.nanoTime() - clientTurnSince, CLIENT_TURN_CAP_NANOS));
            clientTurnSince = 0;
        }
        inbox.addAll(s.messages());
        submitted += s.messages().size();
    }

    private Behavior<Command> advance() {
        return advanceFrom(Behaviors.same());
    }

    /**
     * After new input or acknowledged output: at a transaction boundary, a waiting handover or
     * move starts (handover first: the instance is going away); else more is processed. Then the
     * client's turn is timed. {@code current} is the serving behaviour to stay in.
     */
    private Behavior<Command> advanceFrom(Behavior<Command> current) {
        if (atBoundary()) {
            // An unnamed portal does not move, and all output must be written before the client is told.
            if (handoverAsked && park && !session.canPark()) {
                // It made something a parked session would lose (a temporary table, say): stay.
                handoverAsked = false;
                park = false;
            }
            if (handoverAsked && outbox.isEmpty()) {
                return detached();
            }
            if (rebind != null && session.isQuiescent()) {
                Rebind r = rebind;
                rebind = null;
                return rebinding(r);
            }
        }
        maybeProcess();
        // Only while the client reads its output: for one that does not, notifications stay in the
        // session's bounded queue (and NOTIFY fails when it is full) instead of piling up here.
        if (inbox.isEmpty() && atBoundary() && !handoverAsked && rebind == null && outbox.size() < MAX_UNACKED
                && session.hasNotifications()) {
            deliverNotifications();
        }
        if (!processing && inbox.isEmpty() && !suspended && clientTurnSince == 0) {
            clientTurnSince = System.nanoTime();
        }
        return current;
    }

    /** Between transactions, at the end of a request, with nothing running or half-sent. */
    private boolean atBoundary() {
        return !processing && !suspended && atRequestBoundary && session.canHandOver();
    }

    private void maybeProcess() {
        if (processing || outbox.size() >= MAX_UNACKED) {
            return;
        }
        if (!suspended && inbox.isEmpty()) {
            return;
        }
        List<FrontendMessage> batch = new ArrayList<>(inbox);
        inbox.clear();
        if (!batch.isEmpty()) {
            FrontendMessage last = batch.get(batch.size() - 1);
            atRequestBoundary = last instanceof FrontendMessage.Sync || last instanceof FrontendMessage.Query;
        }
        boolean resume = suspended;
        boolean endsRequest = atRequestBoundary;
        processing = true;
        long cancelsAtQueue = session.cancelCount();
        CompletableFuture<Processed> work = governor.submit(() -> {
            session.queuedAt(cancelsAtQueue);
            BackendWriter out = BatchWriters.forThisThread();
            // A statement cancelled for memory also puts its instance in CPU debt (CpuGovernor.penalize).
            try (AutoCloseable tracked = HeapGuard.track(bytes -> {
                session.cancelForMemory(bytes);
                governor.penalize();
            })) {
                PgSession.Outcome o = resume && batch.isEmpty() ? session.resume(out, CHUNK_BYTES)
                        : session.process(batch, out, CHUNK_BYTES);
                int queued = session.queuedMessages();
                boolean reattachable = endsRequest && !o.suspended() && !o.terminate() && queued == 0 && session.canPark();
                PgSession.Handover checkpoint = null;
                if (reattachable && session.handoverVersion() != checkpointVersion) {
                    checkpointVersion = session.handoverVersion();
                    checkpoint = session.handover();
                }
                return new Processed(o, out.take(), null, queued, reattachable, checkpoint);
            } catch (Exception | Error e) {
                // Contained here, on the SQL thread: an Error from a client's statement must not reach the actor system.
                return new Processed(null, out.take(), e, 0);
            }
        }, sqlPool, session.transactionStatus() == 'I');
        queuedWork = work;
        ctx.pipeToSelf(work, (ok, err) -> ok != null ? ok : new Processed(null, new byte[0], err, 0));
    }

    private Behavior<Command> onProcessed(Processed p) {
        processing = false;
        queuedWork = null;
        if (p.error() != null) {
            ctx.getLog().error("session failed", p.error());
            client.tell(p.error() instanceof StackOverflowError
                    ? new ClientConnection.Ended(PgError.STACK_DEPTH.sqlState(), PgError.STACK_DEPTH.message())
                    : new ClientConnection.Ended("XX000", "internal error: " + p.error()));
            return Behaviors.stopped();
        }
        long taken = submitted - inbox.size() - p.queued();
        if (taken > reportedTaken) {
            client.tell(new ClientConnection.InputTaken((int) (taken - reportedTaken)));
            reportedTaken = taken;
        }
        suspended = p.outcome().suspended();
        boolean terminating = p.outcome().terminate();
        if (p.output().length > 0 || terminating) {
            queueOutput(p.output(), p.outcome());
        }
        noteReattachable(p);
        send();
        if (terminating) {
            return outbox.isEmpty() ? drained() : draining();
        }
        return advance();
    }

    // ---- output ----

    /** Output of the session, to go out in order once what {@code o} requires is safe. */
    private void queueOutput(byte[] bytes, PgSession.Outcome o) {
        Pending pending = new Pending(nextSeq++, bytes);
        outbox.add(pending);
        CompletableFuture<Long> required = o.requiredLsn();
        if (required.isDone() && !required.isCompletedExceptionally() && required.join() <= volume.durableLsn()) {
            pending.durable = true;
        } else {
            // Work that wrote nothing need not wait for a write quorum, only for what it saw to
            // be safe on a read quorum (reads go on while writes cannot).
            ctx.pipeToSelf(required.thenCompose(lsn -> o.wrote() ? volume.whenDurable(lsn) : volume.whenReadable(lsn)),
                    (v, err) -> new Durable(pending.seq, err));
        }
    }

    /**
     * NotificationResponse messages to an idle client (between transactions, nothing running), as
     * a batch of their own on the SQL pool: finding their commit point may store the volume.
     */
    private void deliverNotifications() {
        processing = true;
        PgSession current = session;
        CompletableFuture<Processed> work = CompletableFuture.supplyAsync(() -> {
            BackendWriter out = new BackendWriter(1024);
            PgSession.Outcome o = current.deliverNotifications(out);
            return new Processed(o != null ? o : NOTHING_DELIVERED, out.take(), null, 0);
        }, sqlPool);
        ctx.pipeToSelf(work, (ok, err) -> ok != null ? ok : new Processed(null, new byte[0], err, 0));
    }

    private static final PgSession.Outcome NOTHING_DELIVERED =
            new PgSession.Outcome(false, CompletableFuture.completedFuture(0L), false, false);

    private Behavior<Command> onDurable(Durable d, Supplier<Behavior<Command>> then) {
        if (d.error() != null) {
            PgError e = PgError.error("08006", "could not make the transaction durable: " + rootMessage(d.error()));
            client.tell(new ClientConnection.Ended(e.sqlState(), e.message()));
            return Behaviors.stopped();
        }
        for (Pending p : outbox) {
            if (p.seq == d.seq()) {
                p.durable = true;
            }
        }
        send();
        return then.get();
    }

    private Behavior<Command> onAck(Ack a, Supplier<Behavior<Command>> then) {
        acked = Math.max(acked, a.seq());
        while (!outbox.isEmpty() && outbox.peekFirst().seq <= acked) {
            outbox.pollFirst();
        }
        send();
        return then.get();
    }

    /**
     * After a batch that left the session reattachable, the proxy is told so, after that batch's
     * output. A checkpoint not told yet is kept when a newer note without one replaces it.
     */
    private void noteReattachable(Processed p) {
        if (p.checkpoint() == null && !p.reattachable()) {
            return;
        }
        PgSession.Handover checkpoint = p.checkpoint() != null ? p.checkpoint()
                : reattachNote != null ? reattachNote.checkpoint() : null;
        // Consumed -1: a checkpoint only (more input is waiting), nothing the proxy can match.
        long consumed = p.reattachable() && inbox.isEmpty() ? submitted : -1;
        reattachNote = new ClientConnection.Reattachable(consumed, checkpoint);
        reattachAfterSeq = nextSeq - 1;
    }

    /** Sends durable output in order, within the unacknowledged window. */
    private void send() {
        for (Pending p : outbox) {
            if (p.seq <= sentUpTo) {
                continue;
            }
            if (!p.durable || p.seq - acked > MAX_UNACKED) {
                break;
            }
            ClientConnection.Reattachable note = reattachNote != null && p.seq == reattachAfterSeq ? reattachNote : null;
            client.tell(new ClientConnection.Output(p.seq, p.bytes, note));
            sentUpTo = p.seq;
            if (note != null) {
                reattachNote = null;
            }
        }
        if (reattachNote != null && sentUpTo >= reattachAfterSeq) {
            client.tell(reattachNote); // its request wrote nothing: on its own
            reattachNote = null;
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
