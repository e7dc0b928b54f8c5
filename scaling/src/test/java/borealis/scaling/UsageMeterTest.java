package borealis.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UsageMeterTest {

    @Test
    void accruesTheAllocationOfEverySecondOnce() {
        UsageMeter m = new UsageMeter(60);
        long t0 = 1_700_000_000L;
        double expected = 0;
        for (int s = 0; s < 600; s++) {
            double acu = s < 100 ? 0.5 : s < 400 ? 4 : 1.5;
            assertTrue(m.record(new UsageMeter.Sample("acme/orders", "writer", t0 + s, acu)));
            expected += acu;
        }
        assertFalse(m.record(new UsageMeter.Sample("acme/orders", "writer", t0 + 599, 4)), "a second is counted once");
        assertFalse(m.record(new UsageMeter.Sample("acme/orders", "writer", t0 + 10, 4)), "an old second is ignored");
        assertEquals(expected, m.totalAcuSeconds("acme/orders"), 1e-9);
        m.record(new UsageMeter.Sample("acme/billing", "writer", t0, 2));
        assertEquals(expected + 2, m.totalAcuSeconds(null), 1e-9);
        assertEquals(2, m.totals(null).size());
    }

    @Test
    void rangesAreReadByTheMinute() {
        UsageMeter m = new UsageMeter(60);
        long t0 = 60L * 1_000_000;
        for (int s = 0; s < 180; s++) {
            m.record(new UsageMeter.Sample("c", "writer", t0 + s, s < 60 ? 1 : 2));
        }
        assertEquals(60, m.between("c", t0, t0 + 60).get(0).acuSeconds(), 1e-9);
        assertEquals(240, m.between("c", t0 + 60, t0 + 180).get(0).acuSeconds(), 1e-9);
        assertEquals(300, m.between(null, t0 - 3600, t0 + 3600).get(0).acuSeconds(), 1e-9);
    }

    @Test
    void historyOlderThanTheRetentionIsDroppedButTotalsStay() {
        UsageMeter m = new UsageMeter(10);
        long t0 = 0;
        for (int s = 0; s < 3600; s += 30) {
            m.record(new UsageMeter.Sample("c", "writer", t0 + s, 1));
        }
        assertEquals(120, m.totalAcuSeconds("c"), 1e-9);
        assertEquals(0, m.between("c", 0, 600).get(0).acuSeconds(), 1e-9);
        assertTrue(m.between("c", 3000, 3600).get(0).acuSeconds() > 0);
    }
}
