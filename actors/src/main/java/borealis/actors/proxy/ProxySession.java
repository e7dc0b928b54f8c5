package borealis.actors.proxy;

import borealis.actors.auth.DecoyVerifiers;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ClientConnection;
import borealis.actors.compute.SqlSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.engine.pg.wire.ProtocolException;
import java.util.List;
import java.util.function.IntConsumer;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * One client connection at the proxy: an actor that goes through three parts, each a set of
 * behaviours, one per phase of the connection.
 *
 * <pre>
 *  client                       proxy session                          compute
 *  [SSLRequest]   ──►  'S' / 'N'                                        Authentication
 *  StartupMessage ──►  cluster from the database name, user's verifier from DbCluster
 *                 ◄──  R10 SCRAM-SHA-256 ... R11 ... R12, R0
 *                      OpenSession ──────────────────────────────►  ComputeInstance   Relay
 *                 ◄──  S* K Z                                         SqlSession
 *  P B D E S Q ...──►  decoded, forwarded in order  ──────────────►  runs them
 *                 ◄──  output chunks  ◄──────────────────────────────  (after the commit is durable)
 * </pre>
 *
 * Bytes move through the {@link ClientStream}; {@link Authentication} runs everything before the
 * session (TLS negotiation, the startup packet, SCRAM, the authentication timeout), {@link Relay}
 * everything after (forwarding with backpressure, moves of the compute instance, cancel). This
 * class holds what every phase shares: the connection, its limits slot and the handlers of the
 * stream's own messages. Nothing a client sends can make the actor throw past it: an exception
 * or a VirtualMachineError while handling a connection ends that connection only ({@link Containment}).
 */
public final class ProxySession {

    /** Settings shared by every session of the node. */
    public record Settings(ProxyConfig config, ClusterSharding sharding, Materializer materializer, TlsConnection.Identity tls,
                           DecoyVerifiers decoys) {}

    /** Messages between the session and its connection's streams and futures; never leave the node. */
    interface Local extends ClientConnection, NoSerializationVerificationNeeded {}

    record StreamStarted(ActorRef<ClientStream.StreamAck> ackTo) implements Local {}

    record Received(ActorRef<ClientStream.StreamAck> ackTo, ByteString bytes) implements Local {}

    record StreamEnded(Throwable error) implements Local {}

    record Written() implements Local {}

    /** An empty output chunk of the SQL session: written at once. */
    record WrittenEmpty(long seq) implements Local {}

    record AuthTimedOut() implements Local {}

    record AuthLooked(DbCluster.AuthInfo info, Throwable error) implements Local {}

    record SessionOpened(ActorRef<SqlSession.Command> session, Throwable error) implements Local {}

    record SessionReopened(ActorRef<SqlSession.Command> session, Throwable error) implements Local {}

    /** A CancelRequest for this connection arrived (through the {@link CancelRegistry}). */
    public record CancelRunning() implements ClientConnection {}

    final ActorContext<ClientConnection> ctx;
    final TimerScheduler<ClientConnection> timers;
    final Settings settings;
    final CancelRegistry cancels;
    final ClientStream stream;
    final AuthGate gate;
    /** This connection's place within the node's limits; null for a connection being refused. */
    final ConnectionLimits.Slot slot;
    private final ConnectionLimits limits;
    /** The SQL session, once the relay has one. */
    ActorRef<SqlSession.Command> sql;
    /** BackendKeyData's process id, once registered for CancelRequests. */
    int processId;
    /** Whether the client reached ReadyForQuery (errors after that are not rejections). */
    boolean established;

    private ProxySession(ActorContext<ClientConnection> ctx, TimerScheduler<ClientConnection> timers, Tcp.IncomingConnection connection,
                         Settings settings, CancelRegistry cancels, ConnectionLimits limits, ConnectionLimits.Slot slot) {
        this.ctx = ctx;
        this.timers = timers;
        this.settings = settings;
        this.cancels = cancels;
        this.limits = limits;
        this.slot = slot;
        this.gate = new AuthGate(ctx.getSystem(), connection.remoteAddress());
        this.stream = new ClientStream(ctx, connection, settings.materializer(), settings.config().maxMessageBytes());
        ProxyMetrics.OPEN.inc();
    }

