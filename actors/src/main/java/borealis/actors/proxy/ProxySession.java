package borealis.actors.proxy;

import borealis.actors.auth.ScramServer;
import borealis.actors.compute.ClientConnection;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.SqlSession;
import borealis.actors.control.DbCluster;
import borealis.engine.pg.PgSession;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pgwire.BackendWriter;
import borealis.engine.pgwire.FrontendDecoder;
import borealis.engine.pgwire.FrontendMessage;
import borealis.engine.pgwire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * One client connection at the proxy.
 *
 * <pre>
 *  client                       proxy session                      compute
 *  [SSLRequest]  ──►  'N'
 *  StartupMessage ──►  cluster from the database name, user's verifier from DbCluster
 *                ◄──  R10 SCRAM-SHA-256 ... R11 ... R12, R0
 *                     OpenSession ─────────────────────────────►  ComputeInstance (resumes it if needed)
 *                ◄──  S* K Z                                      SqlSession
 *  P B D E S Q ...──►  decoded, forwarded in order  ────────────►  runs them
 *                ◄──  output chunks  ◄─────────────────────────── (after the commit is durable)
 * </pre>
 *
 * The connection's byte streams are a Pekko Streams TCP flow whose two ends are this actor, with
 * backpressure both ways: client bytes are acknowledged one chunk at a time, and output chunks are
 * written one at a time and acknowledged to the SQL session when written.
 */
public final class ProxySession extends AbstractBehavior<ClientConnection> {

    /** Settings shared by every session of the node. */
    public record Settings(int maxMessageBytes, Duration connectTimeout, ClusterSharding sharding, Materializer materializer,
                           TlsConnection.Identity tls) {
        public Settings(int maxMessageBytes, Duration connectTimeout, ClusterSharding sharding, Materializer materializer) {
            this(maxMessageBytes, connectTimeout, sharding, materializer, null);
        }
    }

    /** Messages between the session and its connection's streams; never leave the node. */
    interface Local extends ClientConnection, NoSerializationVerificationNeeded {}

    enum StreamAck implements NoSerializationVerificationNeeded { INSTANCE }

    record StreamStarted(ActorRef<StreamAck> ackTo) implements Local {}

    record Received(ActorRef<StreamAck> ackTo, ByteString bytes) implements Local {}

    record StreamEnded(Throwable error) implements Local {}

    record Written() implements Local {}

    record AuthLooked(DbCluster.AuthInfo info, Throwable error) implements Local {}

    record SessionOpened(ActorRef<SqlSession.Command> session, Throwable error) implements Local {}

    record SessionReopened(ActorRef<SqlSession.Command> session, Throwable error) implements Local {}

    /** A CancelRequest for this connection arrived (through the {@link CancelRegistry}). */
    public record CancelRunning() implements ClientConnection {}

    private interface Out extends NoSerializationVerificationNeeded {}

    private record OutBytes(ByteString bytes) implements Out {}

    private record OutFinish() implements Out {}

    private enum Phase { STARTUP, AUTH_INITIAL, AUTH_FINAL, CONNECTING, READY, CLOSING }

    private record Pending(ByteString bytes, long ackSeq) {}

    private final Settings settings;
    private final CancelRegistry cancels;
    private final FrontendDecoder decoder;
    private final ActorRef<Out> output;
    private final ArrayDeque<Pending> outQueue = new ArrayDeque<>();
    private boolean writing;
    private Phase phase = Phase.STARTUP;
    private Map<String, String> startup;
    private String user;
    private String clusterId;
    private ScramServer scram;
    /** TLS after an SSLRequest answered 'S'; null on a plaintext connection. */
    private TlsConnection tls;
    private ActorRef<SqlSession.Command> sql;
    private int processId;
    private final AuthGate gate;
    private ClusterNames.Endpoint endpoint;
    private List<Integer> readers = List.of();
    private long sessionWaitStarted;
    /** While the compute instance moves: the session's state, and the client's messages held meanwhile. */
    private PgSession.Handover moving;
    private final ArrayDeque<FrontendMessage> held = new ArrayDeque<>();

    static Behavior<ClientConnection> create(Tcp.IncomingConnection connection, Settings settings, CancelRegistry cancels) {
        return Behaviors.setup(ctx -> new ProxySession(ctx, connection, settings, cancels));
    }

