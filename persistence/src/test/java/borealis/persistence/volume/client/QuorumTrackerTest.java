package borealis.persistence.volume.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuorumTrackerTest {

    @Test
    void aRecordIsDurableOnceFourReplicasHoldTheirGroupUpToIt() {
        QuorumTracker t = new QuorumTracker(0);
        t.register(1, 0);
        t.register(2, 1);
        t.register(3, 0);
        for (int r = 0; r < 3; r++) {
            assertFalse(t.ackUpTo(0, r, 3));
        }
        assertEquals(0, t.vdl());
        assertTrue(t.ackUpTo(0, 3, 3));
        assertEquals(1, t.vdl(), "LSN 2 (group 1) has no acknowledgement yet");
        assertEquals(1, t.lastDurableInGroup(0));
        for (int r = 0; r < 4; r++) {
            t.ackUpTo(1, r, 2);
        }
        assertEquals(3, t.vdl());
        assertEquals(3, t.lastDurableInGroup(0));
        assertEquals(2, t.lastDurableInGroup(1));
    }

    @Test
    void aReplicaWithAGapCountsOnlyUpToItsScl() {
        QuorumTracker t = new QuorumTracker(0);
        for (long lsn = 1; lsn <= 4; lsn++) {
            t.register(lsn, 0);
        }
        // Replica 5 persisted 3 and 4 but missed 2: its SCL is 1, so it counts only for LSN 1.
        for (int r = 0; r < 3; r++) {
            t.ackUpTo(0, r, 4);
        }
        t.ackUpTo(0, 5, 1);
        assertEquals(1, t.vdl());
        assertEquals(4, t.readable(), "three replicas hold everything: a read quorum");
        t.ackUpTo(0, 5, 4);
        assertEquals(4, t.vdl());
    }

    @Test
    void theReadablePointNeedsThreeReplicasOfEveryRecordBelowIt() {
        QuorumTracker t = new QuorumTracker(10);
        t.register(11, 0);
        t.register(12, 1);
        t.ackUpTo(0, 0, 11);
        t.ackUpTo(0, 1, 11);
        t.ackUpTo(1, 0, 12);
        t.ackUpTo(1, 1, 12);
        t.ackUpTo(1, 2, 12);
        assertEquals(10, t.readable(), "LSN 11 is on two replicas only");
        t.ackUpTo(0, 2, 11);
        assertEquals(12, t.readable());
        assertEquals(10, t.vdl());
    }
}
