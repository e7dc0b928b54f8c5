package borealis.actors.proxy;

import borealis.actors.cluster.ClusterNames;
import borealis.actors.compute.ClientConnection;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.SqlSession;
import borealis.engine.h2.Database;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * An authenticated connection and its SQL session, one behaviour per phase:
 *
 * <pre>
 *  connecting ──SessionOpened──► S* K Z ──► relaying ──Terminate──► draining ──Ended──► closed
 *                                            │   ▲
 *                             Detaching ─────┘   └──── SessionReopened (held messages first)
 *                                  moving: the client's messages are held until the session reopens on the new node
 *                                  (parked: at the client's next message, when the instance paused to make room)
 * </pre>
 *
 * What one read brought goes to the session in one Submit, so a request (Parse, Bind, Execute,
 * Sync) runs as one batch. Input is bounded by an {@link InputWindow}: the socket is read only
 * while the messages the session has not taken yet (including those held during a move) are
 * within the configured bound; the session reports what it takes ({@link ClientConnection.InputTaken}).
 */
final class Relay {

    private final ProxySession s;
    private final Map<String, String> startup;
    private final String user;
    private final ClusterNames.Endpoint endpoint;
    private final List<Integer> readers;
    private final InputWindow window;
    private final long waitStarted = System.nanoTime();
    private Behavior<ClientConnection> relaying;
    /**
     * A Detaching that came before the reply that named its session: a session opened on an
     * instance that was paused to make room at once parks before the ask's reply is here. Dropped,
     * it left the session waiting for DetachAck and the client hanging (3 of 3,000 round-robin
     * connects in ConnectionsBench timed out after 120 s).
     */
    private ClientConnection.Detaching early;
    /** Messages given to the current session, and how many it had taken when it last said it was reattachable. */
    private long forwarded;
    private long reattachableAt = -1;
    /** The session's state as of its last checkpoint: what it opens again with if its node dies. */
    private PgSession.Handover checkpoint;

    Relay(ProxySession session, Map<String, String> startup, String user, ClusterNames.Endpoint endpoint, List<Integer> readers) {
        this.s = session;
        // The compute learns the process id the client is given in BackendKeyData: its notifications
        // and pg_backend_pid() show it. Given here, before the session opens, so both agree.
        session.processId = session.cancels.nextProcessId();
        Map<String, String> forCompute = new java.util.LinkedHashMap<>(startup);
        forCompute.put(Database.BACKEND_PID, Integer.toString(session.processId));
        this.startup = forCompute;
        this.user = user;
        this.endpoint = endpoint;
        this.readers = readers;
        this.window = new InputWindow(session.settings.config().maxQueuedInputBytes(), session.settings.config().maxQueuedInputMessages());
    }

    // ---- connecting ----

    Behavior<ClientConnection> connect() {
        EntityRef<ComputeInstance.Command> compute;
        try {
            compute = ReaderRouting.target(s.settings.sharding(), endpoint, readers);
        } catch (ReaderRouting.NoReaderException e) {
            return s.fatal("57P03", e.getMessage());
        }
        ActorRef<ClientConnection> self = s.ctx.getSelf();
        s.ctx.pipeToSelf(ResentAsk.<ComputeInstance.Command, StatusReply<ActorRef<SqlSession.Command>>>ask(compute,
                        replyTo -> new ComputeInstance.OpenSession(startup, user, self, replyTo), s.settings.config().resendAfter(),
                        s.settings.config().connectTimeout())
                .thenApply(StatusReply::getValue), ProxySession.SessionOpened::new);
        return s.common(Behaviors.receive(ClientConnection.class)
                .onMessage(ProxySession.SessionOpened.class, this::opened)
                .onMessage(ClientConnection.Detaching.class, this::detachingEarly)).build();
    }

    private Behavior<ClientConnection> detachingEarly(ClientConnection.Detaching d) {
        early = d;
        return Behaviors.same();
    }

    private Behavior<ClientConnection> opened(ProxySession.SessionOpened o) {
        if (o.error() != null) {
            return s.fatal("57P03", "the database system is not available: " + o.error().getMessage());
        }
        s.sql = o.session();
        s.ctx.watch(s.sql);
        newSession();
        int key = CancelRegistry.newSecretKey();
        s.cancels.register(s.processId, key, s.ctx.getSelf());
        BackendWriter w = new BackendWriter();
        SessionSettings.fromStartup(startup, user).reported().forEach(w::parameterStatus);
        w.backendKeyData(s.processId, key);
        w.readyForQuery('I');
        s.stream.send(w.take());
        s.established = true;
        ProxyMetrics.SESSION_WAIT.observe((System.nanoTime() - waitStarted) / 1e9);
        ProxyMetrics.READY.inc();
        // Anything the client sent after its password is in the decoder already.
        List<FrontendMessage> buffered = s.buffered(window::added);
        if (early != null && buffered != null) {
            Behavior<ClientConnection> moving = detach(takeEarly(), buffered);
            readIfRoom(); // as forward() would: the client's next message is what reopens a parked session
            return moving;
        }
        return forward(buffered);
    }

    private ClientConnection.Detaching takeEarly() {
        ClientConnection.Detaching d = early;
        early = null;
        return d;
    }

    // ---- relaying ----

    private Behavior<ClientConnection> relaying() {
        if (relaying == null) {
            relaying = s.common(sessionOutput(Behaviors.receive(ClientConnection.class)
                    .onMessage(ProxySession.Received.class, r -> forward(s.decode(r, window::added)))
                    .onMessage(ClientConnection.Reattachable.class, r -> {
                        reattachable(r);
                        return Behaviors.same();
                    })
                    .onSignal(Terminated.class, t -> {
                        if (s.sql == null || !t.getRef().equals(s.sql)) {
                            return Behaviors.same();
                        }
                        s.sql = null;
                        return reattachable() ? reattach() : s.fatal("57P01", "terminating connection because the database session ended");
                    })
                    .onMessage(ClientConnection.InputTaken.class, this::taken)
                    .onMessage(ClientConnection.Detaching.class, d -> detach(d, List.of()))
                    .onMessage(ProxySession.CancelRunning.class, c -> {
                        if (s.sql != null) {
                            s.sql.tell(new SqlSession.Cancel());
                        }
                        return Behaviors.same();
                    }))).build();
        }
        return relaying;
    }

    /** Hands what the client sent to the session in one Submit; a Terminate ends the relaying. */
    private Behavior<ClientConnection> forward(List<FrontendMessage> messages) {
        if (messages == null) {
            return s.closing();
        }
        List<FrontendMessage> batch = new ArrayList<>(messages.size());
        boolean left = false;
        for (FrontendMessage m : messages) {
            batch.add(m);
            if (m instanceof FrontendMessage.Terminate) {
                left = true;
                break;
            }
        }
        if (!batch.isEmpty()) {
            s.sql.tell(new SqlSession.Submit(List.copyOf(batch)));
            forwarded += batch.size();
        }
        if (left) {
            return draining();
        }
        readIfRoom();
        return relaying();
    }

    private Behavior<ClientConnection> taken(ClientConnection.InputTaken t) {
        window.taken(t.messages());
        readIfRoom();
        return Behaviors.same();
    }

    private void readIfRoom() {
        if (!window.full()) {
            s.stream.more();
        }
    }

    /** Output, the end of the session, and its disappearance: the same in every phase that has a session. */
    private BehaviorBuilder<ClientConnection> sessionOutput(BehaviorBuilder<ClientConnection> phase) {
        return phase
                .onMessage(ClientConnection.Output.class, o -> {
                    s.stream.send(o.bytes(), o.seq());
                    if (o.reattach() != null) {
                        reattachable(o.reattach());
                    }
                    return Behaviors.same();
                })
                .onMessage(ClientConnection.Ended.class, e -> {
                    s.sql = null;
                    return e.error() != null ? s.fatal(e.sqlState(), e.error()) : s.close();
                })
                .onSignal(Terminated.class, t -> {
                    if (s.sql == null || !t.getRef().equals(s.sql)) {
                        return Behaviors.same();
                    }
                    s.sql = null;
                    return s.fatal("57P01", "terminating connection because the database session ended");
                });
    }

    private void reattachable(ClientConnection.Reattachable r) {
        if (r.checkpoint() != null) {
            checkpoint = r.checkpoint();
        }
        reattachableAt = r.consumed();
    }

    private void newSession() {
        forwarded = 0;
        reattachableAt = -1;
    }

    /**
     * Whether the client may simply be given a new session: it is the writer's, it said it lost
     * nothing by that after the last thing the client sent, and all its output reached the proxy.
     */
    private boolean reattachable() {
        return !endpoint.reader() && checkpoint != null && reattachableAt == forwarded && early == null;
    }

    /**
     * The session's node died between the client's requests: it opens again on the cluster's next
     * writer (the compute entity starts wherever sharding puts it, after recovery) with its last
     * state; what the client sends meanwhile waits, as during a move. Aurora's proxy does the same
     * for idle connections; PostgreSQL would have dropped them.
     */
    private Behavior<ClientConnection> reattach() {
        s.ctx.getLog().info("proxy session {}: its SQL session's node is gone while the client was idle; opening it again on {}",
                s.processId, endpoint.clusterId());
        ProxyMetrics.REATTACHED.inc();
        return moving(checkpoint, new ArrayDeque<>(), false, true);
    }

    /** After the client's Terminate: its session finishes, what else the client sends is dropped. */
    private Behavior<ClientConnection> draining() {
        return s.common(sessionOutput(Behaviors.receive(ClientConnection.class)
                .onMessage(ProxySession.Received.class, r -> {
                    s.stream.discard(r);
                    return Behaviors.same();
                }))).build();
    }

    // ---- a move of the compute instance: the client stays connected ----

    /** {@code received}: what the client sent that the session has not been given (it waits with what comes next). */
    private Behavior<ClientConnection> detach(ClientConnection.Detaching d, List<FrontendMessage> received) {
        if (s.sql == null) {
            return Behaviors.same();
        }
        // From here on the client's messages wait here; the old session gives back what it got after detaching.
        s.ctx.unwatch(s.sql);
        s.sql.tell(new SqlSession.DetachAck());
        s.sql = null;
        return moving(d.handover(), new ArrayDeque<>(received), d.parked(), false);
    }

    /**
     * The session is detached: it opens again on the instance's new node at once, or, when
     * {@code parked} (its instance paused to make room), at the client's next message, which
     * resumes the instance. A parked client that only says goodbye does not resume anything.
     */
    private Behavior<ClientConnection> moving(PgSession.Handover handover, ArrayDeque<FrontendMessage> held, boolean parked,
                                              boolean gone) {
        boolean[] detached = {gone};
        boolean[] reopening = {false};
        Runnable reopen = () -> {
            if (reopening[0]) {
                return;
            }
            reopening[0] = true;
            ActorRef<ClientConnection> self = s.ctx.getSelf();
            s.ctx.pipeToSelf(ResentAsk.<ComputeInstance.Command, StatusReply<ActorRef<SqlSession.Command>>>ask(
                                    s.settings.sharding().entityRefFor(ComputeInstance.TYPE_KEY, endpoint.clusterId()),
                                    replyTo -> new ComputeInstance.ReopenSession(startup, user, self, handover, replyTo),
                                    s.settings.config().resendAfter(), s.settings.config().connectTimeout())
                            .thenApply(StatusReply::getValue),
                    ProxySession.SessionReopened::new);
        };
        if (gone) {
            reopen.run();
        }
        return s.common(Behaviors.receive(ClientConnection.class)
                .onMessage(ProxySession.Received.class, r -> {
                    List<FrontendMessage> messages = s.decode(r, window::added);
                    if (messages == null) {
                        return s.closing();
                    }
                    if (parked && !reopening[0] && held.isEmpty() && messages.stream().anyMatch(m -> m instanceof FrontendMessage.Terminate)) {
                        return s.close();
                    }
                    held.addAll(messages);
                    readIfRoom();
                    if (detached[0] && !held.isEmpty()) {
                        reopen.run();
                    }
                    return Behaviors.same();
                })
                .onMessage(ClientConnection.Detached.class, d -> {
                    List<FrontendMessage> returned = d.returned();
                    for (int i = returned.size() - 1; i >= 0; i--) {
                        held.addFirst(returned.get(i));
                    }
                    detached[0] = true;
                    if (!parked || !held.isEmpty()) {
                        reopen.run();
                    }
                    return Behaviors.same();
                })
                .onMessage(ProxySession.SessionReopened.class, o -> {
                    if (o.error() != null) {
                        return s.fatal("57P01", "terminating connection: the database moved and the session could not follow: "
                                + o.error().getMessage());
                    }
                    s.sql = o.session();
                    s.ctx.watch(s.sql);
                    newSession();
                    // The new session starts in the state it was opened with: until it takes input
                    // it can be opened again from that state (its node may die before it says so).
                    checkpoint = handover;
                    reattachableAt = 0;
                    return early != null ? detach(takeEarly(), new ArrayList<>(held)) : forward(new ArrayList<>(held));
                })
                .onMessage(ClientConnection.Detaching.class, this::detachingEarly)
                .onMessage(ClientConnection.InputTaken.class, this::taken)
                .onMessage(ClientConnection.Ended.class, e -> e.error() != null ? s.fatal(e.sqlState(), e.error()) : s.close()))
                .build();
    }
}
