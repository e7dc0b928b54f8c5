package borealis.actors.proxy;

import borealis.actors.compute.ClientConnection;
import borealis.persistence.serialization.BorealisSerializable;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Client connections by BackendKeyData (process id and secret key), so a CancelRequest arriving on
 * a fresh connection reaches the right session, and only with the right key.
 *
 * <p>A CancelRequest may arrive at another node's proxy than the one holding the session (clients
 * reconnect through a load balancer). A request for a process id this node does not know is
 * published on a cluster-wide topic; every node checks it against its own sessions.
 */
public final class CancelRegistry {

    /** The topic's name: one per cluster, every proxy subscribes. */
    static final String TOPIC = "borealis-cancel-requests";

    /** A CancelRequest forwarded to the other nodes' proxies. */
    public record CancelBroadcast(int processId, int secretKey) implements BorealisSerializable {}

    record Entry(int secretKey, ActorRef<ClientConnection> session) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final AtomicInteger nextPid = new AtomicInteger(1000 + RANDOM.nextInt(10_000));
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
    private volatile ActorRef<Topic.Command<CancelBroadcast>> topic;

    /** Process ids are random per node at start, so two nodes rarely hand out the same one; the key decides anyway. */
    int nextProcessId() {
        return nextPid.incrementAndGet();
    }

    static int newSecretKey() {
        return RANDOM.nextInt();
    }

    void useTopic(ActorRef<Topic.Command<CancelBroadcast>> topic) {
        this.topic = topic;
    }

    void register(int pid, int key, ActorRef<ClientConnection> session) {
        entries.put(pid, new Entry(key, session));
    }

    void unregister(int pid) {
        entries.remove(pid);
    }

    /**
     * Cancels the running statement of {@code pid} if {@code key} matches; a pid unknown here goes
     * to the other nodes. Anything else is ignored silently, as PostgreSQL does.
     */
    void cancel(int pid, int key) {
        if (!cancelLocal(pid, key) && !entries.containsKey(pid)) {
            ActorRef<Topic.Command<CancelBroadcast>> t = topic;
            if (t != null) {
                t.tell(Topic.publish(new CancelBroadcast(pid, key)));
            }
        }
    }

    /** A request for this node's sessions only (from the topic, or local); true if it cancelled. */
    boolean cancelLocal(int pid, int key) {
        Entry e = entries.get(pid);
        if (e != null && e.secretKey() == key) {
            e.session().tell(new ProxySession.CancelRunning());
            return true;
        }
        return false;
    }
}
