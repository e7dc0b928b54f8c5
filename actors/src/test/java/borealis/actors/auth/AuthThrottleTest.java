package borealis.actors.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(15), 1000,
            now::get);

    @Test
    void delayDoublesWithEachFailureUpToTheMaximum() {
        String key = AuthThrottle.key("10.0.0.7", "acme.orders", "app");
        assertEquals(Duration.ZERO, throttle.delay(key));
        long[] expectedMillis = {100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000};
        for (long expected : expectedMillis) {
            throttle.failed(key);
            assertEquals(Duration.ofMillis(expected), throttle.delay(key));
        }
        for (int i = 0; i < 100; i++) {
            throttle.failed(key);
        }
        assertEquals(Duration.ofSeconds(10), throttle.delay(key), "no overflow after many failures");
    }

    @Test
    void keysAreSeparatePerSourceDatabaseAndUser() {
        String key = AuthThrottle.key("10.0.0.7", "acme.orders", "app");
        throttle.failed(key);
        throttle.failed(key);
        assertEquals(Duration.ZERO, throttle.delay(AuthThrottle.key("10.0.0.8", "acme.orders", "app")));
        assertEquals(Duration.ZERO, throttle.delay(AuthThrottle.key("10.0.0.7", "acme.billing", "app")));
        assertEquals(Duration.ZERO, throttle.delay(AuthThrottle.key("10.0.0.7", "acme.orders", "admin")));
    }

    @Test
    void successClearsAndQuietTimeForgets() {
        String key = AuthThrottle.key("10.0.0.7", "acme.orders", "app");
        throttle.failed(key);
        throttle.failed(key);
        throttle.succeeded(key);
        assertEquals(Duration.ZERO, throttle.delay(key));

        throttle.failed(key);
        throttle.failed(key);
        now.addAndGet(Duration.ofMinutes(16).toNanos());
        assertEquals(Duration.ZERO, throttle.delay(key), "failures older than forget-after no longer count");
        throttle.failed(key);
        assertEquals(Duration.ofMillis(100), throttle.delay(key), "counting starts again");
    }

    @Test
    void theTableStaysBoundedAndKeepsTheKeyThatIsFailingNow() {
        String attacker = AuthThrottle.key("10.0.0.7", "acme.orders", "app");
        for (int i = 0; i < 5; i++) {
            throttle.failed(attacker);
        }
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(1000);
            throttle.failed(AuthThrottle.key("10.1." + (i / 256) + "." + (i % 256), "acme.orders", "u" + i));
            if (i % 100 == 0) {
                throttle.failed(attacker);
            }
            assertTrue(throttle.size() <= 1000, "size " + throttle.size());
        }
        assertTrue(throttle.delay(attacker).compareTo(Duration.ofMillis(100)) > 0, "the active key keeps its delay");
    }
}
