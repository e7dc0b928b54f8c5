package borealis.actors.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * Downs a peer whose process is gone, without waiting for the failure detector and the
 * split-brain resolver.
 *
 * <p>Those two take about 4 s to suspect a silent node and {@code stable-after} more to down it,
 * because silence is ambiguous: a partition, a powered-off host and a long GC pause look alike.
 * A refused connection is not ambiguous: the peer's host answered, and nothing listens on its
 * cluster port any more (kill -9, a crash, an out-of-memory exit). A frozen JVM still has its
 * listening socket, and the kernel still accepts connections for it, so a pause is never mistaken
 * for a death. So every member's cluster port is probed with a bare TCP connect; one that refuses
 * {@code confirmations} times in a row is downed at once, and its shards (writers, control-plane
 * entities) start elsewhere. A peer that does not answer at all is left to the resolver.
 *
 * <p>A firewall that rejects (rather than drops) would refuse too, on both sides of the cut: a node
 * downs a peer only while it and the members it still reaches are a majority, so an isolated node
 * never downs the others. Measured with kill -9 of a writer's node: writes again after 14.6 s with
 * the failure detector and resolver alone, 3.3 s (p50 of 8 rounds) with this probe (docs/cluster.md).
 */
public final class DeadPeerProbe {

    /** Probe settings: {@code borealis.node.dead-peer-probe}. */
    public record Settings(boolean enabled, Duration interval, Duration connectTimeout, int confirmations) {
        public static Settings from(Config probe) {
            return new Settings(probe.getBoolean("enabled"), probe.getDuration("interval"), probe.getDuration("connect-timeout"),
                    probe.getInt("confirmations"));
        }
    }

    /** Only ever sent to itself: never serialized. */
    interface Command extends NoSerializationVerificationNeeded {}

    private record Tick() implements Command {}

    private record Probed(Address peer, Outcome outcome) implements Command {}

    enum Outcome { ACCEPTED, REFUSED, SILENT }

    private DeadPeerProbe() {}

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> {
            ExecutorService probes = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "borealis-dead-peer-probe");
                t.setDaemon(true);
                return t;
            });
            Cluster cluster = Cluster.get(ctx.getSystem());
            Map<Address, Integer> refused = new HashMap<>();
            Set<Address> inFlight = new HashSet<>();
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Tick(), settings.interval());
                return Behaviors.receive(Command.class)
                        .onMessage(Tick.class, t -> {
                            for (Member m : cluster.state().getMembers()) {
                                Address peer = m.address();
                                if (peer.equals(cluster.selfMember().address()) || !inFlight.add(peer)) {
                                    continue;
                                }
                                CompletableFuture.supplyAsync(() -> probe(peer, settings.connectTimeout()), probes)
                                        .thenAccept(outcome -> ctx.getSelf().tell(new Probed(peer, outcome)));
                            }
                            return Behaviors.same();
                        })
                        .onMessage(Probed.class, p -> {
                            inFlight.remove(p.peer());
                            if (p.outcome() != Outcome.REFUSED) {
                                refused.remove(p.peer());
                                return Behaviors.same();
                            }
                            int times = refused.merge(p.peer(), 1, Integer::sum);
                            Member dead = member(cluster, p.peer());
                            if (times >= settings.confirmations() && dead != null && inMajorityWithout(cluster, refused.keySet())) {
                                ctx.getLog().warn("cluster member {} refuses connections on its cluster port ({} probes in a row): its"
                                        + " process is gone; downing it now", p.peer(), times);
                                // Down alone leaves the member in the way until the failure detector also finds it
                                // unreachable (about 4 s): convergence waits for every member not marked
                                // terminated. Quarantining its incarnation marks it so at once.
                                RemoteActorRefProvider remoting = (RemoteActorRefProvider) ((ExtendedActorSystem) Adapter.toClassic(
                                        ctx.getSystem())).provider();
                                remoting.quarantine(dead.address(), Option.apply(dead.uniqueAddress().longUid()),
                                        "its cluster port refuses connections: the process is gone");
                                cluster.manager().tell(new Down(p.peer()));
                                refused.remove(p.peer());
                            }
                            return Behaviors.same();
                        })
                        .onSignal(PostStop.class, s -> {
                            probes.shutdownNow();
                            return Behaviors.same();
                        })
                        .build();
            });
        });
    }

    /** A bare TCP connect, closed at once (no TLS handshake: nothing is logged on the peer). */
    static Outcome probe(Address peer, Duration timeout) {
        if (peer.host().isEmpty() || peer.port().isEmpty()) {
            return Outcome.SILENT;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(peer.host().get(), (Integer) peer.port().get()), (int) timeout.toMillis());
            return Outcome.ACCEPTED;
        } catch (ConnectException e) {
            // "Connection refused" (an RST); a timeout is a SocketTimeoutException, no decision.
            return e.getMessage() != null && e.getMessage().contains("refused") ? Outcome.REFUSED : Outcome.SILENT;
        } catch (IOException e) {
            return Outcome.SILENT;
        }
    }

    /** The member at {@code peer} that is not down or removed yet, or null. */
    private static Member member(Cluster cluster, Address peer) {
        for (Member m : cluster.state().getMembers()) {
            if (m.address().equals(peer) && m.status() != MemberStatus.down() && m.status() != MemberStatus.removed()) {
                return m;
            }
        }
        return null;
    }

    /** Whether this node and the members it still reaches (not unreachable, not refusing) are more than half of all. */
    static boolean inMajorityWithout(Cluster cluster, Set<Address> refusing) {
        int all = 0;
        int reached = 0;
        Set<Address> unreachable = new HashSet<>();
        for (Member m : cluster.state().getUnreachable()) {
            unreachable.add(m.address());
        }
        for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) {
                continue;
            }
            all++;
            if (!refusing.contains(m.address()) && !unreachable.contains(m.address())) {
                reached++;
            }
        }
        return reached * 2 > all;
    }
}