    private ProxySession(ActorContext<ClientConnection> ctx, Tcp.IncomingConnection connection, Settings settings, CancelRegistry cancels) {
        super(ctx);
        ProxyMetrics.OPEN.inc();
        this.settings = settings;
        this.cancels = cancels;
        this.decoder = new FrontendDecoder(settings.maxMessageBytes());
        this.gate = new AuthGate(ctx.getSystem(), connection.remoteAddress());
        ActorRef<ClientConnection> self = ctx.getSelf();
        var in = ActorSink.<ByteString, ClientConnection, StreamAck>actorRefWithBackpressure(self,
                (ackTo, bytes) -> new Received(ackTo, bytes), StreamStarted::new, StreamAck.INSTANCE, new StreamEnded(null),
                StreamEnded::new);
        var out = ActorSource.<Out, StreamAck>actorRefWithBackpressure(ctx.messageAdapter(StreamAck.class, a -> new Written()), StreamAck.INSTANCE,
                        o -> o instanceof OutFinish ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
                        o -> Optional.empty())
                .map(o -> ((OutBytes) o).bytes());
        Flow<ByteString, ByteString, ActorRef<Out>> flow = Flow.fromSinkAndSourceMat(in, out, Keep.right());
        this.output = connection.handleWith(flow, settings.materializer());
    }

    @Override
    public Receive<ClientConnection> createReceive() {
        return newReceiveBuilder()
                .onMessage(StreamStarted.class, s -> {
                    s.ackTo().tell(StreamAck.INSTANCE);
                    return this;
                })
                .onMessage(Received.class, this::onReceived)
                .onMessage(StreamEnded.class, e -> {
                    if (sql != null) {
                        sql.tell(new SqlSession.Close());
                    }
                    return Behaviors.stopped();
                })
                .onMessage(Written.class, w -> {
                    writing = false;
                    Pending done = outQueue.pollFirst();
                    if (done != null && done.ackSeq() >= 0 && sql != null) {
                        sql.tell(new SqlSession.Ack(done.ackSeq()));
                    }
                    writeNext();
                    return this;
                })
                .onMessage(AuthLooked.class, this::onAuthLooked)
                .onMessage(SessionOpened.class, this::onSessionOpened)
                .onMessage(ClientConnection.Output.class, o -> {
                    enqueue(ByteString.fromArrayUnsafe(o.bytes()), o.seq());
                    return this;
                })
                .onMessage(ClientConnection.Ended.class, e -> {
                    if (e.error() != null) {
                        fatal(e.sqlState(), e.error());
                    } else {
                        close();
                    }
                    sql = null;
                    return this;
                })
                .onMessage(ClientConnection.Detaching.class, this::onDetaching)
                .onMessage(ClientConnection.Detached.class, this::onDetached)
                .onMessage(SessionReopened.class, this::onSessionReopened)
                .onMessage(CancelRunning.class, c -> {
                    if (sql != null) {
                        sql.tell(new SqlSession.Cancel());
                    }
                    return this;
                })
                .onSignal(Terminated.class, t -> {
                    if (phase == Phase.READY && sql != null && t.getRef().equals(sql)) {
                        sql = null;
                        fatal("57P01", "terminating connection because the database session ended");
                    }
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    ProxyMetrics.OPEN.dec();
                    if (processId != 0) {
                        cancels.unregister(processId);
                    }
                    // Complete the connection's output too: otherwise a client that went away (or
                    // half-closed) leaves the server's socket open with no session behind it.
                    output.tell(new OutFinish());
                    return this;
                })
                .build();
    }

    // ---- input ----

