package borealis.actors.proxy;

import borealis.actors.compute.ClientConnection;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * CancelRequest routing: a request reaching a proxy that does not hold the session travels over
 * the topic to the proxy that does, and cancels only with the right secret key.
 */
class CancelRegistryTest {

    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.provider = local\npekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static ActorRef<Topic.Command<CancelRegistry.CancelBroadcast>> lastTopic;

    /** A node's registry wired to the topic as ProxyServer wires it. */
    private static CancelRegistry node(String name) {
        CancelRegistry registry = new CancelRegistry();
        ActorRef<Topic.Command<CancelRegistry.CancelBroadcast>> topic =
                testKit.spawn(Topic.create(CancelRegistry.CancelBroadcast.class, CancelRegistry.TOPIC), name + "-topic");
        ActorRef<CancelRegistry.CancelBroadcast> receiver = testKit.spawn(Behaviors.receive(CancelRegistry.CancelBroadcast.class)
                .onMessage(CancelRegistry.CancelBroadcast.class, b -> {
                    registry.cancelLocal(b.processId(), b.secretKey());
                    return Behaviors.same();
                }).build(), name + "-receiver");
        topic.tell(Topic.subscribe(receiver));
        registry.useTopic(topic);
        lastTopic = topic;
        return registry;
    }

    @Test
    void cancelReachesTheSessionOnAnotherNode() throws Exception {
        CancelRegistry a = node("a");
        CancelRegistry b = node("b");
        TestProbe<ClientConnection> session = testKit.createTestProbe();
        a.register(4242, 77, session.getRef());
        // The topic instances find each other through the receptionist: wait until b's sees both.
        TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
        for (int i = 0; i < 100; i++) {
            lastTopic.tell(Topic.getTopicStats(stats.getRef()));
            if (stats.receiveMessage(Duration.ofSeconds(5)).topicInstanceCount() >= 2) {
                break;
            }
            Thread.sleep(50);
        }

        b.cancel(4242, 12345); // wrong key: nothing happens
        session.expectNoMessage(Duration.ofMillis(300));

        b.cancel(4242, 77);
        session.expectMessageClass(ProxySession.CancelRunning.class, Duration.ofSeconds(5));

        a.cancel(4242, 77); // locally, directly
        session.expectMessageClass(ProxySession.CancelRunning.class, Duration.ofSeconds(5));
        a.unregister(4242);
        b.cancel(4242, 77);
        session.expectNoMessage(Duration.ofMillis(300));
    }
}
