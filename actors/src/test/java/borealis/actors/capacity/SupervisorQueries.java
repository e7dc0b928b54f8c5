package borealis.actors.capacity;

import borealis.actors.testkit.InProcessNode;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/** What a test node's capacity supervisor says about the instances it runs. */
final class SupervisorQueries {

    private SupervisorQueries() {}

    static ScalingSupervisor.Instances instances(InProcessNode node) throws Exception {
        var system = node.node().system();
        Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                replyTo -> Receptionist.find(ScalingSupervisor.SERVICE_KEY, replyTo), Duration.ofSeconds(5), system.scheduler())
                .toCompletableFuture().get();
        Set<ActorRef<ScalingSupervisor.Command>> refs = listing.getServiceInstances(ScalingSupervisor.SERVICE_KEY);
        return AskPattern.<ScalingSupervisor.Command, ScalingSupervisor.Instances>ask(refs.iterator().next(),
                ScalingSupervisor.GetInstances::new, Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get();
    }
}