    private Behavior<ClientConnection> onReceived(Received r) {
        ProxyMetrics.RECEIVED.inc(r.bytes().size());
        if (phase == Phase.CLOSING) {
            r.ackTo().tell(StreamAck.INSTANCE);
            return this;
        }
        List<FrontendMessage> messages;
        try {
            ByteString plaintext = r.bytes();
            if (tls != null) {
                TlsConnection.Received received = tls.receive(r.bytes().asByteBuffer());
                if (!received.reply().isEmpty()) {
                    output(received.reply(), -1);
                }
                plaintext = received.plaintext();
            }
            messages = decoder.decode(plaintext.asByteBuffer());
        } catch (javax.net.ssl.SSLException e) {
            tls = null; // the handshake or a record failed: nothing more can be said to this client
            close();
            r.ackTo().tell(StreamAck.INSTANCE);
            return this;
        } catch (ProtocolException e) {
            fatal("08P01", e.getMessage());
            r.ackTo().tell(StreamAck.INSTANCE);
            return this;
        }
        r.ackTo().tell(StreamAck.INSTANCE);
        // What one read brought for a ready session goes to it in one message: a client's request
        // (Parse, Bind, Execute, Sync) is then run as one batch, not split at whatever message the
        // session happened to start on.
        List<FrontendMessage> forSession = new ArrayList<>();
        for (FrontendMessage m : messages) {
            if (phase == Phase.CLOSING) {
                break;
            }
            if (phase == Phase.READY && moving == null) {
                forSession.add(m);
                if (m instanceof FrontendMessage.Terminate) {
                    phase = Phase.CLOSING;
                }
                continue;
            }
            submit(forSession);
            handle(m);
        }
        submit(forSession);
        return this;
    }

    private void submit(List<FrontendMessage> forSession) {
        if (!forSession.isEmpty()) {
            sql.tell(new SqlSession.Submit(List.copyOf(forSession)));
            forSession.clear();
        }
    }

    private void handle(FrontendMessage m) {
        switch (phase) {
            case STARTUP -> onStartupPacket(m);
            case AUTH_INITIAL, AUTH_FINAL -> onAuthMessage(m);
            case CONNECTING -> fatal("08P01", "unexpected message while the session is being opened");
            case READY -> {
                if (moving != null) {
                    held.add(m);
                } else if (m instanceof FrontendMessage.Terminate) {
                    sql.tell(new SqlSession.Submit(List.of(m)));
                    phase = Phase.CLOSING;
                } else {
                    sql.tell(new SqlSession.Submit(List.of(m)));
                }
            }
            case CLOSING -> { }
        }
    }

    private void onStartupPacket(FrontendMessage m) {
        if (m instanceof FrontendMessage.SslRequest && settings.tls() != null && tls == null) {
            // 'S' goes out in plaintext; everything after it is TLS.
            enqueue(ByteString.fromString("S"), -1);
            tls = new TlsConnection(settings.tls());
            return;
        }
        if (m instanceof FrontendMessage.SslRequest || m instanceof FrontendMessage.GssEncRequest) {
            // No TLS on this listener (or already on): the client continues as it is.
            enqueue(ByteString.fromString("N"), -1);
            return;
        }
        if (m instanceof FrontendMessage.CancelRequest c) {
            cancels.cancel(c.processId(), c.secretKey());
            close();
            return;
        }
        if (!(m instanceof FrontendMessage.Startup s)) {
            fatal("08P01", "expected a startup message");
            return;
        }
        startup = s.parameters();
        user = startup.get("user");
        if (user == null || user.isEmpty()) {
            fatal("28000", "no PostgreSQL user name specified in startup packet");
            return;
        }
        String database = startup.getOrDefault("database", user);
        endpoint = ClusterNames.endpointOf(database);
        clusterId = endpoint == null ? null : endpoint.clusterId();
        if (clusterId == null) {
            gate.attempt(database, null, user);
            gate.failed("no such database " + database);
            fatal("3D000", "database \"" + database + "\" does not exist (connect to <tenant>.<cluster>, or <tenant>.<cluster>"
                    + ClusterNames.READER_SUFFIX + " for the readers)");
            return;
        }
        startup = gate.startupForCompute(startup);
        phase = Phase.AUTH_INITIAL;
        gate.attempt(database, clusterId, user);
        getContext().pipeToSelf(gate.afterDelay(() -> settings.sharding().entityRefFor(DbCluster.TYPE_KEY, clusterId)
                        .<DbCluster.AuthInfo>ask(replyTo -> new DbCluster.GetAuth(user, replyTo), settings.connectTimeout())),
                AuthLooked::new);
    }

