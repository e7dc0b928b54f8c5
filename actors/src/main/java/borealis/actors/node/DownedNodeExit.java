package borealis.actors.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node the cluster has downed (the minority side of a partition, or one the others saw as dead)
 * ends within a bound. Its coordinated shutdown waits on peers it can no longer reach: the shard
 * coordinator for hand-offs, a write quorum for its writers' last commits, each phase up to its
 * timeout (about 95 s in all); a process that lingers that long keeps its clients waiting on
 * commits that cannot happen and keeps its supervisor from restarting it. Past the bound it halts
 * as kill -9 would: everything it acknowledged is durable on a quorum already, and its writers
 * are fenced by the new epoch.
 */
final class DownedNodeExit {

    private static final Logger log = LoggerFactory.getLogger(DownedNodeExit.class);
    /** The exit status of a halted node: not 0, so that a supervisor restarts it to rejoin. */
    static final int HALTED = 70;

    private DownedNodeExit() {
    }

    static void install(ActorSystem<?> system, Duration bound) {
        org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(classic);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "bound-a-downed-node's-exit", () -> {
            boolean downed = shutdown.getShutdownReason()
                    .map(r -> r instanceof CoordinatedShutdown.ClusterDowningReason$).orElse(false);
            if (downed) {
                Thread watchdog = new Thread(() -> {
                    try {
                        Thread.sleep(bound.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    // Still here (a daemon thread ends with the JVM): the shutdown or its hooks wait on something.
                    log.error("downed by the cluster and still running after {}: halting", bound);
                    Runtime.getRuntime().halt(HALTED);
                }, "downed-node-exit");
                watchdog.setDaemon(true);
                watchdog.start();
            }
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }
}
