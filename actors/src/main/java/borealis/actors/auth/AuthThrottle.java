package borealis.actors.auth;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Slows down password guessing on this node: after {@code n} consecutive failed authentications
 * from one source address for one user of one database, the next attempt from there waits
 * {@code base-delay × 2^(n-1)}, at most {@code max-delay}, before the server even starts the SCRAM
 * exchange. A success clears the record; so does {@code forget-after} without failures. Parallel
 * connections all wait, and each failure they add doubles the wait.
 *
 * <p>The table is bounded ({@code max-entries}); when full, stale entries go first, then the
 * older half (by last failure), so an attacker spraying keys gains no memory, and a key that is
 * failing right now keeps its delay.
 */
public final class AuthThrottle implements Extension {

    private record Failures(int count, long lastNanos) {}

    private final long baseNanos;
    private final long maxNanos;
    private final long forgetNanos;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public AuthThrottle(Duration base, Duration max, Duration forgetAfter, int maxEntries, LongSupplier nanoClock) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.forgetNanos = forgetAfter.toNanos();
        this.maxEntries = maxEntries;
        this.clock = nanoClock;
    }

    public static AuthThrottle get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** The key of an attempt: the source host (not its port), the database and the user. */
    public static String key(String sourceHost, String database, String user) {
        return sourceHost + "\u0000" + database + "\u0000" + user;
    }

    /** How long an attempt with this key must wait before it is served. */
    public Duration delay(String key) {
        Failures f = failures.get(key);
        if (f == null) {
            return Duration.ZERO;
        }
        if (clock.getAsLong() - f.lastNanos() > forgetNanos) {
            failures.remove(key, f);
            return Duration.ZERO;
        }
        int shift = Math.min(f.count() - 1, 40);
        long nanos = baseNanos << shift;
        return Duration.ofNanos(nanos <= 0 || nanos > maxNanos ? maxNanos : nanos);
    }

    public void failed(String key) {
        long now = clock.getAsLong();
        if (failures.size() >= maxEntries && !failures.containsKey(key)) {
            evict(now);
        }
        failures.merge(key, new Failures(1, now), (old, one) ->
                now - old.lastNanos() > forgetNanos ? one : new Failures(old.count() + 1, now));
    }

    public void succeeded(String key) {
        failures.remove(key);
    }

    /** Entries held (for tests and metrics). */
    public int size() {
        return failures.size();
    }

    private void evict(long now) {
        for (Iterator<Failures> it = failures.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastNanos() > forgetNanos) {
                it.remove();
            }
        }
        if (failures.size() >= maxEntries) {
            long[] sample = failures.values().stream().limit(1000).mapToLong(Failures::lastNanos).sorted().toArray();
            long median = sample[sample.length / 2];
            failures.values().removeIf(f -> f.lastNanos() <= median);
        }
    }

    static final class Id extends ExtensionId<AuthThrottle> {
        static final Id INSTANCE = new Id();

        @Override
        public AuthThrottle createExtension(ActorSystem<?> system) {
            Config c = system.settings().config().getConfig("borealis.auth.throttle");
            return new AuthThrottle(c.getDuration("base-delay"), c.getDuration("max-delay"), c.getDuration("forget-after"),
                    c.getInt("max-entries"), System::nanoTime);
        }
    }
}
