package borealis.actors.proxy;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import borealis.actors.compute.ClientConnection;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The node's client connections by BackendKeyData (process id and secret key), so a CancelRequest
 * arriving on a fresh connection reaches the right session, and only with the right key.
 */
final class CancelRegistry {

    record Entry(int secretKey, ActorRef<ClientConnection> session) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final AtomicInteger nextPid = new AtomicInteger(1000 + RANDOM.nextInt(10_000));
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();

    int nextProcessId() {
        return nextPid.incrementAndGet();
    }

    static int newSecretKey() {
        return RANDOM.nextInt();
    }

    void register(int pid, int key, ActorRef<ClientConnection> session) {
        entries.put(pid, new Entry(key, session));
    }

    void unregister(int pid) {
        entries.remove(pid);
    }

    /** Cancels the running statement of {@code pid} if {@code key} matches; silently ignores anything else, as PostgreSQL does. */
    void cancel(int pid, int key) {
        Entry e = entries.get(pid);
        if (e != null && e.secretKey() == key) {
            e.session().tell(new ProxySession.CancelRunning());
        }
    }
}
