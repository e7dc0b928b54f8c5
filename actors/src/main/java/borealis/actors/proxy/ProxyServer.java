package borealis.actors.proxy;

import borealis.actors.compute.ClientConnection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * The node's PostgreSQL listener: accepts TCP connections (Pekko Streams) and gives each its own
 * {@link ProxySession} actor, within the node's {@link ConnectionLimits}: a connection over them
 * gets a session that only tells it "too many clients" (53300), and past as many of those as the
 * node lets authenticate, a connection is closed unanswered.
 */
public final class ProxyServer {

    public interface Command extends NoSerializationVerificationNeeded {}

    record Accepted(Tcp.IncomingConnection connection) implements Command {}

    /** Pending connections the kernel may queue while the node accepts. */
    private static final int BACKLOG = 1024;

    private ProxyServer() {}

    /** Binds the listener; connections are handed to {@code server}, which spawns their sessions. */
    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, String host, int port, ActorRef<Command> server) {
        // No Nagle: replies are small and latency-bound.
        return Tcp.get(system).bind(host, port, BACKLOG, List.of(TcpSO.tcpNoDelay(true)), false, Optional.empty())
                .to(Sink.foreach(c -> server.tell(new Accepted(c))))
                .run(system);
    }

    /** Spawns a session per accepted connection; owns the node's cancel registry, its cluster-wide topic and the connection limits. */
    public static Behavior<Command> create(ProxySession.Settings settings) {
        CancelRegistry cancels = new CancelRegistry();
        ProxyConfig config = settings.config();
        ConnectionLimits limits = new ConnectionLimits(config.maxConnections(), config.maxAuthenticating(),
                config.maxAuthenticatingPerSource());
        return Behaviors.setup(ctx -> {
            ActorRef<Topic.Command<CancelRegistry.CancelBroadcast>> topic =
                    ctx.spawn(Topic.create(CancelRegistry.CancelBroadcast.class, CancelRegistry.TOPIC), "cancel-topic");
            ActorRef<CancelRegistry.CancelBroadcast> receiver = ctx.spawn(Behaviors.receive(CancelRegistry.CancelBroadcast.class)
                    .onMessage(CancelRegistry.CancelBroadcast.class, b -> {
                        cancels.cancelLocal(b.processId(), b.secretKey());
                        return Behaviors.same();
                    })
                    .build(), "cancel-receiver");
            topic.tell(Topic.subscribe(receiver));
            cancels.useTopic(topic);
            return Behaviors.receive(Command.class)
                .onMessage(Accepted.class, a -> {
                    ProxyMetrics.ACCEPTED.inc();
                    InetSocketAddress remote = a.connection().remoteAddress();
                    String source = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
                    ConnectionLimits.Slot slot = limits.admit(source);
                    if (slot == null && !limits.startRefusing()) {
                        ProxyMetrics.REJECTED.labels("too_many_connections").inc();
                        a.connection().handleWith(Flow.fromSinkAndSource(Sink.cancelled(), Source.empty()), settings.materializer());
                        return Behaviors.same();
                    }
                    if (slot == null) {
                        ctx.getLog().debug("client {} refused: {}", remote, limits.check(source));
                    }
                    ActorRef<ClientConnection> session = ctx.spawnAnonymous(ProxySession.create(a.connection(), settings, cancels, limits, slot));
                    ctx.getLog().debug("client {} connected: {}", remote, session);
                    return Behaviors.same();
                })
                .build();
        });
    }
}
