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
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * The node's PostgreSQL listener: accepts TCP connections (Pekko Streams) and gives each its own
 * {@link ProxySession} actor.
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

    /** Spawns a session per accepted connection; owns the node's cancel registry and its cluster-wide topic. */
    public static Behavior<Command> create(ProxySession.Settings settings) {
        CancelRegistry cancels = new CancelRegistry();
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
                    ActorRef<ClientConnection> session = ctx.spawnAnonymous(ProxySession.create(a.connection(), settings, cancels));
                    ctx.getLog().debug("client {} connected: {}", remote, session);
                    return Behaviors.same();
                })
                .build();
        });
    }
}
