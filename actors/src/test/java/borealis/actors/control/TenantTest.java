package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Tenant entity alone: idempotent creation, the cluster quota, deletion only when empty; events and state round-trip through Kryo. */
class TenantTest {

    static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
            .withFallback(com.typesafe.config.ConfigFactory.load()));
    private final EventSourcedBehaviorTestKit<Tenant.Command, Tenant.Event, Tenant.State> kit =
            EventSourcedBehaviorTestKit.create(testKit.system(), Tenant.create("acme", PersistenceId.of("Tenant", "acme")));

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void clear() {
        kit.clear();
    }

    private StatusReply<Tenant.TenantInfo> run(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<Tenant.TenantInfo>>, Tenant.Command> c) {
        return kit.<StatusReply<Tenant.TenantInfo>>runCommand(c::apply).reply();
    }

    @Test
    void creationIsIdempotentOnlyWithTheSameTokenAndParameters() {
        assertTrue(run(r -> new Tenant.Create("Acme", 2, "tok", r)).isSuccess());
        assertTrue(run(r -> new Tenant.Create("Acme", 2, "tok", r)).isSuccess());
        assertTrue(run(r -> new Tenant.Create("Acme", 3, "tok", r)).getError().getMessage().contains("different parameters"));
        assertTrue(run(r -> new Tenant.Create("Acme", 2, null, r)).getError().getMessage().contains("already exists"));
    }

    @Test
    void clustersCountAgainstTheQuotaAndBlockDeletion() {
        run(r -> new Tenant.Create("Acme", 2, null, r));
        assertEquals(1, run(r -> new Tenant.AddCluster("orders", r)).getValue().clusters().size());
        assertEquals(2, run(r -> new Tenant.AddCluster("billing", r)).getValue().clusters().size());
        assertTrue(run(r -> new Tenant.AddCluster("third", r)).getError().getMessage().contains("quota of 2"));
        assertTrue(run(r -> new Tenant.Modify(null, 1, r)).getError().getMessage().contains("cannot be lower"));
        assertTrue(run(r -> new Tenant.Delete(r)).getError().getMessage().contains("still owns clusters"));

        kit.restart();
        assertEquals(java.util.List.of("billing", "orders"), run(r -> new Tenant.Get(r)).getValue().clusters(), "state recovered from events");

        run(r -> new Tenant.RemoveCluster("orders", r));
        run(r -> new Tenant.RemoveCluster("billing", r));
        assertEquals("Renamed", run(r -> new Tenant.Modify("Renamed", 5, r)).getValue().description());
        assertTrue(run(r -> new Tenant.Delete(r)).isSuccess());
        assertTrue(run(r -> new Tenant.Get(r)).getError().getMessage().contains("does not exist"), "the name is free again");
    }
}
