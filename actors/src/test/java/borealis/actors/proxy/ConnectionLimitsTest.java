package borealis.actors.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The node's connection caps: all connections, those still authenticating, those per source address. */
class ConnectionLimitsTest {

    @Test
    void eachCapRefusesWithItsReasonAndASlotGivesItsPlaceBack() {
        ConnectionLimits limits = new ConnectionLimits(5, 3, 2);
        ConnectionLimits.Slot a1 = limits.admit("10.0.0.1");
        ConnectionLimits.Slot a2 = limits.admit("10.0.0.1");
        assertNotNull(a1);
        assertNotNull(a2);
        assertEquals(ConnectionLimits.Refusal.TOO_MANY_FROM_SOURCE, limits.check("10.0.0.1"));
        assertNull(limits.admit("10.0.0.1"));

        ConnectionLimits.Slot b1 = limits.admit("10.0.0.2");
        assertNotNull(b1);
        assertEquals(ConnectionLimits.Refusal.TOO_MANY_AUTHENTICATING, limits.check("10.0.0.3"));
        assertNull(limits.admit("10.0.0.3"));

        // Authenticated connections no longer count against the authentication caps, only the node's.
        a1.authenticated();
        a2.authenticated();
        assertEquals(1, limits.authenticating());
        assertNotNull(limits.admit("10.0.0.1"));
        assertNotNull(limits.admit("10.0.0.3"));
        assertEquals(5, limits.connections());
        assertEquals(ConnectionLimits.Refusal.TOO_MANY_CONNECTIONS, limits.check("10.0.0.4"));

        // Released once, whatever happens after.
        a1.release();
        a1.release();
        a1.authenticated();
        assertEquals(4, limits.connections());
        b1.release();
        assertEquals(3, limits.connections());
        assertEquals(2, limits.authenticating());
        assertEquals(ConnectionLimits.Refusal.NONE, limits.check("10.0.0.4"));
    }

    @Test
    void refusalsInProgressAreCappedToo() {
        ConnectionLimits limits = new ConnectionLimits(10, 2, 2);
        assertTrue(limits.startRefusing());
        assertTrue(limits.startRefusing());
        assertFalse(limits.startRefusing(), "past the cap a refused connection is closed without being told");
        limits.refused();
        assertTrue(limits.startRefusing());
    }
}
