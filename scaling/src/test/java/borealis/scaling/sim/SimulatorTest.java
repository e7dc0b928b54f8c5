package borealis.scaling.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The real policy against every shipped trace: reacts within seconds, costs a bounded multiple of the oracle. */
class SimulatorTest {

    @Test
    void everyShippedTraceReplaysInSecondsWithinBounds() {
        Simulator sim = Simulator.defaults();
        long start = System.nanoTime();
        for (String name : Trace.SHIPPED) {
            Simulator.Report r = sim.run(Trace.shipped(name));
            String line = Simulator.line(r);
            assertTrue(r.maxReactionSeconds() <= 2, "reaction: " + line);
            assertTrue(r.costRatio() >= 1 && r.costRatio() < 2.5, "cost against the oracle: " + line);
            assertTrue(r.underProvisionedSeconds() < r.seconds() * 0.02, "under-provisioned: " + line);
        }
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the simulator runs in seconds");
    }

    @Test
    void stepUpIsMetWithinASecondAndIdleTracesPause() {
        Simulator sim = Simulator.defaults();
        Simulator.Report up = sim.run(Trace.shipped("step-up"));
        assertEquals(1, up.steps());
        assertTrue(up.maxReactionSeconds() <= 1, Simulator.line(up));
        Simulator.Report idle = sim.run(Trace.shipped("idle-then-burst"));
        assertEquals(1, idle.pauses(), Simulator.line(idle));
        assertEquals(2, idle.steps());
    }

    @Test
    void aTraceWithoutLoadCostsNothingWhenPausable() throws Exception {
        StringBuilder csv = new StringBuilder("# minAcu=0 maxAcu=4 secondsUntilAutoPause=10\nsecond,cpu,working_set_mib,sessions\n");
        for (int s = 0; s < 100; s++) {
            csv.append(s).append(",0,0,0\n");
        }
        Simulator.Report r = Simulator.defaults().run(Trace.parse("idle", new StringReader(csv.toString())));
        assertEquals(0, r.acuSeconds());
        assertEquals(0, r.scalingEvents());
    }
}