    /**
     * A session for an accepted connection: admitted with {@code slot}, or (slot null) only told
     * "too many clients" once it has said what it wants, as PostgreSQL does.
     */
    static Behavior<ClientConnection> create(Tcp.IncomingConnection connection, Settings settings, CancelRegistry cancels,
                                             ConnectionLimits limits, ConnectionLimits.Slot slot) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ProxySession s = new ProxySession(ctx, timers, connection, settings, cancels, limits, slot);
            return Behaviors.intercept(() -> new Containment(s), new Authentication(s).start());
        }));
    }

    // ---- what every phase shares ----

    /**
     * Adds the handlers every phase has, after the phase's own (the first match wins): the
     * stream's messages, answers that arrive after their phase, and the end of the connection.
     */
    BehaviorBuilder<ClientConnection> common(BehaviorBuilder<ClientConnection> phase) {
        return phase
                .onMessage(StreamStarted.class, st -> {
                    stream.started(st);
                    return Behaviors.same();
                })
                .onMessage(Written.class, w -> {
                    acknowledge(stream.written());
                    return Behaviors.same();
                })
                .onMessage(WrittenEmpty.class, w -> {
                    acknowledge(w.seq());
                    return Behaviors.same();
                })
                .onMessage(StreamEnded.class, e -> Behaviors.stopped())
                .onMessage(SessionOpened.class, o -> closeLate(o.session()))
                .onMessage(SessionReopened.class, o -> closeLate(o.session()))
                .onMessage(Local.class, m -> Behaviors.same())
                .onMessage(ClientConnection.class, m -> Behaviors.same())
                .onSignal(Terminated.class, t -> Behaviors.same())
                .onSignal(PostStop.class, p -> {
                    cleanup();
                    return Behaviors.same();
                });
    }

    /** The last phase: what the client still sends is read and dropped until the connection is gone. */
    Behavior<ClientConnection> closing() {
        return common(Behaviors.receive(ClientConnection.class)
                .onMessage(Received.class, r -> {
                    stream.discard(r);
                    return Behaviors.same();
                }))
                .build();
    }

    /**
     * Decodes what one read brought (each message's wire size to {@code frameSizes}); null when
     * the client broke the protocol or TLS failed, which has then been answered and the
     * connection is closing.
     */
    List<FrontendMessage> decode(Received r, IntConsumer frameSizes) {
        try {
            return stream.received(r, frameSizes);
        } catch (ProtocolException e) {
            sendFatal(e.sqlState(), e.getMessage());
            return null;
        } catch (SSLException e) {
            // The handshake or a record failed: nothing more can be said to this client.
            stream.finish();
            return null;
        }
    }

    /** Messages the decoder still holds after it was told what comes next; null as {@link #decode}. */
    List<FrontendMessage> buffered(IntConsumer frameSizes) {
        try {
            return stream.buffered(frameSizes);
        } catch (ProtocolException e) {
            sendFatal(e.sqlState(), e.getMessage());
            return null;
        }
    }

    /** Sends a FATAL error, closes the connection once it is written, and returns the closing phase. */
    Behavior<ClientConnection> fatal(String sqlState, String message) {
        sendFatal(sqlState, message);
        return closing();
    }

    /** Closes the connection without a word (the client left, or asked nothing more). */
    Behavior<ClientConnection> close() {
        endSql();
        stream.finish();
        return closing();
    }

    private void sendFatal(String sqlState, String message) {
        if (!established) {
            ProxyMetrics.REJECTED.labels(ProxyMetrics.reasonOf(sqlState)).inc();
            if ("28P01".equals(sqlState)) {
                ProxyMetrics.AUTH_FAILURES.inc();
            }
        }
        BackendWriter w = new BackendWriter();
        w.errorResponse("FATAL", sqlState, message, null, null, 0);
        stream.send(w.take());
        endSql();
        stream.finish();
    }

    private void endSql() {
        if (sql != null) {
            sql.tell(new SqlSession.Close());
            sql = null;
        }
    }

    private void acknowledge(long seq) {
        if (seq >= 0 && sql != null) {
            sql.tell(new SqlSession.Ack(seq));
        }
    }

    private Behavior<ClientConnection> closeLate(ActorRef<SqlSession.Command> session) {
        if (session != null) {
            session.tell(new SqlSession.Close());
        }
        return Behaviors.same();
    }

    private void cleanup() {
        ProxyMetrics.OPEN.dec();
        if (processId != 0) {
            cancels.unregister(processId);
            processId = 0;
        }
        endSql();
        if (slot != null) {
            slot.release();
        } else {
            limits.refused();
        }
        stream.stopped();
    }

    /**
     * Whatever a connection's handling throws ends that connection only: Pekko would stop the actor
     * on an exception (without telling the client) and stop the whole node on a
     * VirtualMachineError. A StackOverflowError has unwound by the time it is caught here, and an
     * OutOfMemoryError here comes from an allocation for this connection that failed (every
     * client-given length is bounded before allocating, so it does not happen by design).
     */
    private static final class Containment extends BehaviorInterceptor<ClientConnection, ClientConnection> {
        private final ProxySession session;

        Containment(ProxySession session) {
            super(ClientConnection.class);
            this.session = session;
        }

        @Override
        public Behavior<ClientConnection> aroundReceive(TypedActorContext<ClientConnection> ctx, ClientConnection msg,
                                                        ReceiveTarget<ClientConnection> target) {
            try {
                return target.apply(ctx, msg);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                return session.crashed(e);
            }
        }

        @Override
        public Behavior<ClientConnection> aroundSignal(TypedActorContext<ClientConnection> ctx, Signal signal,
                                                       SignalTarget<ClientConnection> target) {
            try {
                return target.apply(ctx, signal);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                return session.crashed(e);
            }
        }
    }

    private Behavior<ClientConnection> crashed(Throwable e) {
        ctx.getLog().error("client connection failed; closing it", e);
        try {
            sendFatal("XX000", "internal error; the connection is closed");
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError again) {
            ctx.getLog().debug("could not tell the client", again);
        }
        return Behaviors.stopped();
    }
}
