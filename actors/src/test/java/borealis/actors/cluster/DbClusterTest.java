package borealis.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.auth.ScramVerifier;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DbCluster entity alone: its lifecycle, idempotent creation, readers, users; events and state round-trip through Kryo. */
class DbClusterTest {

    static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
            .withFallback(com.typesafe.config.ConfigFactory.load()));
    private final EventSourcedBehaviorTestKit<DbCluster.Command, DbCluster.Event, DbCluster.State> kit =
            EventSourcedBehaviorTestKit.create(testKit.system(), DbCluster.create("acme/orders", PersistenceId.of("DbCluster", "acme/orders")));
    static final ScramVerifier APP = ScramVerifier.create("app-password");

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void clear() {
        kit.clear();
    }

    private static ClusterSpec spec(double min, double max) {
        return new ClusterSpec("acme", "orders", min, max, 300, 1 << 20, "secret", "app", 60_000, 1000, -1, -1, "acme/orders/1");
    }

    private StatusReply<DbCluster.ClusterInfo> create(String token, double max, String password) {
        return kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(r -> new DbCluster.Create(spec(0.5, max), "app", APP, token, password, r)).reply();
    }

    @Test
    void creationIsIdempotentOnlyWithTheSameTokenAndParameters() {
        assertTrue(create("tok", 4, "app-password").isSuccess());
        assertTrue(create("tok", 4, "app-password").isSuccess(), "same token, same parameters");
        assertTrue(create("tok", 8, "app-password").getError().getMessage().startsWith("conflict: client token tok"));
        assertTrue(create("tok", 4, "other-password").getError().getMessage().contains("different parameters"));
        assertTrue(create(null, 4, "app-password").getError().getMessage().contains("already exists"));
        assertTrue(create("other", 4, "app-password").getError().getMessage().contains("already exists"));
    }

    @Test
    void modifyMergesAndChecksTheBounds() {
        create(null, 4, "app-password");
        var r = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.Modify(null, 16.0, 60, c));
        assertEquals(16, r.reply().getValue().spec().maxAcu());
        assertEquals(0.5, r.reply().getValue().spec().minAcu());
        assertEquals(60, r.stateOfType(DbCluster.Active.class).spec().secondsUntilAutoPause());
        var bad = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.Modify(32.0, null, null, c));
        assertTrue(bad.reply().getError().getMessage().startsWith("invalid: minAcu (32.0) must not exceed maxAcu (16.0)"));
        assertTrue(bad.hasNoEvents());
    }

    @Test
    void readersAreNumberedOneToFifteen() {
        create(null, 4, "app-password");
        for (int i = 1; i <= DbCluster.MAX_READERS; i++) {
            var r = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.AddReader(null, c));
            assertEquals(i, r.reply().getValue().readers().size());
        }
        assertTrue(kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.AddReader(null, c)).reply().getError().getMessage()
                .contains("maximum of 15"));
        kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.RemoveReader(7, c));
        var again = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.AddReader(null, c));
        assertTrue(again.reply().getValue().readers().contains(7), "the lowest free number is reused");
        var auth = kit.<DbCluster.AuthInfo>runCommand(c -> new DbCluster.GetAuth("app", c)).reply();
        assertEquals(15, auth.readers().size());
    }

    @Test
    void usersAndPasswords() {
        create(null, 4, "app-password");
        ScramVerifier other = ScramVerifier.create("report-password");
        kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.CreateUser("report", other, c));
        assertTrue(kit.<DbCluster.AuthInfo>runCommand(c -> new DbCluster.GetAuth("report", c)).reply().verifier().matches("report-password"));
        ScramVerifier rotated = ScramVerifier.create("new-password");
        kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.SetPassword("report", rotated, c));
        ScramVerifier now = kit.<DbCluster.AuthInfo>runCommand(c -> new DbCluster.GetAuth("report", c)).reply().verifier();
        assertTrue(now.matches("new-password"));
        assertFalse(now.matches("report-password"));
        kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.DropUser("report", c));
        assertEquals(null, kit.<DbCluster.AuthInfo>runCommand(c -> new DbCluster.GetAuth("report", c)).reply().verifier());
        assertTrue(kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.DropUser("app", c)).reply().getError().getMessage()
                .contains("master user"));
    }

    @Test
    void deletionBlocksLoginsComputeAndTheNameUntilThePurge() {
        create(null, 4, "app-password");
        kit.<StatusReply<DbCluster.ComputeSpec>>runCommand(DbCluster.AllocateEpoch::new);
        Instant purgeAt = Instant.now().plusSeconds(3600);
        var deleted = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(c -> new DbCluster.Delete(purgeAt, c));
        assertEquals("deleting", deleted.reply().getValue().status());
        assertFalse(kit.<DbCluster.AuthInfo>runCommand(c -> new DbCluster.GetAuth("app", c)).reply().clusterExists());
        assertTrue(kit.<StatusReply<DbCluster.ComputeSpec>>runCommand(DbCluster.AllocateEpoch::new).reply().isError(), "no new writer");
        assertTrue(create(null, 4, "app-password").getError().getMessage().contains("kept until " + purgeAt));
        var purged = kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(DbCluster.PurgeCompleted::new);
        assertEquals(DbCluster.Empty.INSTANCE, purged.state());
        assertTrue(create(null, 4, "app-password").isSuccess(), "the name is free again");
        assertEquals(List.of("app"), kit.<StatusReply<DbCluster.ClusterInfo>>runCommand(DbCluster.Get::new).reply().getValue().users());
    }
}
