package borealis.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.tck.TckRun;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's journal across three in-process cluster nodes, each with its own journal
 * directory: an entity's events survive the loss of the node that wrote them, a node that missed
 * writes gets them back at the next recovery, and with a majority gone writes are refused rather
 * than acknowledged by one node alone.
 */
class QuorumJournalTest {

    @TempDir
    Path dir;

    private final List<ActorTestKit> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ActorTestKit::shutdownTestKit);
    }

    /** A persistent list of strings: Append persists one, Get answers the list. */
    interface Cmd {}

    record Append(String value, ActorRef<List<String>> replyTo) implements Cmd {}

    record Get(ActorRef<List<String>> replyTo) implements Cmd {}

    static final class Notes extends EventSourcedBehavior<Cmd, String, List<String>> {
        Notes(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public List<String> emptyState() {
            return new ArrayList<>();
        }

        @Override
        public CommandHandler<Cmd, String, List<String>> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (s, c) -> Effect().persist(c.value()).thenReply(c.replyTo(), List::copyOf))
                    .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), List.copyOf(s)))
                    .build();
        }

        @Override
        public EventHandler<List<String>, String> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> {
                s.add(e);
                return s;
            });
        }
    }

    private ActorTestKit node(String name) {
        Config config = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.roles = ["control"]
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.persistence.journal.plugin = "borealis.journal.control"
                borealis.journal.control.dir = "%s/journal/control"
                borealis.snapshot-store.dir = "%s/snapshots"
                borealis.journal.control.replicas = 3
                borealis.journal.control.timeout = 2s
                borealis.encryption.keys-dir = "%s/keys"
                borealis.encryption.master-key-file = "%s/master.key"
                """.formatted(dir.resolve(name), dir.resolve(name), dir.resolve(name), dir.resolve(name))).withFallback(ConfigFactory.load()).resolve();
        ActorTestKit kit = ActorTestKit.create("borealis", config);
        nodes.add(kit);
        // As a node does at start: the journal is its peers' replica before anything here uses it.
        org.apache.pekko.persistence.Persistence.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system()))
                .journalFor("borealis.journal.control", ConfigFactory.empty());
        return kit;
    }

    private static void awaitUp(ActorTestKit kit, int members) throws InterruptedException {
        Cluster cluster = Cluster.get(kit.system());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long up = 0;
            for (var m : cluster.state().getMembers()) {
                if (m.status() == MemberStatus.up()) {
                    up++;
                }
            }
            if (up == members && cluster.state().getUnreachable().isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("cluster did not reach " + members + " members up: " + cluster.state());
    }

    /** Until this node counts {@code members} up and reachable (itself included). */
    private static void awaitReachable(ActorTestKit kit, int members) throws InterruptedException {
        Cluster cluster = Cluster.get(kit.system());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            long reachable = -cluster.state().getUnreachable().size();
            for (var m : cluster.state().getMembers()) {
                reachable += m.status() == MemberStatus.up() ? 1 : 0;
            }
            if (reachable == members) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + members + " reachable: " + cluster.state());
            }
            Thread.sleep(50);
        }
    }

    private static List<String> append(ActorTestKit kit, String id, String... values) {
        ActorRef<Cmd> notes = kit.spawn(new Notes(id));
        TestProbe<List<String>> probe = kit.createTestProbe();
        List<String> last = null;
        for (String v : values) {
            notes.tell(new Append(v, probe.ref()));
            last = probe.receiveMessage(Duration.ofSeconds(10));
        }
        kit.stop(notes);
        return last;
    }

    private static List<String> recover(ActorTestKit kit, String id) {
        ActorRef<Cmd> notes = kit.spawn(new Notes(id));
        TestProbe<List<String>> probe = kit.createTestProbe();
        notes.tell(new Get(probe.ref()));
        List<String> state = probe.receiveMessage(Duration.ofSeconds(10));
        kit.stop(notes);
        return state;
    }

    @Test
    void eventsSurviveTheLossOfTheNodeThatWroteThemAndAMinorityCannotWrite() throws Exception {
        ActorTestKit a = node("a");
        ActorTestKit b = node("b");
        ActorTestKit c = node("c");
        Cluster.get(a.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
        for (ActorTestKit k : List.of(b, c)) {
            Cluster.get(k.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
        }
        awaitUp(a, 3);
        awaitUp(b, 3);
        awaitUp(c, 3);

        assertEquals(List.of("alice", "bob"), append(a, "tenant-1", "alice", "bob"));
        // Node a leaves with the only in-memory copy of the entity: b recovers it from the majority.
        a.shutdownTestKit();
        nodes.remove(a);
        awaitReachable(b, 2);
        awaitReachable(c, 2);
        assertEquals(List.of("alice", "bob"), recover(b, "tenant-1"));
        // Two of three replicas remain: still a majority, so writes go on.
        assertEquals(List.of("alice", "bob", "carol"), append(b, "tenant-1", "carol"));
        assertEquals(List.of("alice", "bob", "carol"), recover(c, "tenant-1"));

        // With b gone too, c alone is no majority: the write fails (the entity stops) instead of
        // being acknowledged by one replica that a later majority might not include.
        b.shutdownTestKit();
        nodes.remove(b);
        awaitReachable(c, 1);
        ActorRef<Cmd> notes = c.spawn(new Notes("tenant-1"));
        TestProbe<List<String>> probe = c.createTestProbe();
        notes.tell(new Append("mallory", probe.ref()));
        probe.expectNoMessage(Duration.ofSeconds(3));
        probe.expectTerminated(notes, Duration.ofSeconds(10));
    }

    @Test
    void aReplicaThatMissedWritesIsRepairedAtRecovery() throws Exception {
        ActorTestKit a = node("a");
        ActorTestKit b = node("b");
        Cluster.get(a.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
        Cluster.get(b.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
        awaitUp(a, 2);
        // Written while only two of three exist: both must have it.
        append(a, "cluster-1", "v1", "v2");
        ActorTestKit c = node("c");
        Cluster.get(c.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
        awaitUp(c, 3);
        // c recovers the entity from a majority that includes a or b, and is given what it lacked.
        assertEquals(List.of("v1", "v2"), recover(c, "cluster-1"));
        a.shutdownTestKit();
        nodes.remove(a);
        b.shutdownTestKit();
        nodes.remove(b);
        // c's own copy, read on disk once it has stopped (recovery through the journal would ask a majority).
        c.shutdownTestKit();
        nodes.remove(c);
        try (JournalStore store = new JournalStore(dir.resolve("c").resolve("journal/control"), 16 << 20, false)) {
            assertEquals(2, store.highestSequenceNr("cluster-1"), "read repair copied both events to c");
            assertTrue(store.holds("cluster-1", 1) && store.holds("cluster-1", 2));
        }
    }

    @Test
    void passesThePekkoPersistenceJournalTckOnOneNode() {
        Config config = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.port = 0
                pekko.persistence.journal.plugin = "borealis.journal.control"
                borealis.journal.control.dir = "%s"
                borealis.snapshot-store.dir = "%s"
                borealis.encryption.keys-dir = "%s/keys"
                borealis.encryption.master-key-file = "%s/master.key"
                """.formatted(dir.resolve("journal"), dir.resolve("snapshots"), dir, dir))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        TckRun run = TckRun.journal(config);
        assertTrue(run.failed().isEmpty(), "TCK cases failed: " + run.failed());
        assertTrue(run.passed().size() >= 15, "the TCK ran its cases: " + run.passed());
    }
}