    private Behavior<ClientConnection> onAuthLooked(AuthLooked a) {
        if (phase != Phase.AUTH_INITIAL || scram != null) {
            return this;
        }
        if (a.error() != null) {
            fatal("08006", "the control plane did not answer: " + a.error().getMessage());
            return this;
        }
        if (!a.info().clusterExists()) {
            gate.failed("no such cluster");
            fatal("3D000", "database \"" + startup.get("database") + "\" does not exist");
            return this;
        }
        readers = a.info().readers();
        scram = new ScramServer(a.info().verifier(), tls != null ? tls.channelBinding() : null);
        BackendWriter w = new BackendWriter();
        if (tls != null) {
            // Channel binding is offered only over TLS (SCRAM-SHA-256-PLUS with tls-server-end-point).
            w.authenticationSasl(ScramServer.MECHANISM_PLUS, ScramServer.MECHANISM);
        } else {
            w.authenticationSasl(ScramServer.MECHANISM);
        }
        enqueue(ByteString.fromArrayUnsafe(w.take()), -1);
        return this;
    }

    private void onAuthMessage(FrontendMessage m) {
        if (!(m instanceof FrontendMessage.AuthResponse r) || scram == null) {
            fatal("08P01", "expected a SASL response message");
            return;
        }
        BackendWriter w = new BackendWriter();
        try {
            if (phase == Phase.AUTH_INITIAL) {
                ByteBuffer b = ByteBuffer.wrap(r.payload());
                String mechanism = cstring(b);
                int len = b.getInt();
                byte[] data = new byte[Math.max(0, len)];
                b.get(data);
                String serverFirst = scram.clientFirst(mechanism, new String(data, StandardCharsets.UTF_8));
                w.authenticationSaslContinue(serverFirst.getBytes(StandardCharsets.UTF_8));
                phase = Phase.AUTH_FINAL;
                enqueue(ByteString.fromArrayUnsafe(w.take()), -1);
            } else {
                String serverFinal = scram.clientFinal(new String(r.payload(), StandardCharsets.UTF_8));
                w.authenticationSaslFinal(serverFinal.getBytes(StandardCharsets.UTF_8));
                w.authenticationOk();
                gate.succeeded();
                enqueue(ByteString.fromArrayUnsafe(w.take()), -1);
                openSession();
            }
        } catch (ScramServer.ScramException e) {
            gate.failed(e.getMessage());
            if (e.badPassword) {
                fatal("28P01", "password authentication failed for user \"" + user + "\"");
            } else {
                fatal("08P01", e.getMessage());
            }
        } catch (RuntimeException e) {
            gate.failed("malformed SASL message");
            fatal("08P01", "malformed SASL message: " + e);
        }
    }

    private void openSession() {
        sessionWaitStarted = System.nanoTime();
        phase = Phase.CONNECTING;
        ActorRef<ClientConnection> self = getContext().getSelf();
        EntityRef<ComputeInstance.Command> compute;
        try {
            compute = ReaderRouting.target(settings.sharding(), endpoint, readers);
        } catch (ReaderRouting.NoReaderException e) {
            fatal("57P03", e.getMessage());
            return;
        }
        getContext().pipeToSelf(compute
                        .<StatusReply<ActorRef<SqlSession.Command>>>ask(
                                replyTo -> new ComputeInstance.OpenSession(startup, user, self, replyTo), settings.connectTimeout())
                        .thenApply(StatusReply::getValue),
                SessionOpened::new);
    }

    private Behavior<ClientConnection> onSessionOpened(SessionOpened o) {
        if (phase != Phase.CONNECTING) {
            if (o.session() != null) {
                o.session().tell(new SqlSession.Close());
            }
            return this;
        }
        if (o.error() != null) {
            fatal("57P03", "the database system is not available: " + o.error().getMessage());
            return this;
        }
        sql = o.session();
        getContext().watch(sql);
        processId = cancels.nextProcessId();
        int key = CancelRegistry.newSecretKey();
        cancels.register(processId, key, getContext().getSelf());
        SessionSettings s = new SessionSettings();
        startup.forEach((k, v) -> {
            if (!k.equals("user") && !k.equals("database") && !k.equals("options")) {
                s.startup(k, v);
            }
        });
        s.startup("session_authorization", user);
        BackendWriter w = new BackendWriter();
        s.reported().forEach(w::parameterStatus);
        w.backendKeyData(processId, key);
        w.readyForQuery('I');
        enqueue(ByteString.fromArrayUnsafe(w.take()), -1);
        phase = Phase.READY;
        if (sessionWaitStarted != 0) {
            ProxyMetrics.SESSION_WAIT.observe((System.nanoTime() - sessionWaitStarted) / 1e9);
            ProxyMetrics.READY.inc();
            sessionWaitStarted = 0;
        }
        return this;
    }

