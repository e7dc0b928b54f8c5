package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.cluster.ClusterNames;
import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void namesThatCannotAppearInAConnectionStringAreRefused() {
        for (String bad : new String[] {"", "Acme", "acme.x", "acme x", "1acme", "-acme", "acme/x", "acme;x", "acme'x", "acme\u0000",
                "ac\u00e9me", "a".repeat(64), "acme_x"}) {
            assertNotNull(Validation.tenantName(bad), bad);
            assertNotNull(Validation.clusterName(bad), bad);
        }
        assertNull(Validation.tenantName("acme-2"));
        assertNull(Validation.clusterName("orders-2"));
        assertTrue(Validation.clusterName("orders-ro").contains("reader endpoint"));
        assertNotNull(Validation.clusterName("orders-"));
        assertNull(Validation.tenantName("a".repeat(63)));
    }

    @Test
    void acuBoundsAndSteps() {
        assertNull(Validation.minAcu(0));
        assertNull(Validation.minAcu(0.5));
        assertNull(Validation.maxAcu(256));
        assertNotNull(Validation.minAcu(0.25));
        assertNotNull(Validation.maxAcu(0));
        assertNotNull(Validation.maxAcu(256.5));
        assertNotNull(Validation.maxAcu(1.3));
        assertNotNull(Validation.acuRange(4, 2));
        assertNull(Validation.acuRange(2, 2));
        assertTrue(Validation.minAcu(0.3).contains("steps of 0.5"));
    }

    @Test
    void usersPasswordsAndTokens() {
        assertNull(Validation.userName("u", "app_user"));
        assertNotNull(Validation.userName("u", "pg_monitor"));
        assertNotNull(Validation.userName("u", "borealis_admin"));
        assertNotNull(Validation.userName("u", "app-user"));
        assertNotNull(Validation.userName("u", null));
        assertNotNull(Validation.password("p", "short"));
        assertNotNull(Validation.password("p", "x".repeat(1025)));
        assertNull(Validation.password("p", "long enough"));
        assertNotNull(Validation.clientToken("has space"));
        assertNull(Validation.clientToken("req-2025-01-31:1"));
        assertNotNull(Validation.secondsUntilAutoPause(0));
        assertNull(Validation.secondsUntilAutoPause(1));
    }

    @Test
    void endpointsParseOnlyWhatTheyShould() {
        assertEquals(new ClusterNames.Endpoint("acme/orders", false), ClusterNames.endpointOf("acme.orders"));
        assertEquals(new ClusterNames.Endpoint("acme/orders", true), ClusterNames.endpointOf("acme.orders-ro"));
        for (String bad : new String[] {"acme", "acme.", ".orders", "acme.orders.x", "ACME.orders", "acme.orders ", " acme.orders",
                "acme..orders", "acme.orders-ro-ro", "acme.-ro", "acme/orders", "postgres", "acme.orders\u0000x", "acme.orders;x"}) {
            assertNull(ClusterNames.endpointOf(bad), bad);
        }
    }
}
