package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import borealis.scaling.ScalingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {

    private static ScalingSupervisor.Admit admit(String cluster) {
        return new ScalingSupervisor.Admit(cluster, new ScalingConfig(0, 2, 300), null);
    }

    private static AdmissionQueue.Candidate idle(String id, double acu, long lastActive) {
        return new AdmissionQueue.Candidate(id, acu, 0, false, false, lastActive, true);
    }

    @Test
    void theLeastRecentlyUsedIdleInstancesPauseUntilTheFirstWaiterFits() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/new"), 1.0, 10_000);
        List<AdmissionQueue.Candidate> running = List.of(idle("t/recent", 0.5, 900), idle("t/oldest", 0.5, 100),
                new AdmissionQueue.Candidate("t/busy", 2.0, 3, false, false, 50, true), idle("t/older", 0.5, 200));
        assertEquals(List.of("t/oldest", "t/older"), q.toPause(0, running), "two idle ones of 0.5 make 1.0; the busy one stays");
        assertEquals(List.of("t/oldest"), q.toPause(0.5, running));
        assertEquals(List.of(), q.toPause(1.0, running), "it fits already");
    }

    @Test
    void roomIsMadeForEveryWaiterAtOnceNotOneAfterAnother() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/first"), 0.5, 10_000);
        q.add(admit("t/second"), 0.5, 10_000);
        q.add(admit("t/third"), 0.5, 10_000);
        List<AdmissionQueue.Candidate> running = List.of(idle("t/a", 0.5, 300), idle("t/b", 0.5, 100), idle("t/c", 0.5, 200),
                idle("t/d", 0.5, 400));
        assertEquals(List.of("t/b", "t/c", "t/a"), q.toPause(0, running), "three waiters of 0.5: the three least recently used pause together");
        assertEquals(List.of("t/b", "t/c"), q.toPause(0.5, running));
    }

    @Test
    void anInstanceWhoseSessionsAreIdlePastTheGraceMayMakeRoomOneWithABusySessionNever() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/new"), 0.5, 10_000);
        List<AdmissionQueue.Candidate> running = List.of(new AdmissionQueue.Candidate("t/pooled", 0.5, 10, true, false, 300, true),
                new AdmissionQueue.Candidate("t/working", 0.5, 1, false, false, 100, true));
        assertEquals(List.of("t/pooled"), q.toPause(0, running), "the pool's idle connections are parked; the working session stays");
    }

    /**
     * On a full node, an instance just resumed for a client has no session yet and looked idle: it
     * was paused 1 ms after resuming, over and over (2,961 resumes for 3,000 round-robin connects).
     */
    @Test
    void anInstanceInsideItsMinimumResidencyIsNotPausedEvenWithoutSessions() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/next"), 0.5, 10_000);
        List<AdmissionQueue.Candidate> running = List.of(new AdmissionQueue.Candidate("t/just-resumed", 0.5, 0, false, false, 1, false),
                idle("t/older", 0.5, 5));
        assertEquals(List.of("t/older"), q.toPause(0, running), "the settled one goes, though the new one was used less recently");
        assertEquals(List.of(), q.toPause(0, List.of(running.get(0))), "nothing settled to pause: the waiter waits");
    }

    @Test
    void whatIsAlreadyLeavingCounts() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/new"), 0.5, 10_000);
        List<AdmissionQueue.Candidate> running = List.of(new AdmissionQueue.Candidate("t/going", 0.5, 0, false, true, 1, true), idle("t/idle", 0.5, 2));
        assertEquals(List.of(), q.toPause(0, running), "the pausing instance's 0.5 ACU is on its way");
    }

    @Test
    void waitersAreServedInOrderAndExpireAtTheirDeadline() {
        AdmissionQueue q = new AdmissionQueue();
        q.add(admit("t/a"), 0.5, 1_000);
        q.add(admit("t/b"), 0.5, 2_000);
        assertEquals("t/a", q.head().clusterId());
        assertEquals(List.of("t/a"), q.expired(1_500).stream().map(AdmissionQueue.Waiting::clusterId).toList());
        assertEquals("t/b", q.take().clusterId());
        assertEquals(0, q.size());
    }
}