    // ---- a move of the compute instance: the client stays connected ----

    private Behavior<ClientConnection> onDetaching(ClientConnection.Detaching d) {
        if (phase != Phase.READY || sql == null || moving != null) {
            return this;
        }
        // From here on the client's messages wait here; the old session gives back what it got after detaching.
        moving = d.handover();
        getContext().unwatch(sql);
        sql.tell(new SqlSession.DetachAck());
        sql = null;
        return this;
    }

    private Behavior<ClientConnection> onDetached(ClientConnection.Detached d) {
        if (moving == null) {
            return this;
        }
        List<FrontendMessage> returned = d.returned();
        for (int i = returned.size() - 1; i >= 0; i--) {
            held.addFirst(returned.get(i));
        }
        ActorRef<ClientConnection> self = getContext().getSelf();
        PgSession.Handover h = moving;
        getContext().pipeToSelf(settings.sharding().entityRefFor(ComputeInstance.TYPE_KEY, clusterId)
                        .<StatusReply<ActorRef<SqlSession.Command>>>ask(
                                replyTo -> new ComputeInstance.ReopenSession(startup, user, self, h, replyTo), settings.connectTimeout())
                        .thenApply(StatusReply::getValue),
                SessionReopened::new);
        return this;
    }

    private Behavior<ClientConnection> onSessionReopened(SessionReopened o) {
        if (moving == null || phase != Phase.READY) {
            if (o.session() != null) {
                o.session().tell(new SqlSession.Close());
            }
            return this;
        }
        if (o.error() != null) {
            moving = null;
            fatal("57P01", "terminating connection: the database moved and the session could not follow: " + o.error().getMessage());
            return this;
        }
        moving = null;
        sql = o.session();
        getContext().watch(sql);
        while (!held.isEmpty() && phase == Phase.READY) {
            handle(held.poll());
        }
        return this;
    }

    // ---- output ----

    private void enqueue(ByteString bytes, long ackSeq) {
        if (tls != null && bytes != null && !bytes.isEmpty()) {
            try {
                bytes = tls.send(bytes);
            } catch (javax.net.ssl.SSLException e) {
                getContext().getLog().debug("TLS failed on output", e);
                bytes = ByteString.emptyByteString();
            }
        }
        output(bytes, ackSeq);
    }

    /** Queues bytes exactly as they go on the wire. */
    private void output(ByteString bytes, long ackSeq) {
        outQueue.add(new Pending(bytes, ackSeq));
        writeNext();
    }

    private void writeNext() {
        if (writing) {
            return;
        }
        Pending next = outQueue.peekFirst();
        if (next == null) {
            return;
        }
        if (next.bytes() == null) {
            output.tell(new OutFinish());
            outQueue.clear();
            return;
        }
        if (next.bytes().isEmpty()) {
            // Nothing to write (an empty chunk): acknowledge it at once.
            outQueue.pollFirst();
            if (next.ackSeq() >= 0 && sql != null) {
                sql.tell(new SqlSession.Ack(next.ackSeq()));
            }
            writeNext();
            return;
        }
        writing = true;
        ProxyMetrics.SENT.inc(next.bytes().size());
        output.tell(new OutBytes(next.bytes()));
    }

    /** Sends a FATAL error and closes the connection once it is written. */
    private void fatal(String sqlState, String message) {
        if (phase != Phase.READY && phase != Phase.CLOSING) {
            ProxyMetrics.REJECTED.labels(ProxyMetrics.reasonOf(sqlState)).inc();
            if ("28P01".equals(sqlState)) {
                ProxyMetrics.AUTH_FAILURES.inc();
            }
        }
        BackendWriter w = new BackendWriter();
        w.errorResponse("FATAL", sqlState, message, null, null, 0);
        enqueue(ByteString.fromArrayUnsafe(w.take()), -1);
        close();
    }

    private void close() {
        if (phase == Phase.CLOSING && outQueue.stream().anyMatch(p -> p.bytes() == null)) {
            return;
        }
        phase = Phase.CLOSING;
        if (sql != null) {
            sql.tell(new SqlSession.Close());
            sql = null;
        }
        if (tls != null) {
            output(tls.close(), -1);
        }
        outQueue.add(new Pending(null, -1));
        writeNext();
    }

    private static String cstring(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // scan to the terminator
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }
}
